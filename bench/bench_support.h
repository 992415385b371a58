#pragma once
// What every benchmark needs: arguments, CPU time, peak memory, and running
// the Python reference side. Header-only; benches are single files.
#include <time.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace sieve::bench {

inline int64_t argValue(int argc, char** argv, const char* name, int64_t fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::stoll(argv[i + 1]);
    return fallback;
}

inline std::string argString(int argc, char** argv, const char* name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

// Peak resident memory of the process so far (VmHWM), MiB; -1 when unknown.
inline double peakRssMiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return -1;
}

// CPU seconds of the whole process (all threads): on a shared, loaded
// machine this is far steadier than wall time for CPU runs.
inline double processCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Standard output of a shell command (the Python reference benches).
inline std::string runCapture(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    return out;
}

}  // namespace sieve::bench

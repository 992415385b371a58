#include "core/types/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/common/error.h"

namespace sieve {
namespace {

std::string kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string sizeText(uint64_t bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

uint64_t checkStat(const struct stat& st, const std::string& path, const std::string& what,
                   uint64_t maxBytes) {
    if (!S_ISREG(st.st_mode))
        throw InputError(what + " '" + path + "' is " + kindOf(st.st_mode) + ", not a regular file");
    const auto size = uint64_t(st.st_size);
    if (size > maxBytes)
        throw InputError(what + " '" + path + "' is " + sizeText(size) + ", larger than a " + what +
                         " can plausibly be (" + sizeText(maxBytes) + ")");
    return size;
}

}  // namespace

uint64_t checkInputFile(const std::string& path, const std::string& what, uint64_t maxBytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw InputError(what + " '" + path + "': " + std::strerror(errno));
    return checkStat(st, path, what, maxBytes);
}

std::string readInputFile(const std::string& path, const std::string& what, uint64_t maxBytes) {
    checkInputFile(path, what, maxBytes);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw InputError(what + " '" + path + "': cannot open: " + std::strerror(errno));
    struct stat st {};
    std::string bytes;
    try {
        if (::fstat(fd, &st) != 0) throw InputError(what + " '" + path + "': " + std::strerror(errno));
        bytes.resize(size_t(checkStat(st, path, what, maxBytes)));
        size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw InputError(what + " '" + path + "': read failed: " + std::strerror(errno));
            if (n == 0) break;  // shrank while being read
            done += size_t(n);
        }
        bytes.resize(done);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return bytes;
}

}  // namespace sieve

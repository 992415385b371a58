#pragma once
// How much memory a device has, and how much a phase of a run used: host
// memory from /proc (resident set, its peak reset per phase through
// /proc/self/clear_refs), GPU memory from CUDA and torch's caching allocator
// (free and total, peak allocated). Used by the engine to plan a run against
// what is free now and to report each phase's measured peak beside the
// planned one.
#include <cstdint>
#include <string>

namespace sieve {

struct MemoryInfo {
    int64_t total = 0;      // bytes the device has
    int64_t available = 0;  // bytes free now (host: MemAvailable)
};

MemoryInfo hostMemory();
// "cuda:N": total and free; zeros when the build has no CUDA support or the
// device cannot be asked. "cpu": hostMemory().
MemoryInfo deviceMemory(const std::string& device);

// Peak bytes in use on `device` since the last resetPeakMemory: the
// process's peak resident set on the CPU (-1 where the kernel cannot reset
// it), torch's peak allocated bytes on a GPU (-1 without CUDA support).
void resetPeakMemory(const std::string& device);
int64_t peakMemory(const std::string& device);
// Bytes in use now: the resident set, or torch's allocated bytes on a GPU.
int64_t currentMemory(const std::string& device);

// Whether this build can read GPU memory (compiled against torch's CUDA headers).
bool gpuMemoryStatsAvailable();

}  // namespace sieve

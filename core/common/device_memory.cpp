#include "core/common/device_memory.h"

#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "core/common/torch_compat.h"

#if defined(SIEVE_HAVE_CUDA_HEADERS)
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace sieve {

namespace {

// A "Key:   123 kB" line of a /proc file, in bytes; -1 when absent.
int64_t procValue(const char* file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream fields(line.substr(key.size() + 1));
            int64_t value = 0;
            fields >> value;
            return value * 1024;
        }
    return -1;
}

int cudaIndex(const std::string& device) {
    const size_t colon = device.find(':');
    return colon == std::string::npos ? 0 : std::stoi(device.substr(colon + 1));
}

#if defined(SIEVE_HAVE_CUDA_HEADERS)
// torch creates its CUDA allocator lazily, with the first CUDA tensor; asking it for
// statistics before that throws "Invalid device argument" (`sieve plan --device
// cuda:0` did, on the H200, since planning opens no weights). One tiny tensor makes it.
void ensureCudaAllocator(int index) {
    static std::mutex mutex;
    static std::set<int> ready;
    const std::lock_guard<std::mutex> lock(mutex);
    if (ready.count(index)) return;
    (void)torch::empty({1},
                       torch::TensorOptions().device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)));
    ready.insert(index);
}
#endif

}  // namespace

MemoryInfo hostMemory() {
    MemoryInfo info;
    info.total = std::max<int64_t>(0, procValue("/proc/meminfo", "MemTotal"));
    info.available = std::max<int64_t>(0, procValue("/proc/meminfo", "MemAvailable"));
    return info;
}

bool gpuMemoryStatsAvailable() {
#if defined(SIEVE_HAVE_CUDA_HEADERS)
    return true;
#else
    return false;
#endif
}

MemoryInfo deviceMemory(const std::string& device) {
    if (device.rfind("cuda", 0) != 0) return hostMemory();
    MemoryInfo info;
#if defined(SIEVE_HAVE_CUDA_HEADERS)
    if (!compat::cudaAvailable()) return info;
    ensureCudaAllocator(cudaIndex(device));
    const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(cudaIndex(device)));
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) == cudaSuccess) {
        info.total = int64_t(total);
        // Memory torch's allocator holds cached but unused is free for this run.
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device));
        const int64_t cached = stats.reserved_bytes[0].current - stats.allocated_bytes[0].current;
        info.available = int64_t(free) + std::max<int64_t>(0, cached);
    }
#else
    (void)cudaIndex;
#endif
    return info;
}

void resetPeakMemory(const std::string& device) {
    if (device.rfind("cuda", 0) == 0) {
#if defined(SIEVE_HAVE_CUDA_HEADERS)
        if (compat::cudaAvailable()) {
            ensureCudaAllocator(cudaIndex(device));
            c10::cuda::CUDACachingAllocator::resetPeakStats(cudaIndex(device));
        }
#endif
        return;
    }
    // "5" resets the peak resident set (VmHWM) to the current one (Linux >= 4.0).
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

int64_t peakMemory(const std::string& device) {
    if (device.rfind("cuda", 0) == 0) {
#if defined(SIEVE_HAVE_CUDA_HEADERS)
        if (!compat::cudaAvailable()) return -1;
        ensureCudaAllocator(cudaIndex(device));
        return c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device)).allocated_bytes[0].peak;
#else
        return -1;
#endif
    }
    return procValue("/proc/self/status", "VmHWM");
}

int64_t currentMemory(const std::string& device) {
    if (device.rfind("cuda", 0) == 0) {
#if defined(SIEVE_HAVE_CUDA_HEADERS)
        if (!compat::cudaAvailable()) return -1;
        ensureCudaAllocator(cudaIndex(device));
        return c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device)).allocated_bytes[0].current;
#else
        return -1;
#endif
    }
    return procValue("/proc/self/status", "VmRSS");
}

}  // namespace sieve

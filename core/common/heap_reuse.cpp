#include "core/common/heap_reuse.h"

#include <dlfcn.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sieve {
namespace {

// tcmalloc defines malloc as an alias of its tc_malloc: when it is the
// allocator, the malloc this program calls is that function.
bool tcmallocIsTheAllocator() {
    void* tcMalloc = dlsym(RTLD_DEFAULT, "tc_malloc");
    return tcMalloc != nullptr && tcMalloc == reinterpret_cast<void*>(&std::malloc);
}

// A function of tcmalloc's MallocExtension C API, looked up rather than
// linked, so that the library builds without gperftools' headers; null when
// tcmalloc lacks it.
template <typename Function>
Function tcmallocExtension(const char* name) {
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

void reuseFreedHeapMemory() {
#if defined(__GLIBC__)
    if (tcmallocIsTheAllocator()) return;
    // 32 MiB is the largest threshold mallopt accepts on 64-bit glibc (half
    // its heap size); blocks above it (the lm_head's logits) are still mapped
    // per allocation. Setting either value also stops glibc's own threshold
    // adjustment, hence both.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void heapFollowsLiveMemory() {
    if (tcmallocIsTheAllocator()) {
        if (auto set = tcmallocExtension<int (*)(const char*, size_t)>("MallocExtension_SetNumericProperty"))
            set("tcmalloc.aggressive_memory_decommit", 1);
        return;
    }
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
}

void releaseFreedHeapMemory() {
    if (tcmallocIsTheAllocator()) {
        if (auto release = tcmallocExtension<void (*)()>("MallocExtension_ReleaseFreeMemory")) release();
        return;
    }
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

const char* heapAllocatorName() {
    if (tcmallocIsTheAllocator()) return "tcmalloc";
#if defined(__GLIBC__)
    return "glibc malloc";
#else
    return "the C library's malloc";
#endif
}

}  // namespace sieve

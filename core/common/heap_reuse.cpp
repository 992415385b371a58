#include "core/common/heap_reuse.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sieve {

void reuseFreedHeapMemory() {
#if defined(__GLIBC__)
    // 32 MiB is the largest threshold mallopt accepts on 64-bit glibc (half
    // its heap size); blocks above it (the lm_head's logits) are still mapped
    // per allocation. Setting either value also stops glibc's own threshold
    // adjustment, hence both.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace sieve

#include "core/common/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstdint>

namespace sieve {

namespace {

#if defined(__x86_64__) || defined(__i386__)
// XCR0: which register state the OS saves on a context switch. A feature
// whose state the OS does not save cannot be used even when cpuid lists it.
uint64_t xcr0() {
    uint32_t eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (uint64_t(edx) << 32) | eax;
}
#endif

CpuFeatures detect() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    const bool osxsave = (ecx >> 27) & 1;
    if (!osxsave) return f;
    const uint64_t xcr = xcr0();
    const bool avxState = (xcr & 0x6) == 0x6;                   // SSE and AVX registers
    const bool avx512State = avxState && (xcr & 0xe0) == 0xe0;  // opmask, ZMM0-15 upper halves, ZMM16-31
    const bool amxState = (xcr & (uint64_t(3) << 17)) == (uint64_t(3) << 17);  // XTILECFG, XTILEDATA
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
    const unsigned maxSubleaf = eax;
    f.avx2 = avxState && ((ebx >> 5) & 1);
    f.avx512f = avx512State && ((ebx >> 16) & 1);
    f.amxBf16 = amxState && ((edx >> 22) & 1);
    if (maxSubleaf >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx))
        f.avx512bf16 = f.avx512f && ((eax >> 5) & 1);
#endif
    return f;
}

}  // namespace

std::string CpuFeatures::describe() const {
    std::string s;
    auto add = [&s](bool has, const char* name) {
        if (!has) return;
        if (!s.empty()) s += ", ";
        s += name;
    };
    add(avx2, "AVX2");
    add(avx512f, "AVX-512F");
    add(avx512bf16, "AVX-512 BF16");
    add(amxBf16, "AMX-BF16");
    return s.empty() ? std::string("no AVX2") : s;
}

const CpuFeatures& cpuFeatures() {
    static const CpuFeatures features = detect();
    return features;
}

}  // namespace sieve

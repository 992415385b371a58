#pragma once
// What this processor offers for the compute dtype, read at run time with
// cpuid (the build machine and the machine that runs often differ). Only
// bfloat16 matters here: with AVX-512 BF16 or AMX oneDNN multiplies bf16
// matrices ~3x faster than float32; without them libtorch falls back to a
// scalar bf16 GEMM ~20x slower than float32 (docs/benchmarks.md, "Compute dtype").
#include <string>

namespace sieve {

struct CpuFeatures {
    bool avx2 = false;
    bool avx512f = false;
    bool avx512bf16 = false;  // vdpbf16ps: bf16 dot products
    bool amxBf16 = false;     // AMX tiles with bf16 (Sapphire Rapids and later)

    // A bf16 GEMM runs at least at float32 speed (AVX-512 BF16 or AMX, with the OS saving their state).
    bool fastBf16Gemm() const { return avx512bf16 || amxBf16; }
    // "AVX2, AVX-512F, AVX-512 BF16" (what was found), for logs and `sieve info`.
    std::string describe() const;
};

// Read once (cpuid and xgetbv); all false on processors other than x86-64.
const CpuFeatures& cpuFeatures();

}  // namespace sieve

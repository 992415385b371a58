#pragma once
// Scalar float helpers for the few element-wise kernels we write ourselves
// (log-sum-exp, RMSNorm, SiLU x up), compiled for AVX-512 (x86-64-v4) so that
// their OpenMP SIMD loops vectorize 16 floats wide, and used only where the
// CPU has it (hasAvx512Kernels): the CPUs where bfloat16 is the compute
// dtype. Elsewhere the callers go through libtorch. Why at all: libtorch
// 1.13's element-wise kernels here are its AVX2 ones (AVX-512 is opt-in), and
// an operation written as several of them (convert, square, reduce, scale,
// convert back) reads and writes the tensor once per step; ours do it in one
// pass. bfloat16 is carried as uint16_t, its bits.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#define SIEVE_HAVE_AVX512_KERNELS 1
#define SIEVE_AVX512 __attribute__((target("arch=x86-64-v4")))
#else
#define SIEVE_HAVE_AVX512_KERNELS 0
#define SIEVE_AVX512
#endif

namespace sieve::simd {

// x86-64-v4's AVX-512 subsets (and the v3 ones, AVX2, FMA, BMI2, that the
// compiler may also use), read once. SIEVE_KERNELS=libtorch in the
// environment turns our kernels off (to compare, or to rule them out).
inline bool hasAvx512Kernels() {
#if SIEVE_HAVE_AVX512_KERNELS
    static const bool has =
        !(std::getenv("SIEVE_KERNELS") && std::string(std::getenv("SIEVE_KERNELS")) == "libtorch") &&
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2");
    return has;
#else
    return false;
#endif
}

SIEVE_AVX512 inline float toFloat(float v) {
    return v;
}
SIEVE_AVX512 inline float toFloat(uint16_t bfloat16) {
    const uint32_t bits = uint32_t(bfloat16) << 16;  // bfloat16 is float32's upper half
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// float32 -> bfloat16, rounded to nearest even; NaN stays a (quiet) NaN: as
// c10::BFloat16 converts, so that results equal libtorch's.
SIEVE_AVX512 inline uint16_t toBFloat16(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    return f != f ? uint16_t(0x7FC0) : uint16_t(rounded);
}

// e^x, branch-free so that it vectorizes: Cephes' expf (~1 ulp). For x <= 0;
// below -87 it gives e^-87 (~1.6e-38).
// e^x = 2^n e^r: n = round(x / ln 2), |r| <= ln(2)/2, e^r by a degree-6 polynomial.
SIEVE_AVX512 inline void expParts(float x, float& n, float& er) {
    constexpr float kShifter = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
    n = (x * 1.44269504088896341f + kShifter) - kShifter;
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;  // ln 2 in two parts
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    er = p * r * r + r + 1.0f;
}

// 2^k for k in [-126, 127], from its exponent bits.
SIEVE_AVX512 inline float powerOfTwo(int32_t k) {
    const int32_t bits = (k + 127) * (1 << 23);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

SIEVE_AVX512 inline float expNonPositive(float x) {
    float n, er;
    expParts(x < -87.0f ? -87.0f : x, n, er);
    return er * powerOfTwo(int32_t(n));  // n in [-126, 0]
}

// e^x for -86 <= x <= 88.72 (float32's largest finite e^x; x is clamped to
// the range), the same way; 2^n as 2^(n-1) * 2, as n reaches 128.
SIEVE_AVX512 inline float expClamped(float x) {
    float n, er;
    expParts(x < -86.0f ? -86.0f : (x > 88.72f ? 88.72f : x), n, er);
    return er * powerOfTwo(int32_t(n) - 1) * 2.0f;
}

}  // namespace sieve::simd

#include "core/gguf/quantize.h"

#include <cmath>
#include <cstring>

namespace sieve::quants {

uint16_t floatToHalf(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t exponent = (bits >> 23) & 0xffu;
    uint32_t mantissa = bits & 0x7fffffu;
    if (exponent == 0xff)  // infinity or NaN (a NaN keeps a non-zero mantissa)
        return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0u));
    const int e = int(exponent) - 127 + 15;
    if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow
    if (e <= 0) {
        // Subnormal (or zero) half: the mantissa with its implicit 1, shifted
        // right by 14 - e, rounded to nearest even.
        if (e < -10) return sign;  // below half the smallest subnormal: zero
        mantissa |= 0x800000u;
        const int shift = 14 - e;
        uint32_t half = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u), midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1u))) ++half;
        return static_cast<uint16_t>(sign | half);
    }
    uint32_t half = (uint32_t(e) << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent: correct
    return static_cast<uint16_t>(sign | half);
}

void quantizeQ8_0(const float* src, int64_t count, uint8_t* dst) {
    constexpr int kBlock = 32;
    for (int64_t b = 0; b < count / kBlock; ++b) {
        const float* x = src + b * kBlock;
        float amax = 0.0f;
        for (int i = 0; i < kBlock; ++i) amax = std::fmax(amax, std::fabs(x[i]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        uint8_t* block = dst + b * (2 + kBlock);
        const uint16_t h = floatToHalf(d);
        block[0] = uint8_t(h & 0xff);
        block[1] = uint8_t(h >> 8);
        for (int i = 0; i < kBlock; ++i) block[2 + i] = uint8_t(int8_t(std::round(x[i] * id)));
    }
}

}  // namespace sieve::quants

#pragma once
// The per-family decoders behind dequantize() (internal to core/gguf). Each
// decodes `blocks` consecutive blocks at src into dst. Bit-exact with ggml:
// every product and sum is the same float32 operation in the same order (the
// library is built with -ffp-contract=off so that no FMA merges two of them).
#include <cstdint>
#include <cstring>

namespace sieve::quants {

// IEEE binary16 -> binary32, exact for every value (subnormals, inf, NaN
// payloads), without relying on the FPU's denormal mode.
inline float halfToFloat(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // A subnormal m * 2^-24: shift m up to a leading 1 at bit 10.
        int shift = 0;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            ++shift;
        }
        bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline float halfAt(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return halfToFloat(h);
}

void dequantizeF32(const uint8_t* src, int64_t count, float* dst);
void dequantizeF16(const uint8_t* src, int64_t count, float* dst);
void dequantizeBF16(const uint8_t* src, int64_t count, float* dst);

void dequantizeQ4_0(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ4_1(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ5_0(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ5_1(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ8_0(const uint8_t* src, int64_t blocks, float* dst);

void dequantizeQ2_K(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ3_K(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ4_K(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ5_K(const uint8_t* src, int64_t blocks, float* dst);
void dequantizeQ6_K(const uint8_t* src, int64_t blocks, float* dst);

}  // namespace sieve::quants

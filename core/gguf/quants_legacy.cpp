// ggml's first block formats: 32 weights per block, one float16 scale d (and
// for the _1 types a float16 offset m), then the quants:
//   Q4_0  d, 16 bytes of nibbles            w = d * (q - 8)
//   Q4_1  d, m, 16 bytes of nibbles         w = d * q + m
//   Q5_0  d, 4 bytes high bits, 16 nibbles  w = d * (q - 16)
//   Q5_1  d, m, 4 bytes high bits, nibbles  w = d * q + m
//   Q8_0  d, 32 int8                        w = d * q
// Nibble j holds weight j (low half of byte j) and weight j + 16 (high half);
// the fifth bit of weight j is bit j of the little-endian u32 high-bit word.
// Each block is copied to a local first, so the compiler sees that the
// float stores cannot alias the quants and vectorises the inner loops.
#include "core/gguf/quants.h"

namespace sieve::quants {
namespace {

constexpr int kBlock = 32;

template <int Bytes>
struct Block {
    uint8_t b[Bytes];
    explicit Block(const uint8_t* src) { std::memcpy(b, src, Bytes); }
};

uint32_t u32At(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

}  // namespace

void dequantizeQ4_0(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 18, y += kBlock) {
        const Block<18> block(src);
        const float d = halfAt(block.b);
        const uint8_t* q = block.b + 2;
        for (int j = 0; j < 16; ++j) {
            y[j] = static_cast<float>((q[j] & 0x0f) - 8) * d;
            y[j + 16] = static_cast<float>((q[j] >> 4) - 8) * d;
        }
    }
}

void dequantizeQ4_1(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 20, y += kBlock) {
        const Block<20> block(src);
        const float d = halfAt(block.b), m = halfAt(block.b + 2);
        const uint8_t* q = block.b + 4;
        for (int j = 0; j < 16; ++j) {
            y[j] = static_cast<float>(q[j] & 0x0f) * d + m;
            y[j + 16] = static_cast<float>(q[j] >> 4) * d + m;
        }
    }
}

void dequantizeQ5_0(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 22, y += kBlock) {
        const Block<22> block(src);
        const float d = halfAt(block.b);
        const uint32_t high = u32At(block.b + 2);
        const uint8_t* q = block.b + 6;
        for (int j = 0; j < 16; ++j) {
            const int lo = (q[j] & 0x0f) | static_cast<int>(((high >> j) & 1u) << 4);
            const int hi = (q[j] >> 4) | static_cast<int>(((high >> (j + 16)) & 1u) << 4);
            y[j] = static_cast<float>(lo - 16) * d;
            y[j + 16] = static_cast<float>(hi - 16) * d;
        }
    }
}

void dequantizeQ5_1(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 24, y += kBlock) {
        const Block<24> block(src);
        const float d = halfAt(block.b), m = halfAt(block.b + 2);
        const uint32_t high = u32At(block.b + 4);
        const uint8_t* q = block.b + 8;
        for (int j = 0; j < 16; ++j) {
            const int lo = (q[j] & 0x0f) | static_cast<int>(((high >> j) & 1u) << 4);
            const int hi = (q[j] >> 4) | static_cast<int>(((high >> (j + 16)) & 1u) << 4);
            y[j] = static_cast<float>(lo) * d + m;
            y[j + 16] = static_cast<float>(hi) * d + m;
        }
    }
}

void dequantizeQ8_0(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 34, y += kBlock) {
        const Block<34> block(src);
        const float d = halfAt(block.b);
        const auto* q = reinterpret_cast<const int8_t*>(block.b + 2);
        for (int j = 0; j < kBlock; ++j) y[j] = static_cast<float>(q[j]) * d;
    }
}

}  // namespace sieve::quants

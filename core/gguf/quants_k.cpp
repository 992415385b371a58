// ggml's K types: super-blocks of 256 weights with a float16 scale d (and a
// float16 dmin for the types that subtract a minimum) and small per-group
// scales. Layouts (ggml-common.h, QK_K = 256), bytes in file order:
//   Q2_K  scales[16] qs[64] d dmin         16 groups of 16: w = d*(sc&15) * q - dmin*(sc>>4)
//   Q3_K  hmask[32] qs[64] scales[12] d    16 groups of 16: w = d*(s6 - 32) * (q2 - (hbit ? 0 : 4))
//   Q4_K  d dmin scales[12] qs[128]        8 groups of 32:  w = d*s6 * q4 - dmin*m6
//   Q5_K  d dmin scales[12] qh[32] qs[128] 8 groups of 32:  w = d*s6 * (q4 | hbit << 4) - dmin*m6
//   Q6_K  ql[128] qh[64] scales[16] d      16 groups of 16: w = d*sc8 * ((q4 | q2 << 4) - 32)
// The per-group factors are float32 products computed once per group, as in
// ggml and gguf.quants, so every weight is one multiply (and one subtract).
// Bit positions of the packed quants follow ggml's dequantize_row_* loops;
// the comments at each decoder say which byte and shift a group reads.
#include "core/gguf/quants.h"

namespace sieve::quants {
namespace {

constexpr int kSuper = 256;

template <int Bytes>
struct Block {
    uint8_t b[Bytes];
    explicit Block(const uint8_t* src) { std::memcpy(b, src, Bytes); }
};

// Q4_K/Q5_K: eight 6-bit scales and eight 6-bit minimums in 12 bytes. Groups
// 0-3 take the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); groups 4-7
// take a nibble of bytes 8-11 plus the top 2 bits of bytes 0-3 / 4-7.
void scaleMinK4(const uint8_t* s, int group, int* scale, int* min) {
    if (group < 4) {
        *scale = s[group] & 63;
        *min = s[group + 4] & 63;
    } else {
        *scale = (s[group + 4] & 0x0f) | ((s[group - 4] >> 6) << 4);
        *min = (s[group + 4] >> 4) | ((s[group] >> 6) << 4);
    }
}

}  // namespace

// Group g (16 weights): half h = g / 8 uses qs[32h, 32h + 32); within it,
// shift 2 * ((g % 8) / 2) and bytes [16 * (g % 2), + 16).
void dequantizeQ2_K(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 84) {
        const Block<84> block(src);
        const uint8_t* scales = block.b;
        const uint8_t* qs = block.b + 16;
        const float d = halfAt(block.b + 80), dmin = halfAt(block.b + 82);
        for (int g = 0; g < 16; ++g, y += 16) {
            const float dl = d * static_cast<float>(scales[g] & 0x0f);
            const float ml = dmin * static_cast<float>(scales[g] >> 4);
            const uint8_t* q = qs + 32 * (g / 8) + 16 * (g % 2);
            const int shift = 2 * ((g % 8) / 2);
            for (int l = 0; l < 16; ++l) y[l] = dl * static_cast<float>((q[l] >> shift) & 3) - ml;
        }
    }
}

// Group g (16 weights): low 2 bits as in Q2_K; the third bit is bit g / 2 of
// hmask[16 * (g % 2) + l], and a clear bit subtracts 4. The 6-bit scale of
// group g: a nibble of byte g % 8 (low for g < 8) and 2 bits of byte
// 8 + g % 4 at shift 2 * (g / 4), minus 32.
void dequantizeQ3_K(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 110) {
        const Block<110> block(src);
        const uint8_t* hmask = block.b;
        const uint8_t* qs = block.b + 32;
        const uint8_t* s = block.b + 96;
        const float d = halfAt(block.b + 108);
        for (int g = 0; g < 16; ++g, y += 16) {
            const int low = g < 8 ? s[g] & 0x0f : s[g - 8] >> 4;
            const int high = (s[8 + g % 4] >> (2 * (g / 4))) & 3;
            const float dl = d * static_cast<float>((low | (high << 4)) - 32);
            const uint8_t* q = qs + 32 * (g / 8) + 16 * (g % 2);
            const uint8_t* hm = hmask + 16 * (g % 2);
            const int shift = 2 * ((g % 8) / 2);
            const int bit = g / 2;
            for (int l = 0; l < 16; ++l) {
                const int value = ((q[l] >> shift) & 3) - (((hm[l] >> bit) & 1) ? 0 : 4);
                y[l] = dl * static_cast<float>(value);
            }
        }
    }
}

// Groups 2c and 2c + 1 (64 weights) read the same 32 bytes qs[32c, 32c + 32):
// low nibbles, then high nibbles. Written as two loops with constant shifts,
// which GCC vectorises (one loop with a variable shift it did not: 0.65 vs
// 2.4 G weights/s).
void dequantizeQ4_K(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 144) {
        const Block<144> block(src);
        const float d = halfAt(block.b), dmin = halfAt(block.b + 2);
        const uint8_t* s = block.b + 4;
        for (int c = 0; c < 4; ++c, y += 64) {
            int scale, min;
            scaleMinK4(s, 2 * c, &scale, &min);
            const float d1 = d * static_cast<float>(scale), m1 = dmin * static_cast<float>(min);
            scaleMinK4(s, 2 * c + 1, &scale, &min);
            const float d2 = d * static_cast<float>(scale), m2 = dmin * static_cast<float>(min);
            const uint8_t* q = block.b + 16 + 32 * c;
            for (int l = 0; l < 32; ++l) y[l] = d1 * static_cast<float>(q[l] & 0x0f) - m1;
            for (int l = 0; l < 32; ++l) y[32 + l] = d2 * static_cast<float>(q[l] >> 4) - m2;
        }
    }
}

// As Q4_K, plus a fifth bit: bit g of qh[l].
void dequantizeQ5_K(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 176) {
        const Block<176> block(src);
        const float d = halfAt(block.b), dmin = halfAt(block.b + 2);
        const uint8_t* s = block.b + 4;
        const uint8_t* qh = block.b + 16;
        const uint8_t* qs = block.b + 48;
        for (int g = 0; g < 8; ++g, y += 32) {
            int scale, min;
            scaleMinK4(s, g, &scale, &min);
            const float dl = d * static_cast<float>(scale), ml = dmin * static_cast<float>(min);
            const uint8_t* q = qs + 32 * (g / 2);
            const int shift = 4 * (g % 2);
            for (int l = 0; l < 32; ++l) {
                const int value = ((q[l] >> shift) & 0x0f) | (((qh[l] >> g) & 1) << 4);
                y[l] = dl * static_cast<float>(value) - ml;
            }
        }
    }
}

// Group r of half h (32 weights, r = 0..3): low nibble of ql[64h + 32 (r % 2) + l]
// (high nibble for r >= 2) and bits 2r, 2r + 1 of qh[32h + l]; its two
// halves of 16 weights take the int8 scales 8h + 2r and 8h + 2r + 1.
void dequantizeQ6_K(const uint8_t* src, int64_t blocks, float* y) {
    for (int64_t i = 0; i < blocks; ++i, src += 210) {
        const Block<210> block(src);
        const uint8_t* ql = block.b;
        const uint8_t* qh = block.b + 128;
        const auto* scales = reinterpret_cast<const int8_t*>(block.b + 192);
        const float d = halfAt(block.b + 208);
        for (int h = 0; h < 2; ++h) {
            for (int r = 0; r < 4; ++r, y += 32) {
                const uint8_t* low = ql + 64 * h + 32 * (r % 2);
                const uint8_t* high = qh + 32 * h;
                const int lowShift = 4 * (r / 2), highShift = 2 * r;
                for (int half = 0; half < 2; ++half) {
                    const float dl = d * static_cast<float>(scales[8 * h + 2 * r + half]);
                    for (int l = 16 * half; l < 16 * half + 16; ++l) {
                        const int value =
                            (((low[l] >> lowShift) & 0x0f) | (((high[l] >> highShift) & 3) << 4)) - 32;
                        y[l] = dl * static_cast<float>(value);
                    }
                }
            }
        }
    }
}

}  // namespace sieve::quants

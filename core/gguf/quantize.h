#pragma once
// Encoding floats into ggml's storage types (for writing GGUF files): the
// inverse of the decoders in quants.h, bit-exact with ggml's reference
// quantizers and the gguf package (tests/gguf: against its bytes).
#include <cstdint>

namespace sieve::quants {

// IEEE binary32 -> binary16, round to nearest even, subnormals, overflow to
// infinity and NaN kept (what numpy's astype(float16) and F16C do).
uint16_t floatToHalf(float value);

// Q8_0: per block of 32 weights d = absmax / 127 (stored as binary16) and
// q = round-half-away(w / d) as int8 (ggml's quantize_row_q8_0_ref).
// `count` must be a multiple of 32; writes count / 32 blocks of 34 bytes.
void quantizeQ8_0(const float* src, int64_t count, uint8_t* dst);

}  // namespace sieve::quants

#pragma once
// ggml tensor data -> float32, for the types a loader can turn into a dense
// model. Plain loops over bytes, no torch: the loader calls it row block by
// row block and converts each piece to the compute dtype itself.
#include <cstdint>
#include <string>

#include "core/gguf/ggml_type.h"

namespace sieve {

// F32, F16, BF16, the legacy block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and
// the K types Q2_K to Q6_K. The IQ*, TQ*, MXFP4, ... types are not decoded.
bool canDequantize(GgmlType type);
// "F32, F16, BF16, Q4_0, ..." (for error messages).
std::string dequantizableTypeNames();

// Bytes that `weights` consecutive weights of `type` take; weights must be
// a multiple of the type's block (GgufFile checks every row on open).
uint64_t ggmlBytesFor(GgmlType type, int64_t weights);

// Decodes `weights` consecutive weights stored at `src` into dst[0, weights),
// bit for bit as ggml's dequantize_row_* and the gguf package's
// gguf.quants.dequantize do. Requires canDequantize(type) and whole blocks.
void dequantize(GgmlType type, const uint8_t* src, int64_t weights, float* dst);

}  // namespace sieve

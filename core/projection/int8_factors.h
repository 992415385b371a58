#pragma once
// Low-rank factors in 8 bits: symmetric int8 with one absmax scale per row of
// Bt [R, D] and of A [R, H] (core/projection/factorization.h).
//
// The scheme, for one row x of either factor:
//   s = max_j |x_j| / 127            (float32; 0 for a zero row)
//   q_j = clamp(round(x_j / s), -127, 127)   int8, rounded half to even
//   x_j ~ q_j s,  |q_j s - x_j| <= s / 2
// computed in float32 whatever the compute dtype, and dequantized (q s) into
// the compute dtype for the matrix multiplications: weight-only
// quantization, as int8 inference runtimes store it. -128 is never used, so
// the code is symmetric around 0.
//
// Why rows of Bt and of A: a row of either is one rank direction (a column of
// B, a row of A), so every rank-r slice keeps whole rows, and with them their
// scales. Quantizing the factors once and slicing gives exactly what
// quantizing the slice gives (Int8Rows::firstRows): one quantization serves
// every pruning level, as one factorization does (tests/projection checks
// it). A per-output-row scale of B [D, R] would instead depend on which r
// columns are kept (its absmax changes with r). The two scales of direction k
// also fold into one, B_q diag(sB sA) A_q, should a kernel want one scale per
// direction.
//
// The paper (method.md: "8-bit quantization of the pruned factors stacks with
// pruning") does not say which 8-bit scheme it used in the parts we have; if
// it used a library's (e.g. bitsandbytes' LLM.int8(), per-row absmax of the
// weight with float16 outlier columns), ours differs in having no outlier
// decomposition.
#include <cstdint>
#include <utility>

#include "core/common/torch_compat.h"

namespace sieve {

class Factorization;

// Rows of a matrix in 8 bits.
struct Int8Rows {
    torch::Tensor values;  // int8 [R, C]
    torch::Tensor scales;  // float32 [R]: max |row| / 127 (0 for a zero row)

    int64_t rows() const { return values.defined() ? values.size(0) : 0; }
    // Its first r rows and their scales (views): equal to quantizing the
    // first r rows of the original, since each row has its own scale.
    Int8Rows firstRows(int64_t r) const;
    // q s per entry, [R, C] in `dtype` (computed in float32, then cast).
    torch::Tensor dequantized(torch::ScalarType dtype) const;
    int64_t bytes() const;
};

// Quantizes every row of `rows` ([R, C], any floating dtype, any device; the
// result lives on the same device). InputError for a tensor that is not a
// floating-point matrix.
Int8Rows quantizeRows(const torch::Tensor& rows);

// A low-rank factorization's factors in 8 bits.
struct Int8Factors {
    Int8Rows Bt;  // [R, D]: row k is column k of B
    Int8Rows A;   // [R, H]

    // All R directions of a LowRank factorization; InputError for a mask
    // (Wanda keeps masks, which have no factors to quantize).
    static Int8Factors of(const Factorization& f);
    // The first r directions: equal to quantizing the rank-r slice.
    Int8Factors firstRows(int64_t r) const;
    // B [D, R] and A [R, H] dequantized into `dtype`.
    std::pair<torch::Tensor, torch::Tensor> dequantized(torch::ScalarType dtype) const;
    int64_t bytes() const;
};

// The factors of `level` (> 0) as an 8-bit model multiplies with: the
// rank-r slice of `f`, moved to `device`, quantized and dequantized into
// `dtype`. B_r [D, r], A_r [r, H]. InputError as Factorization::factorsAt,
// and for a mask.
std::pair<torch::Tensor, torch::Tensor> int8FactorsAt(const Factorization& f, double level,
                                                      const torch::Device& device, torch::ScalarType dtype);

}  // namespace sieve

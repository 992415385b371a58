#pragma once
// Attention's probabilities: softmax over the keys a query may see, in
// float32 (as transformers' eager path computes it for half types), rounded
// to the compute dtype.
#include "core/common/torch_compat.h"

namespace sieve {

// scores [B, kvHeads, groups, T, S], allowed [B, 1, T, S] bool (true: the
// query at t may attend the key at s) -> probabilities of the same shape in
// `dtype`. bfloat16 scores and result on an AVX-512 CPU (without autograd)
// take one pass of our own kernel; every other case masked_fill + softmax.
torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& allowed,
                            torch::ScalarType dtype);

// The libtorch expression alone (what the kernel is tested against).
torch::Tensor maskedSoftmaxReference(const torch::Tensor& scores, const torch::Tensor& allowed,
                                     torch::ScalarType dtype);

}  // namespace sieve

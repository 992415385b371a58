#pragma once
// RMSNorm as transformers computes it: weight * (x / sqrt(mean(x^2) + eps)),
// the reduction and the scaling in float32, the scaled x rounded to x's dtype
// before the weight multiplies it.
#include "core/common/torch_compat.h"

namespace sieve {

// x [..., H] -> the same shape and dtype. bfloat16 x and weight on an AVX-512
// CPU (without autograd) take one pass of our own kernel, with the same
// roundings (docs/benchmarks.md, "Genetic search on a real model"); every
// other case the libtorch expression.
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The libtorch expression alone (what the kernel is tested against).
torch::Tensor rmsNormReference(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace sieve

#pragma once
// The SwiGLU product silu(gate) * up, written into gate (the MLP's hidden
// state, without autograd).
#include "core/common/torch_compat.h"

namespace sieve {

// gate <- silu(gate) * up; gate and up of one shape and dtype. bfloat16 on
// an AVX-512 CPU takes one pass of our own kernel, with libtorch's roundings
// (silu rounded to bfloat16, then the product); every other case
// torch::silu_(gate).mul_(up).
void siluMulInPlace(torch::Tensor& gate, const torch::Tensor& up);

}  // namespace sieve

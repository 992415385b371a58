#pragma once
// Row-wise log-sum-exp of vocabulary-wide logits, in float32: what choice
// scoring needs from each predicting row (log p(token) = logit - logsumexp),
// without writing an [R, V] log-softmax. On the CPU one pass reads the
// bfloat16 (or float32) logits as they leave the lm_head: libtorch 1.13's
// float32 copy and exp run at ~3-4 ns per element on this VM (its AVX2
// kernels), and converting SmolLM2's 49152-wide logits to float32 and taking
// their log-softmax cost ~12 % of a GA evaluation (docs/benchmarks.md).
#include "core/common/torch_compat.h"

namespace sieve {

// logits [R, V], float32 or bfloat16 -> [R] float32 on the same device.
// Other dtypes and devices go through torch::logsumexp in float32.
torch::Tensor logSumExpRows(const torch::Tensor& logits);

}  // namespace sieve

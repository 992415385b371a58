#pragma once
// Rotary position embedding, in transformers' "rotate half" layout: the first
// and second halves of each head's dims form the rotated pairs. (llama2.c
// rotates adjacent pairs; its checkpoints are permuted on import.)
#include "core/common/torch_compat.h"
#include "core/model/config.h"

namespace sieve {

class RotaryEmbedding {
public:
    RotaryEmbedding() = default;
    // inv_freq [headDim/2], float32, computed exactly as transformers does
    // (including rope_scaling "llama3" and "linear").
    RotaryEmbedding(const ModelConfig& config, torch::Device device);

    // positions [B, T] int64 -> cos, sin [B, 1, T, headDim] in `dtype`.
    std::pair<torch::Tensor, torch::Tensor> cosSin(const torch::Tensor& positions,
                                                   torch::ScalarType dtype) const;

    const torch::Tensor& invFreq() const { return invFreq_; }

private:
    torch::Tensor invFreq_;  // [headDim/2] float32
};

// x [B, heads, T, headDim]: x cos + rotate_half(x) sin.
torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// The inverse frequencies, exposed for tests: [headDim/2] float32 on the CPU.
torch::Tensor ropeInverseFrequencies(const ModelConfig& config);

}  // namespace sieve

#include "core/model/rope.h"

#include <cmath>

#include "core/common/error.h"

namespace sieve {

// Every step below mirrors transformers' modeling_rope_utils.py in float32
// (same operations in the same order), so that the tables agree bit for bit.
torch::Tensor ropeInverseFrequencies(const ModelConfig& config) {
    const int64_t dim = config.headDim;
    if (dim <= 0 || dim % 2 != 0)
        throw InputError("rotary embedding: head_dim " + std::to_string(dim) + " must be positive and even");
    // inv_freq = 1 / (base ** (arange(0, dim, 2) / dim))
    const torch::Tensor exponents = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / double(dim);
    // (Python's `scalar / tensor` is reciprocal(tensor) * scalar; so is ours.)
    torch::Tensor invFreq = torch::pow(config.ropeTheta, exponents).reciprocal();

    const RopeScaling& s = config.ropeScaling;
    if (s.type.empty() || s.type == "default") return invFreq;
    if (s.type == "linear") return invFreq / s.factor;
    if (s.type == "llama3") {
        // _compute_llama3_parameters: long wavelengths divided by `factor`,
        // short ones kept, the band between interpolated smoothly.
        const double oldContext = double(s.originalMaxPositions);
        const double lowFreqWavelen = oldContext / s.lowFreqFactor;
        const double highFreqWavelen = oldContext / s.highFreqFactor;
        const torch::Tensor wavelen = invFreq.reciprocal() * (2 * M_PI);
        torch::Tensor scaled = torch::where(wavelen > lowFreqWavelen, invFreq / s.factor, invFreq);
        const torch::Tensor smooth =
            (wavelen.reciprocal() * oldContext - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        const torch::Tensor smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
        const torch::Tensor isMedium =
            (wavelen < highFreqWavelen).logical_not() * (wavelen > lowFreqWavelen).logical_not();
        return torch::where(isMedium, smoothed, scaled);
    }
    throw InputError("rope_scaling type '" + s.type + "' is not supported (supported: llama3, linear)");
}

RotaryEmbedding::RotaryEmbedding(const ModelConfig& config, torch::Device device)
    : invFreq_(ropeInverseFrequencies(config).to(device)) {}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::cosSin(const torch::Tensor& positions,
                                                                torch::ScalarType dtype) const {
    // freqs [B, T, headDim/2] = positions x inv_freq, in float32
    const torch::Tensor freqs = positions.unsqueeze(-1).to(torch::kFloat32) * invFreq_;
    // emb [B, T, headDim]: each frequency used by both halves
    const torch::Tensor emb = torch::cat({freqs, freqs}, -1);
    return {emb.cos().to(dtype).unsqueeze(1), emb.sin().to(dtype).unsqueeze(1)};
}

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
    const int64_t half = x.size(-1) / 2;
    // rotate_half(x) = cat(-x2, x1)
    const torch::Tensor rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

}  // namespace sieve

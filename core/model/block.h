#pragma once
// One decoder layer: pre-norm attention and pre-norm MLP, each added to the
// residual stream. RMSNorm is computed in float32 as transformers does.
#include "core/common/torch_compat.h"
#include "core/model/attention.h"
#include "core/model/forward_context.h"
#include "core/model/mlp.h"
#include "core/model/rms_norm.h"

namespace sieve {

struct Block {
    int layer = 0;
    torch::Device device{torch::kCPU};  // where its norms and matrices live (Model::placeBlocks)
    double rmsEps = 1e-6;
    torch::Tensor inputNorm;  // [H] input_layernorm
    torch::Tensor postNorm;   // [H] post_attention_layernorm
    Attention attention;
    Mlp mlp;

    // x [B, T, H] -> [B, T, H]. With ctx.validRows only the real tokens are
    // computed; the padding rows of the result are x's.
    torch::Tensor forward(const torch::Tensor& x, const ForwardContext& ctx) const;

private:
    torch::Tensor forwardRealRows(const torch::Tensor& x, const ForwardContext& ctx) const;
};

}  // namespace sieve

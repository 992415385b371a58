#pragma once
// The SwiGLU feed-forward: down(silu(gate(x)) * up(x)). The three projections
// are the model's prunable matrices; this class only borrows them.
#include "core/common/torch_compat.h"
#include "core/model/forward_context.h"
#include "core/model/linear.h"
#include "core/model/shared_input.h"

namespace sieve {

struct Mlp {
    const PrunableLinear* gate = nullptr;  // [I, H]
    const PrunableLinear* up = nullptr;    // [I, H]
    const PrunableLinear* down = nullptr;  // [H, I]
    SharedInputMaps gateUpInput;           // gate and up read the same x

    // x [B, T, H] (already normalised) -> [B, T, H]
    torch::Tensor forward(const torch::Tensor& x, int layer, const ForwardContext& ctx) const;
};

}  // namespace sieve

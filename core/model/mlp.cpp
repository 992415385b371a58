#include "core/model/mlp.h"

namespace sieve {

torch::Tensor Mlp::forward(const torch::Tensor& x, int layer, const ForwardContext& ctx) const {
    ctx.observe(layer, InputSite::MlpIn, x);
    // hidden [B, T, I]
    const torch::Tensor hidden = torch::silu(gate->forward(x)) * up->forward(x);
    ctx.observe(layer, InputSite::MlpHidden, hidden);
    return down->forward(hidden);
}

}  // namespace sieve

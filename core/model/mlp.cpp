#include "core/model/mlp.h"

#include "core/model/silu_mul.h"

namespace sieve {

torch::Tensor Mlp::forward(const torch::Tensor& x, int layer, const ForwardContext& ctx) const {
    ctx.observe(layer, InputSite::MlpIn, x);
    // hidden [B, T, I]; without autograd in place, saving two [B, T, I] buffers
    torch::Tensor hidden;
    if (torch::GradMode::is_enabled()) {
        hidden = torch::silu(gate->forward(x)) * up->forward(x);
    } else {
        std::vector<torch::Tensor> gateUp = gateUpInput.forward(x, {gate, up});
        hidden = std::move(gateUp[0]);
        siluMulInPlace(hidden, gateUp[1]);
    }
    ctx.observe(layer, InputSite::MlpHidden, hidden);
    return down->forward(hidden);
}

}  // namespace sieve

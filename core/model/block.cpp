#include "core/model/block.h"

namespace sieve {

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
    const torch::Tensor xf = x.to(torch::kFloat32);
    const torch::Tensor variance = xf.pow(2).mean(-1, /*keepdim=*/true);
    return weight * (xf * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

torch::Tensor Block::forward(const torch::Tensor& x, const ForwardContext& ctx) const {
    if (torch::GradMode::is_enabled()) {
        const torch::Tensor h = x + attention.forward(rmsNorm(x, inputNorm, rmsEps), layer, ctx);
        return h + mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, ctx);
    }
    // Inference: the residual sums reuse the sublayers' output buffers.
    torch::Tensor h = attention.forward(rmsNorm(x, inputNorm, rmsEps), layer, ctx).add_(x);
    return mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, ctx).add_(h);
}

}  // namespace sieve

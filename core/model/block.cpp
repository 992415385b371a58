#include "core/model/block.h"

namespace sieve {

torch::Tensor Block::forward(const torch::Tensor& x, const ForwardContext& ctx) const {
    if (ctx.validRows.defined()) return forwardRealRows(x, ctx);
    if (torch::GradMode::is_enabled()) {
        const torch::Tensor h = x + attention.forward(rmsNorm(x, inputNorm, rmsEps), layer, ctx);
        return h + mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, ctx);
    }
    // Inference: the residual sums reuse the sublayers' output buffers.
    torch::Tensor h = attention.forward(rmsNorm(x, inputNorm, rmsEps), layer, ctx).add_(x);
    return mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, ctx).add_(h);
}

// Batches of unequal sequences (a task scorer's packed questions, right-padded
// calibration batches) are up to half padding. Every matrix, norm and
// residual sum runs on the real tokens only; attention alone needs the [B, T]
// layout. Each real row gets the same arithmetic as in the padded pass (a
// BLAS may block a GEMM of fewer rows differently: the last bits can differ).
torch::Tensor Block::forwardRealRows(const torch::Tensor& x, const ForwardContext& ctx) const {
    const RowLayout layout{ctx.validRows, x.size(0), x.size(1)};
    const torch::Tensor flat = x.reshape({-1, x.size(-1)});
    const torch::Tensor xr = flat.index_select(0, layout.rows);
    // The rows are already the real tokens: the observer takes them as they are.
    ForwardContext rowsContext = ctx;
    rowsContext.validRows = torch::Tensor();
    torch::Tensor out;
    if (torch::GradMode::is_enabled()) {
        const torch::Tensor h =
            xr + attention.forward(rmsNorm(xr, inputNorm, rmsEps), layer, rowsContext, &layout);
        out = h + mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, rowsContext);
    } else {
        torch::Tensor h =
            attention.forward(rmsNorm(xr, inputNorm, rmsEps), layer, rowsContext, &layout).add_(xr);
        out = mlp.forward(rmsNorm(h, postNorm, rmsEps), layer, rowsContext).add_(h);
    }
    // Out of place: x may be states a cache keeps for other variants.
    return flat.index_copy(0, layout.rows, out).view(x.sizes());
}

}  // namespace sieve

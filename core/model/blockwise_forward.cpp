// The forward pass cut at block boundaries (Model::embedTokens, runBlocks,
// finalLogits): the same arithmetic as Model::forward, step by step, so that
// a scorer can keep the hidden states at a boundary and resume from them.
#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/model/model_impl.h"

namespace sieve {

int Model::blockCount() const {
    return int(impl_->blocks.size());
}

ForwardContext Model::packedContext(const torch::Tensor& positions, const torch::Tensor& allowed) const {
    if (!positions.defined() || positions.dim() != 2 || !allowed.defined() || allowed.dim() != 4 ||
        allowed.size(0) != positions.size(0) || allowed.size(1) != 1 ||
        allowed.size(2) != positions.size(1) || allowed.size(3) != positions.size(1))
        throw InputError("packed forward: positions " + shapeText(positions) + " and visibility " +
                         shapeText(allowed) + " do not fit ([B, T] and [B, 1, T, T])");
    ForwardContext ctx;
    std::tie(ctx.cos, ctx.sin) = impl_->rope.cosSin(positions.to(device_, torch::kLong), dtype_);
    ctx.allowed = allowed.to(device_, torch::kBool);
    ctx.plainCausal = false;
    return ctx;
}

torch::Tensor Model::embedTokens(const torch::Tensor& idsIn) const {
    const torch::Tensor ids = idsIn.to(device_, torch::kLong);
    if (ids.numel() > 0) {
        const int64_t lowest = ids.min().item<int64_t>(), highest = ids.max().item<int64_t>();
        if (lowest < 0 || highest >= config_.vocab)
            throw InputError("forward: token ids must lie in [0, " + std::to_string(config_.vocab) +
                             "), got [" + std::to_string(lowest) + ", " + std::to_string(highest) + "]");
    }
    return torch::embedding(impl_->embed, ids);
}

torch::Tensor Model::runBlocks(torch::Tensor x, const ForwardContext& context, int from, int to) const {
    const auto& blocks = impl_->blocks;
    if (from < 0 || to > int(blocks.size()) || from > to)
        throw InputError("runBlocks: blocks [" + std::to_string(from) + ", " + std::to_string(to) +
                         ") outside the model's " + std::to_string(blocks.size()));
    torch::NoGradGuard noGrad;
    for (int b = from; b < to; ++b) x = blocks[size_t(b)].forward(x, context);
    return x;
}

torch::Tensor Model::finalLogits(const torch::Tensor& hidden) const {
    torch::NoGradGuard noGrad;
    return logitsOf(rmsNorm(hidden, impl_->finalNorm, impl_->rmsEps));
}

}  // namespace sieve

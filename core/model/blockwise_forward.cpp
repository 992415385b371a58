// The forward pass cut at block boundaries (Model::embedTokens, runBlocks,
// finalLogits): the same arithmetic as Model::forward, step by step, so that
// a pass can keep the hidden states at a boundary and resume from them
// (layer-streamed calibration runs one block at a time over them, a task
// scorer resumes pruned variants from shared prefixes); and where
// each block lives (placement on several devices, or in host memory).
#include <map>
#include <optional>

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/model/block.h"
#include "core/model/model.h"
#include "core/model/model_impl.h"

namespace sieve {

namespace {

// Every tensor of a forward context, on another device (the rotary tables,
// the mask and the valid rows are small: [B, 1, T, d], [B, 1, T, S], [N]).
ForwardContext contextOn(const ForwardContext& ctx, const torch::Device& device) {
    ForwardContext moved = ctx;
    auto to = [&device](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
    moved.cos = to(ctx.cos);
    moved.sin = to(ctx.sin);
    moved.allowed = to(ctx.allowed);
    moved.validRows = to(ctx.validRows);
    return moved;
}

}  // namespace

void Model::checkTokenIds(const torch::Tensor& ids) const {
    const int64_t lowest = ids.min().item<int64_t>(), highest = ids.max().item<int64_t>();
    if (lowest < 0 || highest >= config_.vocab)
        throw InputError("forward: token ids must lie in [0, " + std::to_string(config_.vocab) + "), got [" +
                         std::to_string(lowest) + ", " + std::to_string(highest) + "]");
}

ForwardContext Model::contextFor(const torch::Tensor& newMask, bool newHasPadding, KVCache* cache) const {
    const Impl& m = *impl_;
    const int64_t B = newMask.size(0), T = newMask.size(1);
    const auto longOnDevice = torch::TensorOptions().dtype(torch::kLong).device(device_);
    const int64_t past = cache ? cache->length() : 0;
    // fullMask [B, S] with S = past + T: everything the new tokens may see
    torch::Tensor fullMask = newMask;
    bool hasPadding = newHasPadding;
    if (past > 0) {
        const torch::Tensor pastMask = cache->attentionMask.defined()
                                           ? cache->attentionMask.to(device_, torch::kLong)
                                           : torch::ones({B, past}, longOnDevice);
        hasPadding = hasPadding || (pastMask == 0).any().item<bool>();
        fullMask = torch::cat({pastMask, newMask}, 1);
    }
    const int64_t S = past + T;

    ForwardContext ctx;
    // positions [B, T]: count of real tokens before each one (left padding shifts them)
    const torch::Tensor positions = (fullMask.cumsum(1) - 1).clamp_min(0).narrow(1, past, T);
    std::tie(ctx.cos, ctx.sin) = m.rope.cosSin(positions, dtype_);
    // allowed [B, 1, T, S]: causal, not padding; a query always sees itself so
    // that padding rows stay finite (their outputs are never used).
    const torch::Tensor queryPos = torch::arange(past, S, longOnDevice).view({T, 1});
    const torch::Tensor keyPos = torch::arange(0, S, longOnDevice).view({1, S});
    ctx.allowed = (keyPos <= queryPos)
                      .view({1, 1, T, S})
                      .logical_and(fullMask.to(torch::kBool).view({B, 1, 1, S}))
                      .logical_or((keyPos == queryPos).view({1, 1, T, S}));
    // Mistral and Phi-3 attend to the last `sliding_window` positions only (transformers:
    // query index - key index < window). Qwen2's per-layer windows are not modelled:
    // its config parser records no window unless use_sliding_window is set.
    const bool windowed = config_.slidingWindow && *config_.slidingWindow < S &&
                          (config_.modelType == "mistral" || config_.modelType == "phi3");
    if (windowed)
        ctx.allowed =
            ctx.allowed.logical_and((queryPos - keyPos < *config_.slidingWindow).view({1, 1, T, S}));
    ctx.plainCausal = !hasPadding && past == 0 && !windowed;
    ctx.cache = cache;
    if (observer_) ctx.observer = &observer_;
    // The blocks compute the real tokens only (Block::forward); the observer sees them.
    if (newHasPadding) ctx.validRows = newMask.reshape({-1}).nonzero().squeeze(1);
    if (cache) cache->attentionMask = fullMask;
    return ctx;
}

torch::Tensor Model::runBlocks(torch::Tensor x, const ForwardContext& context, int from, int to) const {
    const auto& blocks = impl_->blocks;
    if (from < 0 || to > int(blocks.size()) || from > to)
        throw InputError("runBlocks: blocks [" + std::to_string(from) + ", " + std::to_string(to) +
                         ") outside the model's " + std::to_string(blocks.size()));
    std::optional<torch::NoGradGuard> noGrad;
    if (!tracksGradients()) noGrad.emplace();
    // The context once per device the blocks live on (one entry unless placed).
    std::map<std::string, ForwardContext> contexts;
    for (int l = from; l < to; ++l) {
        const Block& block = blocks[size_t(l)];
        if (x.device() != block.device) x = x.to(block.device);  // the hand-over between devices
        if (block.device == context.cos.device()) {
            x = block.forward(x, context);
            continue;
        }
        auto found = contexts.find(block.device.str());
        if (found == contexts.end())
            found = contexts.emplace(block.device.str(), contextOn(context, block.device)).first;
        x = block.forward(x, found->second);
    }
    return x;
}

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
    // Every real token of a row sees the row's first token (a pack's rows
    // start with the prompt its choices share); padding sees only itself.
    // The blocks then compute the real tokens only (Block::forward).
    const torch::Tensor real = ctx.allowed.select(1, 0).select(2, 0);  // [B, T]
    if (!real.all().item<bool>()) ctx.validRows = real.reshape({-1}).nonzero().squeeze(1);
    return ctx;
}

torch::Tensor Model::embedTokens(const torch::Tensor& idsIn) const {
    if (!idsIn.defined() || idsIn.dim() != 2 || idsIn.size(1) == 0)
        throw InputError("embedTokens: ids must be [B, T] with T > 0, got " +
                         (idsIn.defined() ? shapeText(idsIn.sizes()) : std::string("(none)")));
    const torch::Tensor ids = idsIn.to(device_, torch::kLong);
    checkTokenIds(ids);
    std::optional<torch::NoGradGuard> noGrad;
    if (!tracksGradients()) noGrad.emplace();
    return torch::embedding(impl_->embed, ids);
}

ForwardContext Model::maskContext(const torch::Tensor& mask) const {
    if (!mask.defined() || mask.dim() != 2 || mask.size(1) == 0)
        throw InputError("maskContext: the mask must be [B, T] with T > 0, got " +
                         (mask.defined() ? shapeText(mask.sizes()) : std::string("(none)")));
    const torch::Tensor onDevice = mask.to(device_, torch::kLong);
    return contextFor(onDevice, (onDevice == 0).any().item<bool>(), nullptr);
}

torch::Tensor Model::finalLogits(const torch::Tensor& hidden, bool asFloat32) const {
    std::optional<torch::NoGradGuard> noGrad;
    if (!tracksGradients()) noGrad.emplace();
    return logitsOf(rmsNorm(hidden.to(device_), impl_->finalNorm, impl_->rmsEps), asFloat32);
}

torch::Device Model::blockDevice(int layer) const {
    return impl_->blocks.at(size_t(layer)).device;
}

void Model::moveBlock(int layer, const torch::Device& device) {
    Block& block = impl_->blocks.at(size_t(layer));
    if (block.device == device) return;
    torch::NoGradGuard noGrad;
    block.inputNorm = block.inputNorm.to(device);
    block.postNorm = block.postNorm.to(device);
    for (int t = 0; t < kMatrixTypeCount; ++t) linears_[size_t(layer * kMatrixTypeCount + t)]->moveTo(device);
    block.device = device;
}

void Model::placeBlocks(const std::vector<torch::Device>& devices) {
    if (int(devices.size()) != blockCount())
        throw InputError("placeBlocks: " + std::to_string(devices.size()) + " devices for " +
                         std::to_string(blockCount()) + " blocks");
    for (int l = 0; l < blockCount(); ++l) moveBlock(l, devices[size_t(l)]);
}

}  // namespace sieve

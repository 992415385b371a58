#include "core/model/attention.h"

#include <cmath>

#include "core/model/masked_softmax.h"
#include "core/model/rope.h"

namespace sieve {

namespace {

// The matmul + softmax path (libtorch 1.13 has no fused kernel). Query heads
// that share a kv head are folded into the row dimension, so k and v are
// used in place, never repeated: one [g*T, d] x [d, S] GEMM per kv head.
torch::Tensor matmulAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& allowed) {
    const int64_t B = q.size(0), heads = q.size(1), T = q.size(2), d = q.size(3);
    const int64_t kvHeads = k.size(1), S = k.size(2), groups = heads / kvHeads;
    const double scale = 1.0 / std::sqrt(double(d));
    const bool inPlace = !torch::GradMode::is_enabled();  // no autograd: reuse buffers
    // qg [B, kvHeads, groups*T, d], scaled (q is 4x smaller than the scores when S = T)
    torch::Tensor qg = q.reshape({B, kvHeads, groups * T, d});
    qg = inPlace && !qg.is_same(q) ? qg.mul_(scale) : qg * scale;
    // scores [B, kvHeads, groups*T, S]
    torch::Tensor scores = torch::matmul(qg, k.transpose(-1, -2));
    // the mask [B, 1, T, S] against scores viewed as [B, kvHeads, groups, T, S]
    const torch::Tensor probs =
        maskedSoftmax(scores.view({B, kvHeads, groups, T, S}), allowed, q.scalar_type());
    // out [B, kvHeads, groups*T, d] -> [B, heads, T, d]
    return torch::matmul(probs.view({B, kvHeads, groups * T, S}), v).view({B, heads, T, d});
}

}  // namespace

torch::Tensor groupedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& allowed, bool plainCausal) {
    if constexpr (compat::kHasFusedAttention) {
        const int64_t groups = q.size(1) / k.size(1);
        // The fused kernel wants as many kv heads as query heads.
        auto repeatKv = [groups](const torch::Tensor& t) {
            if (groups == 1) return t;
            const int64_t B = t.size(0), kv = t.size(1), S = t.size(2), d = t.size(3);
            return t.unsqueeze(2).expand({B, kv, groups, S, d}).reshape({B, kv * groups, S, d});
        };
        return compat::fusedAttention(q, repeatKv(k), repeatKv(v), allowed, plainCausal);
    }
    return matmulAttention(q, k, v, allowed);
}

torch::Tensor RowLayout::scatter(const torch::Tensor& t) const {
    const torch::Tensor zeros = torch::zeros({batch * length, t.size(-1)}, t.options());
    // In place without autograd; the out-of-place copy keeps the graph when training.
    return (torch::GradMode::is_enabled() ? zeros.index_copy(0, rows, t) : zeros.index_copy_(0, rows, t))
        .view({batch, length, t.size(-1)});
}

torch::Tensor RowLayout::gather(const torch::Tensor& t) const {
    return t.reshape({batch * length, t.size(-1)}).index_select(0, rows);
}

torch::Tensor Attention::forward(const torch::Tensor& x, int layer, const ForwardContext& ctx,
                                 const RowLayout* rows) const {
    const int64_t B = rows ? rows->batch : x.size(0), T = rows ? rows->length : x.size(1);
    ctx.observe(layer, InputSite::AttentionIn, x);
    // q [B, heads, T, d]; k, v [B, kvHeads, T, d]
    std::vector<torch::Tensor> qkv = qkvInput.forward(x, {q, k, v});
    if (rows)
        for (torch::Tensor& t : qkv) t = rows->scatter(t);
    torch::Tensor qh = qkv[0].view({B, T, heads, headDim}).transpose(1, 2);
    torch::Tensor kh = qkv[1].view({B, T, kvHeads, headDim}).transpose(1, 2);
    torch::Tensor vh = qkv[2].view({B, T, kvHeads, headDim}).transpose(1, 2);
    qh = applyRotary(qh, ctx.cos, ctx.sin);
    kh = applyRotary(kh, ctx.cos, ctx.sin);
    if (ctx.cache) {
        // k, v [B, kvHeads, S, d] with S = cached + T
        torch::Tensor& keys = ctx.cache->keys.at(layer);
        torch::Tensor& values = ctx.cache->values.at(layer);
        keys = keys.defined() ? torch::cat({keys, kh}, 2) : kh.contiguous();
        values = values.defined() ? torch::cat({values, vh}, 2) : vh.contiguous();
        kh = keys;
        vh = values;
    }
    // attn [B, heads, T, d] -> [B, T, heads*d]
    torch::Tensor attn = groupedAttention(qh, kh, vh, ctx.allowed, ctx.plainCausal)
                             .transpose(1, 2)
                             .reshape({B, T, heads * headDim});
    if (rows) attn = rows->gather(attn);
    ctx.observe(layer, InputSite::AttentionOut, attn);
    return o->forward(attn);
}

}  // namespace sieve

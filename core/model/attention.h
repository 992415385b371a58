#pragma once
// Multi-head self-attention with grouped-query heads (kvHeads <= heads), rotary
// positions and an optional KV cache. The four projections are the model's
// prunable matrices; this class only borrows them.
#include "core/common/torch_compat.h"
#include "core/model/forward_context.h"
#include "core/model/linear.h"
#include "core/model/shared_input.h"

namespace sieve {

// Where the rows of a block's compacted input go in the padded [B, T] layout:
// Block::forward skips padding rows (every matrix runs on the real tokens
// only) and attention puts q, k and v back into [B, T] for the scores.
struct RowLayout {
    torch::Tensor rows;  // [N] int64, ascending: the real tokens of the flattened [B*T]
    int64_t batch = 0;
    int64_t length = 0;
    // t [N, C] -> [B, T, C], zeros at padding
    torch::Tensor scatter(const torch::Tensor& t) const;
    // t [B, T, C] -> [N, C]
    torch::Tensor gather(const torch::Tensor& t) const;
};

struct Attention {
    const PrunableLinear* q = nullptr;  // [heads*headDim, H]
    const PrunableLinear* k = nullptr;  // [kvHeads*headDim, H]
    const PrunableLinear* v = nullptr;  // [kvHeads*headDim, H]
    const PrunableLinear* o = nullptr;  // [H, heads*headDim]
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0;
    SharedInputMaps qkvInput;  // q, k and v read the same x

    // x [B, T, H] (already normalised) -> [B, T, H]; with `rows`, x and the
    // result are the real tokens only, [N, H].
    torch::Tensor forward(const torch::Tensor& x, int layer, const ForwardContext& ctx,
                          const RowLayout* rows = nullptr) const;
};

// softmax(q k^T / sqrt(d) + mask) v with kvHeads shared by heads/kvHeads query
// heads each. q [B, heads, T, d], k/v [B, kvHeads, S, d], allowed [B, 1, T, S].
// Returns [B, heads, T, d].
torch::Tensor groupedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& allowed, bool plainCausal);

}  // namespace sieve

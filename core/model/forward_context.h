#pragma once
// What every layer of one forward pass shares: rotary tables, the attention
// mask, the KV cache and the input observer. Built once per forward by Model.
#include <functional>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/types/matrix_info.h"

namespace sieve {

// Called during forward with the input of each distinct matrix-input site,
// flattened to the valid (unpadded) tokens: x [N, H] in the compute dtype.
// q/k/v share one call (AttentionIn), gate/up share one (MlpIn); o_proj's
// input is AttentionOut and down_proj's is MlpHidden.
using InputObserver = std::function<void(int layer, InputSite site, const torch::Tensor& x)>;

// Keys and values of every layer for incremental decoding.
struct KVCache {
    std::vector<torch::Tensor> keys;    // per layer [B, kvHeads, T, headDim]
    std::vector<torch::Tensor> values;  // per layer [B, kvHeads, T, headDim]
    torch::Tensor attentionMask;        // [B, T] of everything cached so far
    int64_t length() const { return keys.empty() || !keys[0].defined() ? 0 : keys[0].size(2); }
};

struct ForwardContext {
    torch::Tensor cos, sin;    // [B, 1, T, headDim] rotary tables of the new tokens
    torch::Tensor allowed;     // [B, 1, T, S] bool: query t may attend key s (S = cached + T)
    bool plainCausal = false;  // no padding and no cache: `allowed` is the causal triangle
    torch::Tensor validRows;   // [N] int64 rows of the flattened [B*T] tokens that are not padding;
                               // undefined when every token is valid
    KVCache* cache = nullptr;
    const InputObserver* observer = nullptr;

    // Hands x [B, T, H] to the observer as [N, H] (valid tokens only).
    void observe(int layer, InputSite site, const torch::Tensor& x) const {
        if (!observer || !*observer) return;
        torch::Tensor flat = x.reshape({-1, x.size(-1)});
        if (validRows.defined()) flat = flat.index_select(0, validRows);
        (*observer)(layer, site, flat);
    }
};

}  // namespace sieve

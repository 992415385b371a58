#pragma once
// The tensors of a Model that are not prunable matrices (internal to core/model).
#include <vector>

#include "core/model/block.h"
#include "core/model/model.h"
#include "core/model/rope.h"

namespace sieve {

struct Model::Impl {
    torch::Tensor embed;      // [V, H] model.embed_tokens
    torch::Tensor finalNorm;  // [H] model.norm
    torch::Tensor lmHead;     // [V, H] lm_head; undefined when tied to embed
    bool tied = false;
    double rmsEps = 1e-6;
    RotaryEmbedding rope;
    std::vector<Block> blocks;  // borrow the PrunableLinears owned by Model
};

}  // namespace sieve

#pragma once
// Projections that read the same input: q, k and v; gate and up. When every
// one of them is factorized (y_i = B_i (A_i x)), their A factors run as one
// GEMM, z = x [A_1; ...; A_n]^T, and each B_i on its slice of z: one wide
// GEMM instead of n thin ones, which is what lets a pruned forward gain
// nearly what its parameter count promises (docs/benchmarks.md, Forward).
// The concatenated A is rebuilt only when one of the maps changes.
#include <cstdint>
#include <vector>

#include "core/model/linear.h"

namespace sieve {

class SharedInputMaps {
public:
    // maps[i]->forward(x) for every i, computed together when they are all factorized.
    std::vector<torch::Tensor> forward(const torch::Tensor& x,
                                       const std::vector<const PrunableLinear*>& maps) const;

private:
    mutable std::vector<uint64_t> versions_;  // of the maps fusedA_ was built from
    mutable torch::Tensor fusedA_;            // [sum r_i, H]
};

}  // namespace sieve

#pragma once
// LLM-Sieve's output-aligned projection in closed form (the reduced-rank
// regression optimum): S S^T = C (Cholesky with a small ridge, eigen
// fallback), W S = U diag(s) V^T, B = U_r, A = U_r^T W. Ordered by s, so
// every level is a prefix. PCA of the outputs Y = W X (U = eigenvectors of
// W C W^T) and SVD-LLM's whitened SVD (B = U_r diag(s_r), A = V_r^T S^-1)
// give the same rank-r map; tests/projection shows they coincide.
#include "core/projection/projection_method.h"

namespace sieve {

class SieveProjection : public ProjectionMethod {
public:
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

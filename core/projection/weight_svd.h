#pragma once
// Data-free baseline: W = U diag(s) V^T, B = U_r diag(s_r), A = V_r^T.
// Optimal for ||W - BA||_F, blind to which inputs actually occur.
#include "core/projection/projection_method.h"

namespace sieve {

class WeightSvdProjection : public ProjectionMethod {
public:
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

#pragma once
// Data-free baseline: W = U diag(s) V^T, B = U_r diag(s_r), A = V_r^T.
// Optimal for ||W - BA||_F, blind to which inputs actually occur.
#include "core/projection/projection_method.h"

namespace sieve {

class WeightSvdProjection : public ProjectionMethod {
public:
    std::string name() const override { return "weight-svd"; }
    std::string description() const override { return "Truncated SVD of W (LASER-style), no data"; }
    bool needsCalibration() const override { return false; }
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

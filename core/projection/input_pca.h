#pragma once
// Input-side baseline: A = the top-r eigenvectors of C as rows
// (orthonormal), B = W A^T, so W_r = W Q_r Q_r^T keeps the input's dominant
// directions whatever W does with them.
#include "core/projection/projection_method.h"

namespace sieve {

class InputPcaProjection : public ProjectionMethod {
public:
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

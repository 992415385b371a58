#pragma once
// Input-side baseline: A = the top-r eigenvectors of C as rows
// (orthonormal), B = W A^T, so W_r = W Q_r Q_r^T keeps the input's dominant
// directions whatever W does with them.
#include "core/projection/projection_method.h"

namespace sieve {

class InputPcaProjection : public ProjectionMethod {
public:
    std::string name() const override { return "input-pca"; }
    std::string description() const override {
        return "Top principal directions of the input (SliceGPT-style), orthogonal A";
    }
    bool needsCalibration() const override { return true; }
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

#pragma once
// The paper's learned variant: A and B fitted by Adam on the calibration
// objective L = tr((W - BA) C (W - BA)^T) / tr(W C W^T), one rank at a time
// (a learned rank-r pair is not a prefix of a learned rank-R pair), from the
// weight-SVD factors, a fixed number of seeded steps.
// With only the Gram, learning minimises the very objective the closed form
// solves exactly, so on calibration data it can at best reach 'sieve'. The
// open question the workbench answers is whether it generalises better:
// compare both on a held-out Gram (ProjectionSet::errorCurve).
#include "core/projection/projection_method.h"

namespace sieve {

class SieveLearnedProjection : public ProjectionMethod {
public:
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

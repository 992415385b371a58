#pragma once
// Unstructured reference (Wanda): score |W_ij| * ||x_j||, ||x_j||^2 = C_jj,
// compared within each output row as Wanda does; level p keeps
// paramsAtLevel(D, H, p) = r (D + H) entries, spread evenly over the rows
// (rows differ by at most one entry), and zeroes the rest through a
// replacement weight. A mask saves neither memory nor time without sparse
// kernels: reported beside the structured methods, never asserted against.
#include "core/projection/projection_method.h"

namespace sieve {

class WandaProjection : public ProjectionMethod {
public:
    Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                         const FactorOptions& options) const override;
};

}  // namespace sieve

#include "core/projection/weight_svd.h"

namespace sieve {

Factorization WeightSvdProjection::factor(const torch::Tensor& W, const torch::Tensor& /*gram: unused*/,
                                          const FactorOptions& options) const {
    projection_detail::checkWeight(W, options);
    torch::NoGradGuard noGrad;
    const torch::Tensor Wd = W.detach().to(torch::kDouble);
    torch::Tensor U, s, Vh;
    std::tie(U, s, Vh) = torch::linalg_svd(Wd, /*full_matrices=*/false);
    const int64_t R = projection_detail::maxRankNeeded(W.size(0), W.size(1), options);
    const torch::Tensor B = U.narrow(1, 0, R) * s.narrow(0, 0, R).unsqueeze(0);  // U_R diag(s_R)
    const torch::Tensor A = Vh.narrow(0, 0, R);                                  // V_R^T
    return Factorization::lowRank(B.to(W.dtype()), A.to(W.dtype()));
}

}  // namespace sieve

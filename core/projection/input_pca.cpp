#include "core/projection/input_pca.h"

namespace sieve {

Factorization InputPcaProjection::factor(const torch::Tensor& W, const torch::Tensor& gram,
                                         const FactorOptions& options) const {
    projection_detail::checkWeight(W, options);
    projection_detail::checkGram(gram, W.size(1), options);
    torch::NoGradGuard noGrad;
    const torch::Tensor Wd = W.detach().to(torch::kDouble);
    torch::Tensor C = gram.to(W.device()).to(torch::kDouble);
    C = 0.5 * (C + C.t());
    torch::Tensor evals, Q;
    std::tie(evals, Q) = torch::linalg_eigh(C);  // ascending eigenvalues
    const int64_t R = projection_detail::maxRankNeeded(W.size(0), W.size(1), options);
    const int64_t H = W.size(1);
    // Top R eigenvectors, largest first, as rows: A [R, H] orthonormal rows.
    const torch::Tensor A = Q.narrow(1, H - R, R).flip({1}).t().contiguous();
    const torch::Tensor B = Wd.matmul(A.t());  // [D, R]
    return Factorization::lowRank(B.to(W.dtype()), A.to(W.dtype()));
}

}  // namespace sieve

#include "core/projection/sieve_closed_form.h"

namespace sieve {

Factorization SieveProjection::factor(const torch::Tensor& W, const torch::Tensor& gram,
                                      const FactorOptions& options) const {
    projection_detail::checkWeight(W, options);
    projection_detail::checkGram(gram, W.size(1), options);
    torch::NoGradGuard noGrad;
    const torch::Tensor Wd = W.detach().to(torch::kDouble);  // [D, H]
    bool singular = false;
    double ridge = 0;
    const torch::Tensor S = projection_detail::gramSquareRoot(gram.to(W.device()), options.relativeRidge,
                                                              &singular, &ridge);  // [H, H]
    // ||W X - B A X||_F^2 = ||(W - B A) S||_F^2: the best rank-r map keeps the
    // top left singular vectors of W S (Eckart-Young on the whitened outputs).
    torch::Tensor U, s, Vh;
    std::tie(U, s, Vh) = torch::linalg_svd(Wd.matmul(S), /*full_matrices=*/false);  // U [D, k]
    const int64_t R = projection_detail::maxRankNeeded(W.size(0), W.size(1), options);
    const torch::Tensor B = U.narrow(1, 0, R);  // [D, R], orthonormal columns
    const torch::Tensor A = B.t().matmul(Wd);   // [R, H] = U_R^T W
    Factorization f = Factorization::lowRank(B.to(W.dtype()), A.to(W.dtype()));
    f.setGramWasSingular(singular, ridge);
    return f;
}

}  // namespace sieve

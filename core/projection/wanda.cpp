#include "core/projection/wanda.h"

namespace sieve {

Factorization WandaProjection::factor(const torch::Tensor& W, const torch::Tensor& gram,
                                      const FactorOptions& options) const {
    projection_detail::checkWeight(W, options);
    projection_detail::checkGram(gram, W.size(1), options);
    torch::NoGradGuard noGrad;
    const int64_t D = W.size(0);
    const int64_t H = W.size(1);
    // ||x_j|| over the calibration tokens = sqrt(C_jj).
    const torch::Tensor inputNorm = gram.to(W.device()).to(torch::kDouble).diagonal().clamp_min(0.0).sqrt();
    const torch::Tensor score = W.detach().to(torch::kDouble).abs() * inputNorm.unsqueeze(0);  // [D, H]

    // Wanda ranks within each output row. To serve any budget k with rows
    // differing by at most one entry, entries are kept column by column of
    // the row-sorted scores: first every row's best entry, then every row's
    // second best, ...; within one such round, higher scores first.
    torch::Tensor sortedScore, sortedIndex;
    std::tie(sortedScore, sortedIndex) = score.sort(/*dim=*/1, /*descending=*/true);  // [D, H]
    const torch::Tensor roundOrder =
        sortedScore.argsort(int64_t{0}, /*descending=*/true);              // row order per round
    const torch::Tensor positionInRound = roundOrder.argsort(int64_t{0});  // inverse permutation
    const torch::Tensor round = torch::arange(H, score.options().dtype(torch::kLong)).unsqueeze(0);
    const torch::Tensor orderSorted = round * D + positionInRound;  // [D, H]
    torch::Tensor keepOrder = torch::empty({D, H}, score.options().dtype(torch::kLong));
    keepOrder.scatter_(1, sortedIndex, orderSorted);
    return Factorization::mask(keepOrder.to(torch::kInt));
}

}  // namespace sieve

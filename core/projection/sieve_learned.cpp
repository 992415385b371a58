#include "core/projection/sieve_learned.h"

#include <cmath>
#include <set>

#include "core/types/matrix_info.h"

namespace sieve {

namespace {

// Adam state for one parameter tensor (float64).
struct AdamState {
    torch::Tensor m, v;
    explicit AdamState(const torch::Tensor& p) : m(torch::zeros_like(p)), v(torch::zeros_like(p)) {}
    void step(torch::Tensor& p, const torch::Tensor& grad, double lr, int t) {
        constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-12;
        m.mul_(beta1).add_(grad, 1.0 - beta1);
        v.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
        const double c1 = 1.0 - std::pow(beta1, t);
        const double c2 = 1.0 - std::pow(beta2, t);
        p.addcdiv_(m, (v / c2).sqrt_().add_(eps), -lr / c1);
    }
};

}  // namespace

Factorization SieveLearnedProjection::factor(const torch::Tensor& W, const torch::Tensor& gram,
                                             const FactorOptions& options) const {
    projection_detail::checkWeight(W, options);
    projection_detail::checkGram(gram, W.size(1), options);
    torch::NoGradGuard noGrad;
    const int64_t D = W.size(0);
    const int64_t H = W.size(1);
    const torch::Tensor Wd = W.detach().to(torch::kDouble);  // [D, H]
    torch::Tensor C = gram.to(W.device()).to(torch::kDouble);
    C = 0.5 * (C + C.t());

    std::vector<double> levels = options.levels;
    if (levels.empty())
        for (int i = 1; i <= 9; ++i) levels.push_back(0.1 * i);
    std::set<int64_t> ranks;
    for (double p : levels)
        if (p > 0.0) ranks.insert(rankForLevel(D, H, p));

    // Objective L(B, A) = tr((W - BA) C (W - BA)^T) / tr(W C W^T). With
    // G = C W^T [H, D] precomputed, its gradients need no [D, H] product:
    //   dL/dB = 2 (B (A C A^T) - (A G)^T) / t,   dL/dA = 2 ((B^T B)(A C) - (G B)^T) / t.
    const torch::Tensor G = C.matmul(Wd.t());
    const double t = std::max(Wd.mul(G.t()).sum().item<double>(), 1e-300);

    torch::Tensor U, s, Vh;
    std::tie(U, s, Vh) = torch::linalg_svd(Wd, /*full_matrices=*/false);
    auto generator = at::detail::createCPUGenerator(options.seed);

    std::map<int64_t, std::pair<torch::Tensor, torch::Tensor>> factors;
    for (int64_t r : ranks) {
        // Balanced weight-SVD start: B = U_r s^1/2, A = s^1/2 V_r^T, plus a
        // seeded perturbation (1e-3 of the factors' RMS) so that seeds differ.
        const torch::Tensor root = s.narrow(0, 0, r).sqrt();
        torch::Tensor B = (U.narrow(1, 0, r) * root.unsqueeze(0)).contiguous();
        torch::Tensor A = (Vh.narrow(0, 0, r) * root.unsqueeze(1)).contiguous();
        const double rms = std::sqrt((B.square().sum().item<double>() + A.square().sum().item<double>()) /
                                     double(r * (D + H)));
        const auto cpuDouble = torch::TensorOptions().dtype(torch::kDouble);
        B.add_(torch::randn({D, r}, generator, cpuDouble).to(W.device()), 1e-3 * rms);
        A.add_(torch::randn({r, H}, generator, cpuDouble).to(W.device()), 1e-3 * rms);

        AdamState adamB(B), adamA(A);
        const double lr = options.learnRate * std::max(rms, 1e-30);
        for (int step = 1; step <= options.learnSteps; ++step) {
            const torch::Tensor AC = A.matmul(C);  // [r, H]
            const torch::Tensor gradB = (B.matmul(AC.matmul(A.t())) - A.matmul(G).t()) * (2.0 / t);
            const torch::Tensor gradA = (B.t().matmul(B).matmul(AC) - G.matmul(B).t()) * (2.0 / t);
            adamB.step(B, gradB, lr, step);
            adamA.step(A, gradA, lr, step);
        }
        factors.emplace(r, std::make_pair(B.to(W.dtype()), A.to(W.dtype())));
    }
    return Factorization::perRank(D, H, std::move(factors));
}

}  // namespace sieve

#include "core/projection/projection_method.h"

#include <algorithm>
#include <sstream>

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/projection/input_pca.h"
#include "core/projection/sieve_closed_form.h"
#include "core/projection/wanda.h"
#include "core/projection/weight_svd.h"
#include "core/types/matrix_info.h"

namespace sieve {

std::unique_ptr<ProjectionMethod> makeProjection(const std::string& method) {
    const MethodInfo& factorization = requireMethod(requireMethod(method).factorization);
    std::unique_ptr<ProjectionMethod> made;
    const std::string& name = factorization.name;
    if (name == "sieve") made = std::make_unique<SieveProjection>();
    if (name == "weight-svd") made = std::make_unique<WeightSvdProjection>();
    if (name == "input-pca") made = std::make_unique<InputPcaProjection>();
    if (name == "wanda") made = std::make_unique<WandaProjection>();
    if (!made) throw std::logic_error("method registry: no implementation of factorization '" + name + "'");
    made->info_ = &factorization;
    return made;
}

std::vector<std::unique_ptr<ProjectionMethod>> projectionMethods() {
    std::vector<std::unique_ptr<ProjectionMethod>> methods;
    for (const MethodInfo& m : methodRegistry())
        if (m.factorization == m.name) methods.push_back(makeProjection(m.name));
    return methods;
}

namespace projection_detail {

namespace {
std::string where(const FactorOptions& options) {
    return options.matrixName.empty() ? std::string("matrix") : options.matrixName;
}
}  // namespace

void checkWeight(const torch::Tensor& W, const FactorOptions& options) {
    if (!W.defined() || W.dim() != 2 || W.size(0) < 1 || W.size(1) < 1)
        throw InputError(where(options) + ": weight must be a non-empty [D, H] matrix, got " +
                         (W.defined() ? shapeText(W) : std::string("(none)")));
    if (!torch::isfinite(W).all().item<bool>())
        throw InputError(where(options) + ": weight contains NaN or Inf");
}

void checkGram(const torch::Tensor& gram, int64_t H, const FactorOptions& options) {
    if (!gram.defined())
        throw InputError(where(options) + ": this projection method needs calibration data (no Gram matrix)");
    if (gram.dim() != 2 || gram.size(0) != H || gram.size(1) != H)
        throw InputError(where(options) + ": Gram matrix has shape " + shapeText(gram) + ", expected [" +
                         std::to_string(H) + ", " + std::to_string(H) + "]");
    if (!torch::isfinite(gram).all().item<bool>())
        throw InputError(where(options) +
                         ": Gram matrix contains NaN or Inf (non-finite activations during calibration?)");
}

int64_t maxRankNeeded(int64_t D, int64_t H, const FactorOptions& options) {
    double smallest = 2.0;
    for (double p : options.levels)
        if (p > 0.0) smallest = std::min(smallest, p);
    if (smallest > 1.0) return std::min(D, H);
    return rankForLevel(D, H, smallest);
}

torch::Tensor gramSquareRoot(const torch::Tensor& gram, double relativeRidge, bool* usedFallback,
                             double* relativeRidgeUsed) {
    torch::NoGradGuard noGrad;
    // One [H, H] temporary besides the result (the memory plan counts two):
    // at Llama's intermediate size each is 1.6 GB in float64.
    const torch::Tensor G = gram.to(torch::kDouble);
    torch::Tensor C = G + G.t();  // accumulated sums can be asymmetric in the last bit
    C.mul_(0.5);
    const int64_t H = C.size(0);
    const double meanDiag = C.diagonal().sum().item<double>() / double(H);
    if (usedFallback) *usedFallback = false;
    if (meanDiag > 0.0) {
        // A Gram singular at the requested ridge (few distinct tokens, dead channels,
        // rounding under huge outlier channels: SmolLM2's layer-11 down_proj on SST-2)
        // is whitened with a larger one first: it costs what the memory plan counts,
        // where the eigendecomposition below needs about twice that on a GPU. The
        // requested ridge first, whatever its size (none: C itself, once); then 100x
        // at a time up to the largest.
        const torch::Tensor diagonal = C.diagonal().clone();
        for (double relative = relativeRidge;; relative *= 100.0) {
            torch::Tensor L, info;
            C.diagonal().add_(relative * meanDiag);  // the same sums as C + ridge * I, without the identity
            std::tie(L, info) = torch::linalg_cholesky_ex(C);
            C.diagonal().copy_(diagonal);  // the next try, or the fallback, starts from C itself
            if (info.item<int64_t>() == 0 && torch::isfinite(L).all().item<bool>()) {
                if (usedFallback) *usedFallback = relative != relativeRidge;
                if (relativeRidgeUsed) *relativeRidgeUsed = relative;
                return L;
            }
            if (relative <= 0.0 || relative >= kMaxRelativeRidge * 0.9999) break;
        }
    }
    // Rank-deficient or indefinite beyond what the largest ridge repairs: C = Q L Q^T
    // with negative eigenvalues clamped, S = Q L^1/2 (S S^T = C+, the PSD part).
    if (usedFallback) *usedFallback = true;
    if (relativeRidgeUsed) *relativeRidgeUsed = 0.0;
    torch::Tensor evals, evecs;
    std::tie(evals, evecs) = torch::linalg_eigh(C);
    return evecs * evals.clamp_min(0.0).sqrt().unsqueeze(0);
}

}  // namespace projection_detail
}  // namespace sieve

#include "core/projection/projection_method.h"

#include <algorithm>
#include <sstream>

#include "core/common/error.h"
#include "core/model/matrix_info.h"
#include "core/projection/input_pca.h"
#include "core/projection/sieve_closed_form.h"
#include "core/projection/sieve_learned.h"
#include "core/projection/wanda.h"
#include "core/projection/weight_svd.h"

namespace sieve {

std::vector<std::unique_ptr<ProjectionMethod>> projectionMethods() {
    std::vector<std::unique_ptr<ProjectionMethod>> methods;
    methods.push_back(std::make_unique<SieveProjection>());
    methods.push_back(std::make_unique<SieveLearnedProjection>());
    methods.push_back(std::make_unique<WeightSvdProjection>());
    methods.push_back(std::make_unique<InputPcaProjection>());
    methods.push_back(std::make_unique<WandaProjection>());
    return methods;
}

std::vector<std::string> projectionMethodNames() {
    std::vector<std::string> names;
    for (const auto& m : projectionMethods()) names.push_back(m->name());
    return names;
}

std::unique_ptr<ProjectionMethod> makeProjection(const std::string& name) {
    for (auto& m : projectionMethods())
        if (m->name() == name) return std::move(m);
    std::string known;
    for (const auto& n : projectionMethodNames()) known += (known.empty() ? "" : ", ") + n;
    throw InputError("unknown projection method '" + name + "' (known: " + known + ")");
}

namespace projection_detail {

namespace {
std::string where(const FactorOptions& options) {
    return options.matrixName.empty() ? std::string("matrix") : options.matrixName;
}
std::string shapeText(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
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

torch::Tensor gramSquareRoot(const torch::Tensor& gram, double relativeRidge, bool* usedFallback) {
    torch::NoGradGuard noGrad;
    torch::Tensor C = gram.to(torch::kDouble);
    C = 0.5 * (C + C.t());  // accumulated sums can be asymmetric in the last bit
    const int64_t H = C.size(0);
    const double meanDiag = C.diagonal().sum().item<double>() / double(H);
    if (usedFallback) *usedFallback = false;
    if (meanDiag > 0.0) {
        const double ridge = relativeRidge * meanDiag;
        torch::Tensor L, info;
        std::tie(L, info) = torch::linalg_cholesky_ex(C + ridge * torch::eye(H, C.options()));
        if (info.item<int64_t>() == 0 && torch::isfinite(L).all().item<bool>()) return L;
    }
    // Rank-deficient beyond what the ridge repairs (dead input channels,
    // fewer tokens than H) or slightly indefinite from rounding: C = Q L Q^T
    // with negative eigenvalues clamped, S = Q L^1/2 (S S^T = C+, the PSD part).
    if (usedFallback) *usedFallback = true;
    torch::Tensor evals, evecs;
    std::tie(evals, evecs) = torch::linalg_eigh(C);
    return evecs * evals.clamp_min(0.0).sqrt().unsqueeze(0);
}

}  // namespace projection_detail
}  // namespace sieve

#include "core/calibration/gram_accumulator.h"

#include <sstream>

#include "core/calibration/calibration_data.h"
#include "core/common/error.h"

namespace sieve {

namespace {
const char* siteName(InputSite site) {
    switch (site) {
        case InputSite::AttentionIn:
            return "attention input (q/k/v)";
        case InputSite::AttentionOut:
            return "attention output (o)";
        case InputSite::MlpIn:
            return "MLP input (gate/up)";
        case InputSite::MlpHidden:
            return "MLP hidden (down)";
    }
    return "?";
}
std::string whereText(int layer, InputSite site) {
    return "layer " + std::to_string(layer) + " " + siteName(site);
}
}  // namespace

GramAccumulator::GramAccumulator(int layers, GramProductPrecision precision)
    : layers_(layers),
      precision_(precision),
      grams_(size_t(layers) * kSites),
      tokens_(size_t(layers) * kSites, 0) {
    if (layers < 1)
        throw InputError("Gram accumulator: need at least one layer, got " + std::to_string(layers));
}

int GramAccumulator::index(int layer, InputSite site) const {
    const int s = static_cast<int>(site);
    if (layer < 0 || layer >= layers_ || s < 0 || s >= kSites)
        throw InputError("Gram accumulator: layer " + std::to_string(layer) + " outside [0, " +
                         std::to_string(layers_) + ")");
    return layer * kSites + s;
}

void GramAccumulator::add(int layer, InputSite site, const torch::Tensor& x) {
    const int i = index(layer, site);
    if (!x.defined() || x.dim() != 2) {
        std::ostringstream s;
        s << whereText(layer, site) << ": activations must be [N, H], got "
          << (x.defined() ? x.sizes() : c10::IntArrayRef{});
        throw InputError(s.str());
    }
    if (x.size(0) == 0) return;
    torch::NoGradGuard noGrad;
    torch::Tensor& C = grams_[i];
    if (!C.defined()) {
        C = torch::zeros({x.size(1), x.size(1)}, x.options().dtype(torch::kDouble));
    } else if (C.size(0) != x.size(1)) {
        throw InputError(whereText(layer, site) + ": activations have " + std::to_string(x.size(1)) +
                         " features, earlier batches had " + std::to_string(C.size(0)));
    }
    if (!torch::isfinite(x).all().item<bool>())
        throw InputError(whereText(layer, site) + ": activations contain NaN or Inf (" +
                         std::to_string(x.size(0)) +
                         " tokens in this batch); the Gram matrix would be unusable");
    const bool useDouble = precision_ == GramProductPrecision::Float64 ||
                           (precision_ == GramProductPrecision::Auto && !x.is_cpu());
    if (useDouble) {
        const torch::Tensor xd = x.to(torch::kDouble);
        C.addmm_(xd.t(), xd);
    } else {
        const torch::Tensor xf = x.to(torch::kFloat);
        C.add_(xf.t().matmul(xf).to(torch::kDouble));
    }
    tokens_[i] += x.size(0);
}

bool GramAccumulator::has(int layer, InputSite site) const {
    return grams_[index(layer, site)].defined();
}

const torch::Tensor& GramAccumulator::gram(int layer, InputSite site) const {
    return grams_[index(layer, site)];
}

int64_t GramAccumulator::tokens(int layer, InputSite site) const {
    return tokens_[index(layer, site)];
}

CalibrationData GramAccumulator::finish(std::vector<MatrixInfo> matrices, int64_t sequences) && {
    for (const MatrixInfo& m : matrices) {
        const InputSite site = inputSiteOf(m.type);
        if (m.layer < 0 || m.layer >= layers_)
            throw InputError(m.name + ": layer " + std::to_string(m.layer) + " outside the calibrated " +
                             std::to_string(layers_) + " layers");
        const torch::Tensor& C = grams_[index(m.layer, site)];
        if (!C.defined() || tokens_[index(m.layer, site)] == 0)
            throw InputError(m.name + ": no calibration tokens reached its input (" +
                             whereText(m.layer, site) + ")");
        if (C.size(0) != m.cols)
            throw InputError(m.name + ": Gram matrix is " + std::to_string(C.size(0)) + " x " +
                             std::to_string(C.size(0)) + " but the matrix has " + std::to_string(m.cols) +
                             " input features");
    }
    return CalibrationData(layers_, std::move(grams_), std::move(tokens_), std::move(matrices), sequences);
}

}  // namespace sieve

#include "core/calibration/gram_accumulator.h"

#include <algorithm>
#include <sstream>

#include "core/calibration/calibration_data.h"
#include "core/calibration/gram_blocks.h"
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
    const bool useDouble = precision_ == GramProductPrecision::Float64;
    const torch::Tensor xp = x.to(useDouble ? torch::kDouble : torch::kFloat);  // [N, H]
    // bf16/f16 activations are exact in TF32: the GPU's tensor cores multiply them at no loss.
    const compat::AllowTf32 tf32(x.is_cuda() && !useDouble &&
                                 (x.scalar_type() == torch::kBFloat16 || x.scalar_type() == torch::kHalf));
    const int64_t H = x.size(1);
    const int64_t blocks = gramBlockCount(H, x.is_cpu());
    if (blocks == 1) {
        if (useDouble)
            C.addmm_(xp.t(), xp);
        else
            C.add_(xp.t().matmul(xp).to(torch::kDouble));
    } else {
        // Lower block triangle: rows of block bi against columns of blocks bj <= bi,
        // as one product per block row (x_i^T [x_0 .. x_i]).
        const int64_t step = (H + blocks - 1) / blocks;
        for (int64_t r0 = 0; r0 < H; r0 += step) {
            const int64_t rows = std::min(step, H - r0);
            const torch::Tensor product = xp.narrow(1, r0, rows).t().matmul(xp.narrow(1, 0, r0 + rows));
            C.narrow(0, r0, rows).narrow(1, 0, r0 + rows).add_(product.to(torch::kDouble));
        }
    }
    tokens_[i] += x.size(0);
}

bool GramAccumulator::has(int layer, InputSite site) const {
    return grams_[index(layer, site)].defined();
}

torch::Tensor GramAccumulator::symmetrized(const torch::Tensor& lowerBlocks) {
    if (!lowerBlocks.defined()) return {};
    if (gramBlockCount(lowerBlocks.size(0), lowerBlocks.is_cpu()) == 1) return lowerBlocks.clone();
    return lowerBlocks.tril() + lowerBlocks.tril(-1).t();
}

torch::Tensor GramAccumulator::gram(int layer, InputSite site) const {
    return symmetrized(grams_[index(layer, site)]);
}

int64_t GramAccumulator::tokens(int layer, InputSite site) const {
    return tokens_[index(layer, site)];
}

void GramAccumulator::mirrorInPlace(torch::Tensor& C) {
    if (!C.defined()) return;
    const int64_t H = C.size(0);
    const int64_t blocks = gramBlockCount(H, C.is_cpu());
    if (blocks == 1) return;
    // Copy each block row left of the diagonal into the block column above
    // it, and each diagonal block's lower triangle over its upper one, one
    // block at a time (no [H, H] temporary). The result is exactly symmetric,
    // as symmetrized() is.
    const int64_t step = (H + blocks - 1) / blocks;
    for (int64_t r0 = 0; r0 < H; r0 += step) {
        const int64_t rows = std::min(step, H - r0);
        if (r0 > 0) C.narrow(0, 0, r0).narrow(1, r0, rows).copy_(C.narrow(0, r0, rows).narrow(1, 0, r0).t());
        torch::Tensor diagonal = C.narrow(0, r0, rows).narrow(1, r0, rows);
        const torch::Tensor lower = diagonal.tril();  // with the diagonal
        diagonal.copy_(lower + lower.tril(-1).t());
    }
}

torch::Tensor GramAccumulator::take(int layer, InputSite site) {
    torch::Tensor C = std::move(grams_[index(layer, site)]);
    grams_[index(layer, site)] = torch::Tensor();
    mirrorInPlace(C);
    return C;
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
    for (torch::Tensor& C : grams_) mirrorInPlace(C);
    return CalibrationData(layers_, std::move(grams_), std::move(tokens_), std::move(matrices), sequences);
}

}  // namespace sieve

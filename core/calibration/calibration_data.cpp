#include "core/calibration/calibration_data.h"

#include "core/common/error.h"

namespace sieve {

namespace {
constexpr int kSites = 4;
}

CalibrationData::CalibrationData(int layers, std::vector<torch::Tensor> grams,
                                 std::vector<int64_t> siteTokens, std::vector<MatrixInfo> matrices,
                                 int64_t sequences)
    : layers_(layers),
      grams_(std::move(grams)),
      siteTokens_(std::move(siteTokens)),
      matrices_(std::move(matrices)),
      sequences_(sequences) {
    if (grams_.size() != size_t(layers_) * kSites || siteTokens_.size() != grams_.size())
        throw InputError("calibration data: expected " + std::to_string(layers_ * kSites) +
                         " Gram slots, got " + std::to_string(grams_.size()));
    // Every site sees every valid token; the attention input of layer 0 is the reference.
    tokens_ = siteTokens_.empty() ? 0 : siteTokens_[0];
}

const torch::Tensor& CalibrationData::gram(int layer, InputSite site) const {
    const int s = static_cast<int>(site);
    if (layer < 0 || layer >= layers_ || s < 0 || s >= kSites)
        throw InputError("calibration data: layer " + std::to_string(layer) + " outside [0, " +
                         std::to_string(layers_) + ")");
    const torch::Tensor& C = grams_[size_t(layer) * kSites + s];
    if (!C.defined())
        throw InputError("calibration data: no Gram matrix for layer " + std::to_string(layer) + " site " +
                         std::to_string(s));
    return C;
}

int64_t CalibrationData::siteTokens(int layer, InputSite site) const {
    gram(layer, site);  // range check
    return siteTokens_[size_t(layer) * kSites + static_cast<int>(site)];
}

const torch::Tensor& CalibrationData::gramForMatrix(int i) const {
    if (i < 0 || i >= matrixCount())
        throw InputError("calibration data: matrix " + std::to_string(i) + " outside [0, " +
                         std::to_string(matrixCount()) + ")");
    return gram(matrices_[i].layer, inputSiteOf(matrices_[i].type));
}

std::vector<torch::Tensor> CalibrationData::gramsPerMatrix() const {
    std::vector<torch::Tensor> grams;
    grams.reserve(matrices_.size());
    for (int i = 0; i < matrixCount(); ++i) grams.push_back(gramForMatrix(i));
    return grams;
}

CalibrationData CalibrationData::to(const torch::Device& device) const {
    CalibrationData copy = *this;
    for (auto& C : copy.grams_)
        if (C.defined()) C = C.to(device);
    return copy;
}

int64_t CalibrationData::bytes() const {
    int64_t total = 0;
    for (const auto& C : grams_)
        if (C.defined()) total += C.numel() * int64_t(C.element_size());
    return total;
}

}  // namespace sieve

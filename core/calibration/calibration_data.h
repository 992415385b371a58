#pragma once
// The result of calibration: one float64 Gram matrix per distinct matrix
// input (q/k/v share AttentionIn, gate/up share MlpIn), the token counts, and
// the matrices they serve. This is all the projections need from the data.
#include <cstdint>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/types/matrix_info.h"

namespace sieve {

class CalibrationData {
public:
    CalibrationData() = default;
    CalibrationData(int layers, std::vector<torch::Tensor> grams, std::vector<int64_t> siteTokens,
                    std::vector<MatrixInfo> matrices, int64_t sequences);

    bool empty() const { return grams_.empty(); }
    int layers() const { return layers_; }
    // [H, H] float64 on the device calibration ran on; throws InputError when
    // the layer/site is out of range or was never observed.
    const torch::Tensor& gram(int layer, InputSite site) const;
    int64_t siteTokens(int layer, InputSite site) const;
    // Valid (unpadded) tokens seen per site: every site sees every token.
    int64_t tokens() const { return tokens_; }
    int64_t sequences() const { return sequences_; }

    const std::vector<MatrixInfo>& matrices() const { return matrices_; }
    int matrixCount() const { return static_cast<int>(matrices_.size()); }
    // The Gram of the input of matrix i (ModelSummary order); shared tensors
    // for q/k/v and for gate/up (same storage, not copies).
    const torch::Tensor& gramForMatrix(int i) const;
    // One tensor per matrix, for ProjectionSet::build.
    std::vector<torch::Tensor> gramsPerMatrix() const;

    // Copies every Gram to `device` (e.g. to factor on CPU after a GPU pass).
    CalibrationData to(const torch::Device& device) const;
    int64_t bytes() const;  // memory held by the Gram matrices

private:
    int layers_ = 0;
    std::vector<torch::Tensor> grams_;  // layers * 4, indexed layer * 4 + site
    std::vector<int64_t> siteTokens_;
    std::vector<MatrixInfo> matrices_;
    int64_t tokens_ = 0;
    int64_t sequences_ = 0;
};

}  // namespace sieve

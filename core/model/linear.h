#pragma once
// A prunable linear map: y = x W^T + b, with W [D, H] (D outputs, H inputs).
// It can be replaced, without losing W, by a factorized map of any rank,
//   y = (x A^T) B^T + b,   A [r, H], B [D, r],
// or by a masked dense weight (unstructured baselines such as Wanda), and
// carry a LoRA adapter beside whichever of them applies (recovery after
// pruning, core/recovery/lora.h). Restoring dense is O(1): W is never modified.
#include "core/common/torch_compat.h"
#include "core/types/matrix_info.h"

namespace sieve {

// y = x W^T + b for x [..., H], W [D, H] (bias may be undefined), the way
// every map of the model multiplies (few rows take a matrix-vector path).
torch::Tensor linearMap(const torch::Tensor& x, const torch::Tensor& W, const torch::Tensor& bias);

// A LoRA adapter, y += scaling (x A^T) B^T with A [r, H], B [D, r]: PEFT's
// lora_A.weight and lora_B.weight, scaling = lora_alpha / r, no dropout.
struct LoraAdapter {
    torch::Tensor A;
    torch::Tensor B;
    double scaling = 1.0;
};

class PrunableLinear {
public:
    PrunableLinear() = default;
    PrunableLinear(MatrixInfo info, torch::Tensor weight, torch::Tensor bias = {});

    torch::Tensor forward(const torch::Tensor& x) const;  // [..., H] -> [..., D]

    const MatrixInfo& info() const { return info_; }
    const torch::Tensor& weight() const { return weight_; }  // the original dense W, always
    const torch::Tensor& bias() const { return bias_; }      // undefined when absent

    // Shapes checked against W: B [D, r], A [r, H]; moved to W's device and dtype.
    void setFactors(torch::Tensor B, torch::Tensor A);
    // A same-shape replacement weight (e.g. W with a mask applied).
    void setReplacementWeight(torch::Tensor W);
    // Adds `adapter` to whatever map applies (set or cleared by the calls
    // above, it stays). The tensors are kept as they are, so that an
    // optimizer training them trains the adapter; they must be on W's
    // device in W's dtype. Shapes checked: A [r, H], B [D, r].
    void setAdapter(LoraAdapter adapter);
    const LoraAdapter* adapter() const { return adapter_.A.defined() ? &adapter_ : nullptr; }
    // y + the adapter's term for input x (y unchanged without an adapter).
    torch::Tensor addAdapter(const torch::Tensor& x, torch::Tensor y) const;
    // Back to W alone: factors, replacement and adapter removed.
    void restoreDense();
    // Moves W, the bias and whatever replaces W now to `device` (block placement).
    void moveTo(const torch::Device& device);

    bool isDense() const { return !B_.defined() && !replacement_.defined() && !adapter_.A.defined(); }
    bool isFactorized() const { return B_.defined(); }
    int64_t rank() const { return B_.defined() ? B_.size(1) : std::min(info_.rows, info_.cols); }
    // Parameters this map stores now (r (D + H) when factorized; D H otherwise; bias excluded).
    int64_t currentParams() const;
    // The dense weight this map applies now (B A, the replacement, or W; the
    // adapter is not included).
    torch::Tensor effectiveWeight() const;
    const torch::Tensor& factorB() const { return B_; }
    const torch::Tensor& factorA() const { return A_; }
    // Changes whenever the map does (factors set, replaced, restored); unique
    // across every PrunableLinear, so a cache keyed by it never aliases.
    uint64_t version() const { return version_; }

    // Training (demo model): the weight as a leaf tensor that requires grad.
    torch::Tensor& mutableWeight() { return weight_; }
    torch::Tensor& mutableBias() { return bias_; }

private:
    MatrixInfo info_;
    torch::Tensor weight_;
    torch::Tensor bias_;
    torch::Tensor B_, A_;
    torch::Tensor replacement_;
    LoraAdapter adapter_;
    uint64_t version_ = nextVersion();
    static uint64_t nextVersion();
};

}  // namespace sieve

#include "core/model/linear.h"

#include <sstream>

#include "core/common/error.h"

namespace sieve {

namespace {

std::string shapeText(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

}  // namespace

PrunableLinear::PrunableLinear(MatrixInfo info, torch::Tensor weight, torch::Tensor bias)
    : info_(std::move(info)), weight_(std::move(weight)), bias_(std::move(bias)) {
    if (!weight_.defined() || weight_.dim() != 2 || weight_.size(0) != info_.rows ||
        weight_.size(1) != info_.cols)
        throw InputError(info_.name + ": weight has shape " +
                         (weight_.defined() ? shapeText(weight_) : std::string("(none)")) + ", expected [" +
                         std::to_string(info_.rows) + ", " + std::to_string(info_.cols) + "]");
    if (bias_.defined() && (bias_.dim() != 1 || bias_.size(0) != info_.rows))
        throw InputError(info_.name + ": bias has shape " + shapeText(bias_) + ", expected [" +
                         std::to_string(info_.rows) + "]");
    info_.hasBias = bias_.defined();
}

// One GEMM per map (two when factorized): torch::linear dispatches to addmm
// with the transposed weight, which BLAS reads in place without a copy.
torch::Tensor PrunableLinear::forward(const torch::Tensor& x) const {
    if (B_.defined()) {
        // x [..., H] -> z [..., r] -> y [..., D]
        const torch::Tensor z = torch::linear(x, A_);
        return torch::linear(z, B_, bias_);
    }
    return torch::linear(x, replacement_.defined() ? replacement_ : weight_, bias_);
}

void PrunableLinear::setFactors(torch::Tensor B, torch::Tensor A) {
    if (!B.defined() || !A.defined() || B.dim() != 2 || A.dim() != 2 || B.size(0) != info_.rows ||
        A.size(1) != info_.cols || B.size(1) != A.size(0) || B.size(1) < 1)
        throw InputError(info_.name + ": factors B " + (B.defined() ? shapeText(B) : "(none)") + " and A " +
                         (A.defined() ? shapeText(A) : "(none)") + " do not compose to [" +
                         std::to_string(info_.rows) + ", " + std::to_string(info_.cols) +
                         "] (expected B [D, r], A [r, H])");
    const auto options = weight_.options().requires_grad(false);
    B_ = B.to(options).contiguous();
    A_ = A.to(options).contiguous();
    replacement_ = torch::Tensor();
}

void PrunableLinear::setReplacementWeight(torch::Tensor W) {
    if (!W.defined() || !W.sizes().equals(weight_.sizes()))
        throw InputError(info_.name + ": replacement weight has shape " +
                         (W.defined() ? shapeText(W) : std::string("(none)")) + ", expected " +
                         shapeText(weight_));
    replacement_ = W.to(weight_.options().requires_grad(false)).contiguous();
    B_ = torch::Tensor();
    A_ = torch::Tensor();
}

void PrunableLinear::restoreDense() {
    B_ = torch::Tensor();
    A_ = torch::Tensor();
    replacement_ = torch::Tensor();
}

int64_t PrunableLinear::currentParams() const {
    if (B_.defined()) return B_.size(1) * (info_.rows + info_.cols);
    return info_.rows * info_.cols;
}

torch::Tensor PrunableLinear::effectiveWeight() const {
    if (B_.defined()) return torch::matmul(B_, A_);
    if (replacement_.defined()) return replacement_;
    return weight_;
}

}  // namespace sieve

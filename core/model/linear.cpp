#include "core/model/linear.h"

#include <atomic>
#include <sstream>
#include <vector>

#include "core/common/error.h"
#include "core/common/shape_text.h"

namespace sieve {

// y = x W^T + b for x [..., H], W [D, H]. One BLAS call either way. On the CPU
// a few rows (decoding) go through W x^T instead: BLAS's matrix-vector and
// tall-matrix kernels stream W at memory speed, while x W^T with so few rows
// runs several times slower (measured with OpenBLAS: 1 row 5x, 4 rows 1.5x).
torch::Tensor linearMap(const torch::Tensor& x, const torch::Tensor& W, const torch::Tensor& bias) {
    constexpr int64_t kFewRows = 16;
    const int64_t in = x.size(-1);
    const int64_t rows = in == 0 ? 0 : x.numel() / in;
    if (rows == 0 || rows >= kFewRows || !x.device().is_cpu() || x.scalar_type() != torch::kFloat32)
        return torch::linear(x, W, bias);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = W.size(0);
    const torch::Tensor x2 = x.reshape({rows, in});
    torch::Tensor y;
    if (rows == 1) {
        // y [D] = b + W x
        y = bias.defined() ? torch::addmv(bias, W, x2[0]) : torch::mv(W, x2[0]);
    } else {
        // y^T [D, rows] = b + W x^T
        y = (bias.defined() ? torch::addmm(bias.unsqueeze(1), W, x2.t()) : torch::mm(W, x2.t()))
                .t()
                .contiguous();
    }
    return y.view(shape);
}

namespace {

// A factor as BLAS can read it in place: row-major, or the transpose of a
// row-major block (a rank slice of a factor stored transposed, see
// core/projection/factorization.h). Anything else is copied once here.
torch::Tensor blasReadable(const torch::Tensor& t) {
    if (t.is_contiguous() || t.t().is_contiguous()) return t;
    return t.contiguous();
}

}  // namespace

uint64_t PrunableLinear::nextVersion() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
}

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
        const torch::Tensor z = linearMap(x, A_, {});
        return addAdapter(x, linearMap(z, B_, bias_));
    }
    return addAdapter(x, linearMap(x, replacement_.defined() ? replacement_ : weight_, bias_));
}

torch::Tensor PrunableLinear::addAdapter(const torch::Tensor& x, torch::Tensor y) const {
    if (!adapter_.A.defined()) return y;
    // PEFT's order: lora_B(lora_A(x)) * scaling, added to the base output.
    return y + torch::linear(torch::linear(x, adapter_.A), adapter_.B) * adapter_.scaling;
}

void PrunableLinear::setAdapter(LoraAdapter adapter) {
    const torch::Tensor &A = adapter.A, &B = adapter.B;
    if (!A.defined() || !B.defined() || A.dim() != 2 || B.dim() != 2 || A.size(1) != info_.cols ||
        B.size(0) != info_.rows || A.size(0) != B.size(1) || A.size(0) < 1)
        throw InputError(info_.name + ": LoRA adapter A " + (A.defined() ? shapeText(A) : "(none)") +
                         " and B " + (B.defined() ? shapeText(B) : "(none)") + " do not fit [" +
                         std::to_string(info_.rows) + ", " + std::to_string(info_.cols) +
                         "] (expected A [r, H], B [D, r])");
    if (A.device() != weight_.device() || B.device() != weight_.device() ||
        A.scalar_type() != weight_.scalar_type() || B.scalar_type() != weight_.scalar_type())
        throw InputError(info_.name + ": the LoRA adapter must be on " + weight_.device().str() + " in " +
                         std::string(c10::toString(weight_.scalar_type())));
    adapter_ = std::move(adapter);
    version_ = nextVersion();
}

void PrunableLinear::setFactors(torch::Tensor B, torch::Tensor A) {
    if (!B.defined() || !A.defined() || B.dim() != 2 || A.dim() != 2 || B.size(0) != info_.rows ||
        A.size(1) != info_.cols || B.size(1) != A.size(0) || B.size(1) < 1)
        throw InputError(info_.name + ": factors B " + (B.defined() ? shapeText(B) : "(none)") + " and A " +
                         (A.defined() ? shapeText(A) : "(none)") + " do not compose to [" +
                         std::to_string(info_.rows) + ", " + std::to_string(info_.cols) +
                         "] (expected B [D, r], A [r, H])");
    // Slices of factors already on this device in this dtype are kept as
    // views: switching a level copies nothing (core/projection/factor_store.h).
    const auto options = weight_.options().requires_grad(false);
    B_ = blasReadable(B.to(options));
    A_ = blasReadable(A.to(options));
    replacement_ = torch::Tensor();
    version_ = nextVersion();
}

void PrunableLinear::setReplacementWeight(torch::Tensor W) {
    if (!W.defined() || !W.sizes().equals(weight_.sizes()))
        throw InputError(info_.name + ": replacement weight has shape " +
                         (W.defined() ? shapeText(W) : std::string("(none)")) + ", expected " +
                         shapeText(weight_));
    replacement_ = W.to(weight_.options().requires_grad(false)).contiguous();
    B_ = torch::Tensor();
    A_ = torch::Tensor();
    version_ = nextVersion();
}

void PrunableLinear::restoreDense() {
    if (isDense()) return;
    B_ = torch::Tensor();
    A_ = torch::Tensor();
    replacement_ = torch::Tensor();
    adapter_ = LoraAdapter{};
    version_ = nextVersion();
}

void PrunableLinear::moveTo(const torch::Device& device) {
    auto to = [&device](torch::Tensor& t) {
        if (t.defined()) t = t.to(device);
    };
    to(weight_);
    to(bias_);
    to(B_);
    to(A_);
    to(replacement_);
    to(adapter_.A);
    to(adapter_.B);
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

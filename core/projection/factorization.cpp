#include "core/projection/factorization.h"

#include <sstream>

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/model/linear.h"
#include "core/types/matrix_info.h"

namespace sieve {

namespace {
std::string levelText(double level) {
    std::ostringstream s;
    s << level;
    return s.str();
}
}  // namespace

Factorization Factorization::lowRank(torch::Tensor B, torch::Tensor A) {
    if (!B.defined() || !A.defined() || B.dim() != 2 || A.dim() != 2 || B.size(1) != A.size(0))
        throw InputError("low-rank factorization: B " + (B.defined() ? shapeText(B) : "(none)") + " and A " +
                         (A.defined() ? shapeText(A) : "(none)") +
                         " do not compose (expected [D, R] and [R, H])");
    Factorization f;
    f.kind_ = Kind::LowRank;
    f.rows_ = B.size(0);
    f.cols_ = A.size(1);
    f.Bt_ = B.t().contiguous();
    f.A_ = A.contiguous();
    return f;
}

Factorization Factorization::mask(torch::Tensor keepOrder) {
    if (!keepOrder.defined() || keepOrder.dim() != 2)
        throw InputError("mask factorization: keep order must be a [D, H] matrix");
    Factorization f;
    f.kind_ = Kind::Mask;
    f.rows_ = keepOrder.size(0);
    f.cols_ = keepOrder.size(1);
    f.keepOrder_ = keepOrder.contiguous();
    return f;
}

int64_t Factorization::maxRank() const {
    switch (kind_) {
        case Kind::LowRank:
            return Bt_.size(0);
        case Kind::Mask:
            return 0;
    }
    return 0;
}

bool Factorization::supports(double level) const {
    if (level <= 0.0) return true;
    if (level >= 1.0) return false;
    const int64_t r = rankForLevel(rows_, cols_, level);
    switch (kind_) {
        case Kind::LowRank:
            return r <= Bt_.size(0);
        case Kind::Mask:
            return true;
    }
    return false;
}

std::pair<torch::Tensor, torch::Tensor> Factorization::factorsAt(double level) const {
    if (kind_ == Kind::Mask || level <= 0.0)
        throw InputError("factorsAt(" + levelText(level) + "): only low-rank levels above 0 have factors");
    if (!supports(level))
        throw InputError("pruning level " + levelText(level) + " needs rank " +
                         std::to_string(rankForLevel(rows_, cols_, level)) +
                         ", which this factorization was not built for (max rank " +
                         std::to_string(maxRank()) +
                         "); rebuild the projections with this level in the grid");
    const int64_t r = rankForLevel(rows_, cols_, level);
    // Both slices are contiguous blocks of the stored factors (views, no copy).
    return {Bt_.narrow(0, 0, r).t(), A_.narrow(0, 0, r)};
}

torch::Tensor Factorization::weightAt(double level, const torch::Tensor& W) const {
    if (level <= 0.0) return W;
    if (kind_ == Kind::Mask) {
        if (level >= 1.0) throw InputError("pruning level " + levelText(level) + " is outside [0, 1)");
        const int64_t keep = paramsAtLevel(rows_, cols_, level);
        return W * (keepOrder_ < keep).to(W.dtype());
    }
    const auto BA = factorsAt(level);
    return BA.first.matmul(BA.second);
}

int64_t Factorization::paramsAt(double level) const {
    if (level <= 0.0) return rows_ * cols_;
    return std::min(paramsAtLevel(rows_, cols_, level), rows_ * cols_);
}

void Factorization::applyTo(PrunableLinear& linear, double level) const {
    if (linear.info().rows != rows_ || linear.info().cols != cols_)
        throw InputError(linear.info().name + ": factorization is for a [" + std::to_string(rows_) + ", " +
                         std::to_string(cols_) + "] matrix, the linear map is [" +
                         std::to_string(linear.info().rows) + ", " + std::to_string(linear.info().cols) +
                         "]");
    if (level <= 0.0) {
        linear.restoreDense();
        return;
    }
    torch::NoGradGuard noGrad;
    if (kind_ == Kind::Mask) {
        linear.setReplacementWeight(weightAt(level, linear.weight().detach()));
        return;
    }
    auto BA = factorsAt(level);
    linear.setFactors(BA.first, BA.second);
}

int64_t Factorization::bytes() const {
    auto size = [](const torch::Tensor& t) {
        return t.defined() ? int64_t(t.numel() * t.element_size()) : 0;
    };
    int64_t total = size(Bt_) + size(A_) + size(keepOrder_);
    return total;
}

torch::Device Factorization::device() const {
    if (Bt_.defined()) return Bt_.device();
    if (keepOrder_.defined()) return keepOrder_.device();
    return torch::kCPU;
}

void Factorization::moveTo(const torch::Device& device, bool pinned) {
    auto move = [&](torch::Tensor& t) {
        if (!t.defined()) return;
        t = t.to(device);
        if (pinned && device.is_cpu() && !t.is_pinned()) t = t.pin_memory();
    };
    move(Bt_);
    move(A_);
    move(keepOrder_);
}

}  // namespace sieve

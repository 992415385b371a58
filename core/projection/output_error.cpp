#include "core/projection/output_error.h"

#include <limits>
#include <sstream>

#include "core/common/error.h"
#include "core/projection/factorization.h"

namespace sieve {

double relativeOutputError(const torch::Tensor& W, const torch::Tensor& Wp, const torch::Tensor& gram) {
    if (!W.defined() || !Wp.defined() || !gram.defined() || W.dim() != 2 || !W.sizes().equals(Wp.sizes()) ||
        gram.dim() != 2 || gram.size(0) != W.size(1) || gram.size(1) != W.size(1)) {
        std::ostringstream s;
        s << "output error: W " << (W.defined() ? W.sizes() : c10::IntArrayRef{}) << ", W_p "
          << (Wp.defined() ? Wp.sizes() : c10::IntArrayRef{}) << " and Gram "
          << (gram.defined() ? gram.sizes() : c10::IntArrayRef{}) << " do not match ([D, H], [D, H], [H, H])";
        throw InputError(s.str());
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor C = gram.to(torch::kDouble);
    const torch::Tensor Wd = W.detach().to(C.device()).to(torch::kDouble);
    const torch::Tensor E = Wd - Wp.detach().to(C.device()).to(torch::kDouble);
    // tr(E C E^T) = sum((E C) .* E): no [D, D] product needed.
    const double num = E.matmul(C).mul(E).sum().item<double>();
    const double den = Wd.matmul(C).mul(Wd).sum().item<double>();
    if (den <= 0.0) return num <= 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
    return num / den;
}

std::vector<double> outputErrorCurve(const Factorization& f, const torch::Tensor& W,
                                     const torch::Tensor& gram, const std::vector<double>& levels) {
    std::vector<double> errors;
    errors.reserve(levels.size());
    for (double p : levels) errors.push_back(p <= 0.0 ? 0.0 : relativeOutputError(W, f.weightAt(p, W), gram));
    return errors;
}

}  // namespace sieve

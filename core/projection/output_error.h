#pragma once
// The objective every projection is judged by: relative output error on the
// calibration tokens, computed from the Gram C = X X^T alone,
//   ||(W - W_p) X||_F^2 / ||W X||_F^2 = tr(E C E^T) / tr(W C W^T),  E = W - W_p.
// Evaluated in float64. A held-out Gram gives the held-out error.
#include <vector>

#include "core/common/torch_compat.h"

namespace sieve {

class Factorization;

// W, Wp [D, H] (any dtype/device); gram [H, H]. Throws InputError on shape
// mismatch; returns 0 when tr(W C W^T) == 0 and Wp == W.
double relativeOutputError(const torch::Tensor& W, const torch::Tensor& Wp, const torch::Tensor& gram);

// One error per level (level 0 = 0).
std::vector<double> outputErrorCurve(const Factorization& f, const torch::Tensor& W,
                                     const torch::Tensor& gram, const std::vector<double>& levels);

}  // namespace sieve

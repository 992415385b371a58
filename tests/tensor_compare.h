#pragma once
// The fuzzy numeric compare tests share (LabPlot's idea of one shared test
// base): the largest absolute difference of two tensors, in float64 so that
// neither dtype's rounding hides a difference.
#include "core/common/torch_compat.h"

namespace sieve::test {

inline double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace sieve::test

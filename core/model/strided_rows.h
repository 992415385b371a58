#pragma once
// A tensor seen as rows of its last dimension, for our own element-wise
// kernels: the last dimension contiguous and every leading dimension
// collapsing into one row index with a fixed row stride (a contiguous tensor,
// or a column block of one such as a fused GEMM's output). nullopt otherwise.
#include <optional>

#include "core/common/torch_compat.h"

namespace sieve {

struct StridedRows {
    int64_t rows = 0;
    int64_t cols = 0;
    int64_t rowStride = 0;  // elements from one row's start to the next
};

inline std::optional<StridedRows> stridedRows(const torch::Tensor& t) {
    const int64_t dims = t.dim();
    if (dims < 1 || t.stride(dims - 1) != 1) return std::nullopt;
    StridedRows layout;
    layout.cols = t.size(dims - 1);
    layout.rows = 1;
    layout.rowStride = dims >= 2 ? t.stride(dims - 2) : layout.cols;
    for (int64_t d = 0; d < dims - 1; ++d) {
        layout.rows *= t.size(d);
        if (d < dims - 2 && t.size(d) > 1 && t.stride(d) != t.stride(d + 1) * t.size(d + 1))
            return std::nullopt;
    }
    return layout;
}

}  // namespace sieve

#include "core/model/rms_norm.h"

#include <cmath>

#include "core/common/avx512_math.h"
#include "core/model/strided_rows.h"

namespace sieve {
namespace {

using simd::toBFloat16;
using simd::toFloat;

// One row per iteration: the sum of squares as an OpenMP SIMD reduction
// (-fopenmp-simd for this file), then x * (1 / sqrt(mean + eps)) rounded to
// bfloat16 and multiplied by the weight, rounded again: libtorch's two
// roundings (the scaled x .to(bf16), then bf16 * bf16).
SIEVE_AVX512 void rmsNormRows(const uint16_t* x, int64_t xStride, const uint16_t* weight, uint16_t* out,
                              int64_t rows, int64_t cols, float eps) {
    for (int64_t r = 0; r < rows; ++r) {
        const uint16_t* row = x + r * xStride;
        uint16_t* o = out + r * cols;
        float sum = 0;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < cols; ++j) {
            const float v = toFloat(row[j]);
            sum += v * v;
        }
        const float inverse = 1.0f / std::sqrt(sum / float(cols) + eps);
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j)
            o[j] = toBFloat16(toFloat(weight[j]) * toFloat(toBFloat16(toFloat(row[j]) * inverse)));
    }
}

}  // namespace

torch::Tensor rmsNormReference(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
    const torch::Tensor xf = x.to(torch::kFloat32);
    const torch::Tensor variance = xf.pow(2).mean(-1, /*keepdim=*/true);
    return weight * (xf * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
    const auto layout = stridedRows(x);
    const bool kernel = simd::hasAvx512Kernels() && x.device().is_cpu() && weight.device().is_cpu() &&
                        x.scalar_type() == torch::kBFloat16 && weight.scalar_type() == torch::kBFloat16 &&
                        weight.dim() == 1 && weight.is_contiguous() && layout &&
                        layout->cols == weight.size(0) &&
                        !(torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad()));
    if (!kernel) return rmsNormReference(x, weight, eps);
    torch::Tensor out = torch::empty(x.sizes(), x.options().memory_format(torch::MemoryFormat::Contiguous));
    const auto* in = static_cast<const uint16_t*>(x.data_ptr());
    const auto* w = static_cast<const uint16_t*>(weight.data_ptr());
    auto* o = static_cast<uint16_t*>(out.data_ptr());
    const StridedRows l = *layout;
    at::parallel_for(0, l.rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, l.cols)),
                     [&](int64_t begin, int64_t end) {
                         rmsNormRows(in + begin * l.rowStride, l.rowStride, w, o + begin * l.cols,
                                     end - begin, l.cols, float(eps));
                     });
    return out;
}

}  // namespace sieve

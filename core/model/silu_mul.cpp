#include "core/model/silu_mul.h"

#include <limits>

#include "core/common/avx512_math.h"
#include "core/model/strided_rows.h"

namespace sieve {
namespace {

using simd::expClamped;
using simd::toBFloat16;
using simd::toFloat;

// silu(g) = g / (1 + e^-g) in libtorch 1.13's bfloat16 steps: its
// Vectorized<BFloat16> computes each operation in float32 and rounds it to
// bfloat16, so e^-g, 1 + e^-g and the quotient are each rounded (and the
// product with up once more, in the caller). Reproducing the roundings keeps
// the pruned models' accuracies what they were. e^-g is infinite under
// -88.72, as float32's exp is (libtorch's silu then gives -0); above 86 it is
// taken as e^-86, which 1 + e^-g rounds away as it does the true value.
SIEVE_AVX512 inline float silu(float g) {
    const float e = g < -88.72f ? std::numeric_limits<float>::infinity() : expClamped(-g);
    const float d = toFloat(toBFloat16(1.0f + toFloat(toBFloat16(e))));
    return toFloat(toBFloat16(g / d));
}

SIEVE_AVX512 void siluMulRows(uint16_t* gate, int64_t gateStride, const uint16_t* up, int64_t upStride,
                              int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; ++r) {
        uint16_t* g = gate + r * gateStride;
        const uint16_t* u = up + r * upStride;
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j) g[j] = toBFloat16(silu(toFloat(g[j])) * toFloat(u[j]));
    }
}

}  // namespace

void siluMulInPlace(torch::Tensor& gate, const torch::Tensor& up) {
    const auto g = stridedRows(gate), u = stridedRows(up);
    const bool kernel = simd::hasAvx512Kernels() && gate.device().is_cpu() && up.device().is_cpu() &&
                        gate.scalar_type() == torch::kBFloat16 && up.scalar_type() == torch::kBFloat16 &&
                        gate.sizes() == up.sizes() && g && u && !torch::GradMode::is_enabled();
    if (!kernel) {
        torch::silu_(gate).mul_(up);
        return;
    }
    auto* gp = static_cast<uint16_t*>(gate.data_ptr());
    const auto* upPtr = static_cast<const uint16_t*>(up.data_ptr());
    const StridedRows gl = *g, ul = *u;
    at::parallel_for(0, gl.rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, gl.cols)),
                     [&](int64_t begin, int64_t end) {
                         siluMulRows(gp + begin * gl.rowStride, gl.rowStride, upPtr + begin * ul.rowStride,
                                     ul.rowStride, end - begin, gl.cols);
                     });
}

}  // namespace sieve

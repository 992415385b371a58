#include "core/model/masked_softmax.h"

// GCC 12's AVX-512 headers build results from _mm512_undefined_*, which
// -Wmaybe-uninitialized reports at every call site (GCC bug 105593).
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

#include <algorithm>
#include <limits>
#include <vector>

#include "core/common/avx512_math.h"

namespace sieve {
namespace {

#if SIEVE_HAVE_AVX512_KERNELS
// Written with AVX-512 intrinsics, not as OpenMP SIMD loops like the other
// kernels: attention rows are short (tens of keys), and GCC's scalar
// remainder of such loops, a branch per masked key, cost more than the
// vectors. Here the last keys of a row are one masked vector.
SIEVE_AVX512 inline __m512 loadBf16(const uint16_t* p, __mmask16 m) {
    const __m256i h = _mm256_maskz_loadu_epi16(m, p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

// float32 -> bfloat16 bits, to nearest even, NaN as 0x7FC0 (simd::toBFloat16).
SIEVE_AVX512 inline __m256i toBf16(__m512 f) {
    const __m512i bits = _mm512_castps_si512(f);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded =
        _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(0x7FFF)), lsb), 16);
    rounded =
        _mm512_mask_mov_epi32(rounded, _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q), _mm512_set1_epi32(0x7FC0));
    return _mm512_cvtepi32_epi16(rounded);
}

// The lanes of `tail` whose key may be attended (a nonzero bool).
SIEVE_AVX512 inline __mmask16 allowedLanes(const bool* allowed, __mmask16 tail) {
    const __m128i bytes = _mm_maskz_loadu_epi8(tail, allowed);
    return _mm_test_epi8_mask(bytes, bytes);
}

// simd::expNonPositive, 16 lanes.
SIEVE_AVX512 inline __m512 expNonPositive16(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    const __m512 shifter = _mm512_set1_ps(12582912.0f);
    const __m512 n =
        _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), shifter), shifter);
    const __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f),
                                     _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 er = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
    const __m512i scale =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(er, _mm512_castsi512_ps(scale));
}

// One row of S scores: the largest allowed score, the sum of e^(x - max)
// over the allowed keys (kept in `buffer`), then each times 1 / sum, as
// libtorch's last-dimension softmax does, rounded to bfloat16. Masked keys
// get 0; a row with no allowed key NaN (as -inf everywhere gives).
SIEVE_AVX512 void softmaxRow(const uint16_t* x, const bool* allowed, uint16_t* out, float* buffer,
                             int64_t S) {
    const auto lanes = [S](int64_t j) {
        return S - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (S - j)) - 1);
    };
    __m512 top16 = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    for (int64_t j = 0; j < S; j += 16) {
        const __mmask16 k = allowedLanes(allowed + j, lanes(j));
        top16 = _mm512_mask_max_ps(top16, k, top16, loadBf16(x + j, k));
    }
    const float top = _mm512_reduce_max_ps(top16);
    if (top == -std::numeric_limits<float>::infinity()) {
        std::fill(out, out + S, uint16_t(0x7FC0));  // NaN
        return;
    }
    __m512 sum16 = _mm512_setzero_ps();
    for (int64_t j = 0; j < S; j += 16) {
        const __mmask16 tail = lanes(j), k = allowedLanes(allowed + j, tail);
        const __m512 e =
            _mm512_maskz_mov_ps(k, expNonPositive16(_mm512_sub_ps(loadBf16(x + j, k), _mm512_set1_ps(top))));
        _mm512_mask_storeu_ps(buffer + j, tail, e);
        sum16 = _mm512_add_ps(sum16, e);
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum16));
    for (int64_t j = 0; j < S; j += 16) {
        const __mmask16 tail = lanes(j);
        _mm256_mask_storeu_epi16(out + j, tail,
                                 toBf16(_mm512_mul_ps(_mm512_maskz_loadu_ps(tail, buffer + j), inverse)));
    }
}
#else
void softmaxRow(const uint16_t*, const bool*, uint16_t*, float*, int64_t) {}  // never called: no kernels
#endif

SIEVE_AVX512 void softmaxRows(const uint16_t* scores, const bool* allowed, uint16_t* out, int64_t begin,
                              int64_t end, int64_t headsPerBatch, int64_t T, int64_t S) {
    std::vector<float> buffer(static_cast<size_t>(S));
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / (headsPerBatch * T), t = row % T;
        softmaxRow(scores + row * S, allowed + (b * T + t) * S, out + row * S, buffer.data(), S);
    }
}

}  // namespace

torch::Tensor maskedSoftmaxReference(const torch::Tensor& scores, const torch::Tensor& allowed,
                                     torch::ScalarType dtype) {
    const torch::Tensor blocked = allowed.logical_not().unsqueeze(2);
    return torch::softmax(scores.masked_fill(blocked, -std::numeric_limits<float>::infinity()), -1,
                          torch::kFloat32)
        .to(dtype);
}

torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& allowed,
                            torch::ScalarType dtype) {
    const bool kernel = simd::hasAvx512Kernels() && scores.device().is_cpu() && scores.dim() == 5 &&
                        allowed.dim() == 4 && scores.scalar_type() == torch::kBFloat16 &&
                        dtype == torch::kBFloat16 && allowed.scalar_type() == torch::kBool &&
                        allowed.size(0) == scores.size(0) && allowed.size(1) == 1 &&
                        allowed.size(2) == scores.size(3) && allowed.size(3) == scores.size(4) &&
                        !(torch::GradMode::is_enabled() && scores.requires_grad());
    if (!kernel) {
        // Without autograd the scores are a buffer of their own: filled in place.
        if (torch::GradMode::is_enabled()) return maskedSoftmaxReference(scores, allowed, dtype);
        torch::Tensor filled = scores;
        filled.masked_fill_(allowed.logical_not().unsqueeze(2), -std::numeric_limits<float>::infinity());
        return torch::softmax(filled, -1, torch::kFloat32).to(dtype);
    }
    const torch::Tensor x = scores.contiguous();
    const torch::Tensor mask = allowed.contiguous();
    torch::Tensor out = torch::empty(x.sizes(), x.options());
    const int64_t T = x.size(3), S = x.size(4), headsPerBatch = x.size(1) * x.size(2);
    const int64_t rows = x.numel() / std::max<int64_t>(1, S);
    const auto* in = static_cast<const uint16_t*>(x.data_ptr());
    const bool* m = mask.data_ptr<bool>();
    auto* o = static_cast<uint16_t*>(out.data_ptr());
    at::parallel_for(
        0, rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, S)),
        [&](int64_t begin, int64_t end) { softmaxRows(in, m, o, begin, end, headsPerBatch, T, S); });
    return out;
}

}  // namespace sieve

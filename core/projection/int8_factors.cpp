#include "core/projection/int8_factors.h"

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/projection/factorization.h"

namespace sieve {

Int8Rows quantizeRows(const torch::Tensor& rows) {
    if (!rows.defined() || rows.dim() != 2 || !rows.is_floating_point())
        throw InputError("8-bit quantization: expected a floating-point matrix, got " +
                         (rows.defined()
                              ? shapeText(rows) + " " + std::string(c10::toString(rows.scalar_type()))
                              : std::string("(none)")));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = rows.detach().to(torch::kFloat32);
    Int8Rows q;
    if (x.size(1) == 0) {
        q.values = torch::zeros(x.sizes(), x.options().dtype(torch::kInt8));
        q.scales = torch::zeros({x.size(0)}, x.options());
        return q;
    }
    q.scales = x.abs().amax(1) / 127.0f;  // [R], float32
    // A zero row: scale 0, every value 0 (divide by 1 instead of 0).
    const torch::Tensor divisor = torch::where(q.scales > 0, q.scales, torch::ones_like(q.scales));
    q.values = torch::round(x / divisor.unsqueeze(1)).clamp_(-127, 127).to(torch::kInt8);
    return q;
}

Int8Rows Int8Rows::firstRows(int64_t r) const {
    if (r < 0 || r > rows())
        throw InputError("8-bit rows: " + std::to_string(r) + " of " + std::to_string(rows()) +
                         " rows asked");
    return Int8Rows{values.narrow(0, 0, r), scales.narrow(0, 0, r)};
}

torch::Tensor Int8Rows::dequantized(torch::ScalarType dtype) const {
    return (values.to(torch::kFloat32) * scales.unsqueeze(1)).to(dtype);
}

int64_t Int8Rows::bytes() const {
    auto size = [](const torch::Tensor& t) {
        return t.defined() ? int64_t(t.numel() * t.element_size()) : 0;
    };
    return size(values) + size(scales);
}

Int8Factors Int8Factors::of(const Factorization& f) {
    if (f.kind() != Factorization::Kind::LowRank)
        throw InputError("8-bit factors: a mask (Wanda) has no low-rank factors to quantize");
    return Int8Factors{quantizeRows(f.B().t()), quantizeRows(f.A())};
}

Int8Factors Int8Factors::firstRows(int64_t r) const {
    return Int8Factors{Bt.firstRows(r), A.firstRows(r)};
}

std::pair<torch::Tensor, torch::Tensor> Int8Factors::dequantized(torch::ScalarType dtype) const {
    return {Bt.dequantized(dtype).t(), A.dequantized(dtype)};
}

int64_t Int8Factors::bytes() const {
    return Bt.bytes() + A.bytes();
}

std::pair<torch::Tensor, torch::Tensor> int8FactorsAt(const Factorization& f, double level,
                                                      const torch::Device& device, torch::ScalarType dtype) {
    if (f.kind() != Factorization::Kind::LowRank)
        throw InputError("8-bit factors: a mask (Wanda) has no low-rank factors to quantize");
    // The rank slice (views of the stored factors), quantized on the device
    // it is multiplied on (factors kept in host memory are not quantized there).
    const auto [B, A] = f.factorsAt(level);
    const Int8Factors q{quantizeRows(B.t().to(device)), quantizeRows(A.to(device))};
    return q.dequantized(dtype);
}

}  // namespace sieve

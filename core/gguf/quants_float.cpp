// Plain float types: F32 (copied), F16 (through a 65536-entry table: one load
// per weight, faster than converting bits when the CPU has no F16C path
// enabled), BF16 (the upper half of a float32).
#include <array>
#include <memory>

#include "core/gguf/quants.h"

namespace sieve::quants {
namespace {

const float* halfTable() {
    static const std::unique_ptr<std::array<float, 65536>> table = [] {
        auto t = std::make_unique<std::array<float, 65536>>();
        for (uint32_t h = 0; h < 65536; ++h) (*t)[h] = halfToFloat(static_cast<uint16_t>(h));
        return t;
    }();
    return table->data();
}

}  // namespace

void dequantizeF32(const uint8_t* src, int64_t count, float* dst) {
    std::memcpy(dst, src, static_cast<size_t>(count) * 4);
}

void dequantizeF16(const uint8_t* src, int64_t count, float* dst) {
    const float* table = halfTable();
    for (int64_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = table[h];
    }
}

void dequantizeBF16(const uint8_t* src, int64_t count, float* dst) {
    for (int64_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(dst + i, &bits, 4);
    }
}

}  // namespace sieve::quants

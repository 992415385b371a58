// Dispatch from a ggml type to its decoder (quants_float.cpp, quants_legacy.cpp,
// quants_k.cpp). One call per run of blocks, never per weight.
#include "core/gguf/dequantize.h"

#include "core/gguf/quants.h"

namespace sieve {
namespace {

using Decoder = void (*)(const uint8_t*, int64_t, float*);

struct Entry {
    GgmlType type;
    Decoder decode;  // takes blocks (one weight per block for the float types)
};

const Entry kDecoders[] = {
    {GgmlType::F32, quants::dequantizeF32},   {GgmlType::F16, quants::dequantizeF16},
    {GgmlType::BF16, quants::dequantizeBF16}, {GgmlType::Q4_0, quants::dequantizeQ4_0},
    {GgmlType::Q4_1, quants::dequantizeQ4_1}, {GgmlType::Q5_0, quants::dequantizeQ5_0},
    {GgmlType::Q5_1, quants::dequantizeQ5_1}, {GgmlType::Q8_0, quants::dequantizeQ8_0},
    {GgmlType::Q2_K, quants::dequantizeQ2_K}, {GgmlType::Q3_K, quants::dequantizeQ3_K},
    {GgmlType::Q4_K, quants::dequantizeQ4_K}, {GgmlType::Q5_K, quants::dequantizeQ5_K},
    {GgmlType::Q6_K, quants::dequantizeQ6_K},
};

const Entry* entryFor(GgmlType type) {
    for (const Entry& e : kDecoders)
        if (e.type == type) return &e;
    return nullptr;
}

GgmlLayout layoutOf(GgmlType type) {
    GgmlLayout layout;
    ggmlLayout(static_cast<uint32_t>(type), &layout);  // every GgmlType value has one
    return layout;
}

}  // namespace

bool canDequantize(GgmlType type) {
    return entryFor(type) != nullptr;
}

std::string dequantizableTypeNames() {
    std::string names;
    for (const Entry& e : kDecoders) names += (names.empty() ? "" : ", ") + ggmlTypeName(e.type);
    return names;
}

uint64_t ggmlBytesFor(GgmlType type, int64_t weights) {
    const GgmlLayout layout = layoutOf(type);
    return static_cast<uint64_t>(weights / layout.blockWeights * layout.blockBytes);
}

void dequantize(GgmlType type, const uint8_t* src, int64_t weights, float* dst) {
    const Entry* e = entryFor(type);
    if (!e || weights <= 0) return;
    e->decode(src, weights / layoutOf(type).blockWeights, dst);
}

}  // namespace sieve

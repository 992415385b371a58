// Block layouts from ggml-common.h (QK_K = 256). They agree with the gguf
// Python package's GGML_QUANT_SIZES except Q8_1, which that package still
// lists with float32 scales (40 bytes); ggml itself stores two float16 (36).
#include "core/gguf/ggml_type.h"

namespace sieve {
namespace {

struct TypeEntry {
    const char* name;
    GgmlLayout layout;  // {0, 0}: no layout (removed from ggml)
};

const TypeEntry kTypes[] = {
    {"F32", {1, 4}},        {"F16", {1, 2}},        {"Q4_0", {32, 18}},     {"Q4_1", {32, 20}},
    {"Q4_2", {0, 0}},       {"Q4_3", {0, 0}},       {"Q5_0", {32, 22}},     {"Q5_1", {32, 24}},
    {"Q8_0", {32, 34}},     {"Q8_1", {32, 36}},     {"Q2_K", {256, 84}},    {"Q3_K", {256, 110}},
    {"Q4_K", {256, 144}},   {"Q5_K", {256, 176}},   {"Q6_K", {256, 210}},   {"Q8_K", {256, 292}},
    {"IQ2_XXS", {256, 66}}, {"IQ2_XS", {256, 74}},  {"IQ3_XXS", {256, 98}}, {"IQ1_S", {256, 50}},
    {"IQ4_NL", {32, 18}},   {"IQ3_S", {256, 110}},  {"IQ2_S", {256, 82}},   {"IQ4_XS", {256, 136}},
    {"I8", {1, 1}},         {"I16", {1, 2}},        {"I32", {1, 4}},        {"I64", {1, 8}},
    {"F64", {1, 8}},        {"IQ1_M", {256, 56}},   {"BF16", {1, 2}},       {"Q4_0_4_4", {0, 0}},
    {"Q4_0_4_8", {0, 0}},   {"Q4_0_8_8", {0, 0}},   {"TQ1_0", {256, 54}},   {"TQ2_0", {256, 66}},
    {"IQ4_NL_4_4", {0, 0}}, {"IQ4_NL_4_8", {0, 0}}, {"IQ4_NL_8_8", {0, 0}}, {"MXFP4", {32, 17}},
    {"NVFP4", {64, 36}},    {"Q1_0", {128, 18}},
};
constexpr uint32_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);

}  // namespace

bool ggmlLayout(uint32_t type, GgmlLayout* layout) {
    if (type >= kTypeCount || kTypes[type].layout.blockWeights == 0) return false;
    *layout = kTypes[type].layout;
    return true;
}

std::string ggmlTypeName(uint32_t type) {
    if (type < kTypeCount) return kTypes[type].name;
    return "type " + std::to_string(type);
}

}  // namespace sieve

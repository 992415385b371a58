#pragma once
// ggml's tensor types: ids as stored in GGUF files, names, and block layouts
// (how many weights a block holds and how many bytes it takes). The one table
// every GGUF reader in the project uses. Torch-free.
#include <cstdint>
#include <string>

namespace sieve {

// The ids of ggml.h's enum ggml_type. Ids ggml removed (4, 5, 31-33, 36-38)
// have no layout any more and are refused by the reader.
enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
    NVFP4 = 40,
    Q1_0 = 41,
};

struct GgmlLayout {
    int64_t blockWeights = 0;  // weights per block (1 for plain number types)
    int64_t blockBytes = 0;    // bytes per block
};

// The layout of a type id; false for ids without one (unknown or removed).
bool ggmlLayout(uint32_t type, GgmlLayout* layout);

// "Q4_K", "F16", ...; "type 123" for ids ggml does not define.
std::string ggmlTypeName(uint32_t type);
inline std::string ggmlTypeName(GgmlType type) {
    return ggmlTypeName(static_cast<uint32_t>(type));
}

}  // namespace sieve

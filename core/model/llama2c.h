#pragma once
// llama2.c checkpoints (Karpathy's run.c, legacy version-0 export) and the
// rotary-layout conversion shared with the GGUF reader.
#include <cstdint>

#include "core/common/torch_compat.h"

namespace sieve {

// The legacy header: 7 little-endian int32. A negative vocab_size means the
// classifier is stored separately (untied) after the freq_cis tables.
struct Llama2cHeader {
    int32_t dim = 0;
    int32_t hiddenDim = 0;
    int32_t layers = 0;
    int32_t heads = 0;
    int32_t kvHeads = 0;
    int32_t vocab = 0;  // absolute value
    int32_t seqLen = 0;
    bool sharedClassifier = true;
};

// Rows of each head go from interleaved rotary pairs (llama2.c, Meta,
// llama.cpp's GGUF) to rotated halves (transformers), exactly like
// transformers' convert_llama_weights_to_hf.py `permute`:
// w.view(heads, rows/heads/2, 2, cols).transpose(1, 2).reshape(rows, cols).
// Works for weights [rows, cols] and biases [rows].
torch::Tensor interleavedToHalves(const torch::Tensor& w, int64_t heads);

}  // namespace sieve

#pragma once
// The pruned model as one GGUF file (llama.cpp's format), its weights dense
// (B A multiplied back) in F16 or Q8_0: what llama.cpp and every GGUF reader
// run. llama.cpp's conventions are followed: its tensor names, q/k rows in
// its rotary order (the permutation convert_hf_to_gguf.py applies; our
// reader undoes it), norms and biases in F32, Q8_0 only for rows that are a
// multiple of 32 (other matrices F16). A GGUF source's tokenizer.* metadata
// is copied; a Hugging Face source's tokenizer.json is not converted (the
// file then carries no tokenizer: ExportReport::notes says so).
#include <string>

#include "core/export/export_report.h"

namespace sieve {

class Model;

enum class GgufWeights { F16, Q8_0 };

// Writes <directory>/model.gguf (the directory new or empty). InputError for
// architectures the GGUF reader here does not read back (Phi-3's fused
// matrices, llama3 rope scaling).
ExportReport exportGguf(const Model& model, const std::string& directory, GgufWeights weights,
                        const std::string& sourcePath);

}  // namespace sieve

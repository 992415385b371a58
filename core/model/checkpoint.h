#pragma once
// Reading a checkpoint into tensors with Hugging Face names and layout,
// whatever the file format. The transformer is built from a Checkpoint.
#include <map>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/model/config.h"

namespace sieve {

struct Checkpoint {
    ModelConfig config;
    std::string format;              // "hf", "gguf", "llama2c"
    std::vector<std::string> files;  // weight files read (for hashing and the session)
    // HF names ("model.layers.0.self_attn.q_proj.weight"), HF layout
    // ([out, in] for linear weights), float32 on the CPU unless asked otherwise.
    // Fused Phi-3 tensors keep their fused names here; the Model splits them.
    std::map<std::string, torch::Tensor> tensors;
};

// Detects the format: a directory with config.json (HF), a .gguf file, or a
// llama2.c .bin checkpoint. Throws FormatError naming the file and the cause.
Checkpoint readCheckpoint(const std::string& path);

Checkpoint readHfCheckpoint(const std::string& dir);        // config.json + (sharded) safetensors
Checkpoint readGgufCheckpoint(const std::string& file);     // GGUF v2/v3: F32, F16, BF16, Q8_0
Checkpoint readLlama2cCheckpoint(const std::string& file);  // legacy llama2.c header (version 0)

// Writes tensors as one safetensors file (row-major, little-endian), with an
// optional __metadata__ map. Used by demo-model training and export.
void writeSafetensors(const std::string& file, const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace sieve

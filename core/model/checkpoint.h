#pragma once
// Reading a checkpoint into tensors with Hugging Face names and layout,
// whatever the file format. The transformer is built from a Checkpoint.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/model/config.h"

namespace sieve {

// A tensor not read yet: its shape, and how to read it straight into the
// dtype and device the model computes in. Quantized GGUF files are read this
// way, one tensor at a time, so that no float32 copy of the whole model ever
// exists (an 8B Q4_K_M file would need 32 GB for one).
struct DeferredTensor {
    std::vector<int64_t> shape;
    std::function<torch::Tensor(torch::ScalarType dtype, torch::Device device)> read;
};

struct Checkpoint {
    ModelConfig config;
    std::string format;              // "hf", "gguf", "llama2c"
    std::vector<std::string> files;  // weight files read (for hashing and the session)
    // HF names ("model.layers.0.self_attn.q_proj.weight"), HF layout
    // ([out, in] for linear weights), float32 on the CPU unless asked otherwise.
    // Fused Phi-3 tensors keep their fused names here; the Model splits them.
    std::map<std::string, torch::Tensor> tensors;
    // Tensors with the same names and layout that the reader left in the file
    // (GGUF); Model::fromCheckpoint reads each when it builds that weight.
    std::map<std::string, DeferredTensor> deferred;

    // Reads every deferred tensor into `tensors` as float32 on the CPU (for
    // tools and tests that want plain tensors; the Model does not need it).
    void readDeferred();
};

// Detects the format: a directory with config.json (HF), a .gguf file, or a
// llama2.c .bin checkpoint. Throws FormatError naming the file and the cause.
Checkpoint readCheckpoint(const std::string& path);
// The config alone, without reading any weight: a Hugging Face directory (its
// config.json; weights need not be there), a config.json file, or a GGUF
// header. What the memory planner needs before a model is loaded.
ModelConfig readCheckpointConfig(const std::string& path);

Checkpoint readHfCheckpoint(const std::string& dir);  // config.json + (sharded) safetensors
// GGUF v2/v3, architectures llama and qwen2: the config and rope_freqs are
// read now, every other tensor is deferred (F32, F16, BF16, Q4_0, Q4_1, Q5_0,
// Q5_1, Q8_0, Q2_K-Q6_K; other types are refused here, naming the tensor).
Checkpoint readGgufCheckpoint(const std::string& file);
Checkpoint readLlama2cCheckpoint(const std::string& file);  // legacy llama2.c header (version 0)

// Writes tensors as one safetensors file (row-major, little-endian), with an
// optional __metadata__ map. Used by demo-model training and export.
void writeSafetensors(const std::string& file, const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace sieve

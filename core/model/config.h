#pragma once
// Architecture hyper-parameters of a Llama-family model, read from a
// Hugging Face config.json, a GGUF header or a llama2.c header. Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sieve {

struct RopeScaling {
    std::string type;  // "" (none), "llama3", "linear"; others are refused with a clear error
    double factor = 1.0;
    double lowFreqFactor = 1.0;           // llama3
    double highFreqFactor = 4.0;          // llama3
    int64_t originalMaxPositions = 8192;  // llama3
};

struct ModelConfig {
    std::string modelType;  // "llama", "mistral", "qwen2", "phi3"
    int64_t hidden = 0;
    int64_t intermediate = 0;
    int layers = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0;  // hidden / heads unless the config says otherwise
    int64_t vocab = 0;
    int64_t maxPositions = 2048;
    double rmsEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    bool tieEmbeddings = false;
    bool attentionBias = false;            // q/k/v biases (Qwen2)
    bool fusedQkv = false;                 // Phi-3 checkpoints store qkv_proj and gate_up_proj fused
    std::optional<int64_t> slidingWindow;  // Mistral, Phi-3: applied by the attention mask (model.cpp)
    std::vector<int64_t> bosTokenIds;
    std::vector<int64_t> eosTokenIds;
    std::optional<int64_t> padTokenId;
    std::string torchDtype;  // as stored ("bfloat16", ...), informative

    // Parses config.json; `file` is named in every error (missing key, wrong
    // type, unknown model_type, unsupported rope_scaling).
    static ModelConfig fromHfJson(const nlohmann::json& j, const std::string& file);
    static ModelConfig fromHfFile(const std::string& path);
    // The config.json transformers would need to load this model (llama, mistral, qwen2, phi3).
    nlohmann::json toHfJson() const;
};

// Refuses a config no transformer can be built from, naming `file` and the
// key: sizes outside plausible bounds (a huge head_dim would otherwise end in
// a libtorch allocation failure), heads that do not divide, a non-positive
// rope factor, rms_norm_eps or sliding window. Every reader's config passes
// it (fromHfJson, and Model for GGUF and llama2.c headers).
void checkModelConfig(const ModelConfig& config, const std::string& file);

}  // namespace sieve

#include "core/demo/random_llama.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/checkpoint.h"

namespace sieve::demo {

ModelConfig randomLlamaConfig(int64_t hidden, int64_t intermediate, int layers, int64_t heads,
                              int64_t kvHeads, int64_t vocab) {
    ModelConfig c;
    c.modelType = "llama";
    c.hidden = hidden;
    c.intermediate = intermediate;
    c.layers = layers;
    c.heads = heads;
    c.kvHeads = kvHeads;
    c.vocab = vocab;
    c.headDim = heads > 0 ? hidden / heads : 0;  // writeRandomLlama refuses heads <= 0
    c.maxPositions = 4096;
    c.rmsEps = 1e-5;
    c.bosTokenIds = {1};
    c.eosTokenIds = {2};
    c.padTokenId = 0;
    c.torchDtype = "bfloat16";
    return c;
}

RandomLlamaTask writeRandomLlama(const std::filesystem::path& dir, const ModelConfig& c,
                                 const std::filesystem::path& tokenizer, int64_t calibrationTokens,
                                 const std::string& device) {
    namespace fs = std::filesystem;
    if (c.hidden <= 0 || c.intermediate <= 0 || c.layers <= 0 || c.heads <= 0 || c.kvHeads <= 0 ||
        c.vocab <= 0 || c.hidden % c.heads != 0 || c.heads % c.kvHeads != 0 || calibrationTokens <= 0)
        throw InputError("random Llama: hidden " + std::to_string(c.hidden) + ", intermediate " +
                         std::to_string(c.intermediate) + ", layers " + std::to_string(c.layers) +
                         ", heads " + std::to_string(c.heads) + ", kv heads " + std::to_string(c.kvHeads) +
                         ", vocab " + std::to_string(c.vocab) + ", tokens " +
                         std::to_string(calibrationTokens) +
                         ": every size must be positive, heads must divide hidden and kv heads divide heads");
    fs::create_directories(dir);
    std::ofstream(dir / "config.json") << c.toHfJson().dump(2) << "\n";
    fs::copy_file(tokenizer, dir / "tokenizer.json", fs::copy_options::overwrite_existing);

    // The model must score well above 0 on its task, or a run refuses it
    // (a0 = 0). The lm_head equals the embeddings, which are N(0, 1), and the
    // matrices that write into the residual stream (o_proj, down_proj) are
    // N(0, 0.02 / layers): the stream stays near the input token's embedding,
    // so the model predicts "the same letter again", which runs of equal
    // letters reward. With transformers' N(0, 0.02) everywhere the blocks'
    // outputs (~1 per dimension at hidden 4096) drowned the embedding (0.02)
    // and a0 was 0 (seen in the GPU check's CPU run, 2026-12-04).
    torch::manual_seed(1234);
    std::map<std::string, torch::Tensor> tensors;
    const auto options = torch::TensorOptions().dtype(torch::kBFloat16).device(torch::Device(device));
    auto randomMatrix = [&](int64_t rows, int64_t cols, double stddev) {
        return torch::randn({rows, cols}, options).mul_(stddev).to(torch::kCPU);
    };
    const double readStd = 0.02, writeStd = 0.02 / c.layers;
    tensors["model.embed_tokens.weight"] = randomMatrix(c.vocab, c.hidden, 1.0);
    tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"].clone();
    tensors["model.norm.weight"] = torch::ones({c.hidden}, torch::kBFloat16);
    const int64_t q = c.heads * c.headDim, kv = c.kvHeads * c.headDim;
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        tensors[p + "input_layernorm.weight"] = torch::ones({c.hidden}, torch::kBFloat16);
        tensors[p + "post_attention_layernorm.weight"] = torch::ones({c.hidden}, torch::kBFloat16);
        tensors[p + "self_attn.q_proj.weight"] = randomMatrix(q, c.hidden, readStd);
        tensors[p + "self_attn.k_proj.weight"] = randomMatrix(kv, c.hidden, readStd);
        tensors[p + "self_attn.v_proj.weight"] = randomMatrix(kv, c.hidden, readStd);
        tensors[p + "self_attn.o_proj.weight"] = randomMatrix(c.hidden, q, writeStd);
        tensors[p + "mlp.gate_proj.weight"] = randomMatrix(c.intermediate, c.hidden, readStd);
        tensors[p + "mlp.up_proj.weight"] = randomMatrix(c.intermediate, c.hidden, readStd);
        tensors[p + "mlp.down_proj.weight"] = randomMatrix(c.hidden, c.intermediate, writeStd);
    }
    writeSafetensors((dir / "model.safetensors").string(), tensors);

    RandomLlamaTask task;
    task.characters = 512;
    task.texts =
        std::max<int64_t>(12, (calibrationTokens + task.characters - 1) / task.characters * 10 / 9 + 1);
    std::ofstream out(dir / "task.jsonl");
    out << R"({"task": {"name": "random-text", "kind": "perplexity", "metric": "next_token_accuracy", )"
        << R"("split": {"seed": 7, "calibration_fraction": 0.9}}})"
        << "\n";
    std::mt19937_64 rng(7);
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyz";
    for (int64_t t = 0; t < task.texts; ++t) {
        std::string text;
        while (int64_t(text.size()) < task.characters) {  // runs of 4-11 equal letters
            // Two statements: the order of two rng() calls in one call's
            // arguments is unspecified, and the texts must not depend on the compiler.
            const size_t length = 4 + rng() % 8;
            text += std::string(length, alphabet[rng() % alphabet.size()]);
        }
        text.resize(size_t(task.characters));
        out << nlohmann::json{{"text", text}}.dump() << "\n";
    }
    return task;
}

}  // namespace sieve::demo

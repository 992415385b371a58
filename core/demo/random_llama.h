#pragma once
// A random Llama of any shape, as a Hugging Face folder with a task it scores
// well above 0 on: what the GPU check (scripts/gpu-check.sh) and bench_scale
// run at Llama-3.1-8B's shape, whose weights no machine here can download.
// Pruning hardly moves its accuracy: it checks the pipeline's time and memory
// at scale, not what pruning costs a real model.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/model/config.h"

namespace sieve::demo {

// A Llama config of the given shape (head_dim = hidden / heads), bfloat16,
// BOS 1, EOS 2, PAD 0, rope as the defaults.
ModelConfig randomLlamaConfig(int64_t hidden, int64_t intermediate, int layers, int64_t heads,
                              int64_t kvHeads, int64_t vocab);

struct RandomLlamaTask {
    int64_t texts = 0;       // lines of task.jsonl
    int64_t characters = 0;  // per text
};

// Writes into `dir`: config.json, model.safetensors (bfloat16, drawn on
// `device`, e.g. "cuda:0": a CPU generator takes minutes for 8 B values), tokenizer.json
// (copied from `tokenizer`, which must be character-level with every
// lower-case letter, like resources/demo's) and task.jsonl: texts of runs of
// equal letters, 90 % of them calibration (about `calibrationTokens`
// tokens), the rest scored by next-token accuracy.
RandomLlamaTask writeRandomLlama(const std::filesystem::path& dir, const ModelConfig& config,
                                 const std::filesystem::path& tokenizer, int64_t calibrationTokens,
                                 const std::string& device);

}  // namespace sieve::demo

#pragma once
// What the export tests share: a model's logits on one prompt, and the
// logits transformers recorded for it in a fixture (scripts/fixtures/export.py).
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/model.h"

namespace sieve::test {

inline std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Logits [tokens, vocab] of `ids` as one sequence, on the CPU.
inline torch::Tensor logitsOf(const Model& model, const std::vector<int64_t>& ids) {
    torch::NoGradGuard noGrad;
    return model.forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0].to(torch::kCPU);
}

// A fixture prompt's "logits" rows as a float32 tensor.
inline torch::Tensor fixtureLogits(const nlohmann::json& prompt) {
    const auto rows = prompt["logits"].get<std::vector<std::vector<float>>>();
    torch::Tensor t = torch::empty({int64_t(rows.size()), int64_t(rows.front().size())});
    for (size_t r = 0; r < rows.size(); ++r) t[int64_t(r)].copy_(torch::tensor(rows[r], torch::kFloat32));
    return t;
}

}  // namespace sieve::test

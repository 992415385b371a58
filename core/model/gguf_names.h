#pragma once
// llama.cpp's tensor names and transformers', one table for both directions:
// the GGUF reader maps a file's names to ours, the GGUF export ours to the
// file's ("blk.3.attn_q.weight" <-> "model.layers.3.self_attn.q_proj.weight").
#include <string>

namespace sieve {

// Empty when the name is none of a llama/qwen2 model's tensors.
std::string hfNameOfGguf(const std::string& gguf);
std::string ggufNameOfHf(const std::string& hf);

}  // namespace sieve

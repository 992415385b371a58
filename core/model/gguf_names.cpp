#include "core/model/gguf_names.h"

#include <regex>
#include <utility>

namespace sieve {

namespace {

// (llama.cpp, transformers) for the tensors outside the layers, and for the
// modules of one layer.
const std::pair<const char*, const char*> kGlobal[] = {
    {"token_embd.weight", "model.embed_tokens.weight"},
    {"output_norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};
const std::pair<const char*, const char*> kPerLayer[] = {
    {"attn_norm", "input_layernorm"}, {"ffn_norm", "post_attention_layernorm"},
    {"attn_q", "self_attn.q_proj"},   {"attn_k", "self_attn.k_proj"},
    {"attn_v", "self_attn.v_proj"},   {"attn_output", "self_attn.o_proj"},
    {"ffn_gate", "mlp.gate_proj"},    {"ffn_up", "mlp.up_proj"},
    {"ffn_down", "mlp.down_proj"},
};

}  // namespace

std::string hfNameOfGguf(const std::string& gguf) {
    for (const auto& [file, ours] : kGlobal)
        if (gguf == file) return ours;
    static const std::regex layer(R"(blk\.(\d+)\.([a-z_]+)\.(weight|bias))");
    std::smatch m;
    if (std::regex_match(gguf, m, layer))
        for (const auto& [file, ours] : kPerLayer)
            if (m[2].str() == file) return "model.layers." + m[1].str() + "." + ours + "." + m[3].str();
    return {};
}

std::string ggufNameOfHf(const std::string& hf) {
    for (const auto& [file, ours] : kGlobal)
        if (hf == ours) return file;
    static const std::regex layer(R"(model\.layers\.(\d+)\.(.+)\.(weight|bias))");
    std::smatch m;
    if (std::regex_match(hf, m, layer))
        for (const auto& [file, ours] : kPerLayer)
            if (m[2].str() == ours) return "blk." + m[1].str() + "." + file + "." + m[3].str();
    return {};
}

}  // namespace sieve

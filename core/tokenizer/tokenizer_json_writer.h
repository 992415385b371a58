#pragma once
// A GGUF file's vocabulary written as Hugging Face files (tokenizer.json and
// tokenizer_config.json), so that a model exported from a GGUF source loads in
// transformers with its tokenizer, as one exported from a Hugging Face
// directory does. The pipeline written is the one loadGgufTokenizer builds
// (gguf_vocab.cpp), spelled in tokenizer.json's terms:
//   gpt2:  Split(regex, Isolated) per tokenizer.ggml.pre pattern, then
//          ByteLevel without its own regex; BPE with the file's merges.
//   llama: Prepend("▁") + Replace(" " -> "▁") normalizer; BPE with byte
//          fallback, its merges derived from the scores as scoreMerges does.
// Control, unknown and user-defined tokens become added tokens; BOS/EOS that
// the file adds come back as a TemplateProcessing post-processor.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sieve::tok {

struct HfTokenizerFiles {
    nlohmann::json tokenizer;        // tokenizer.json
    nlohmann::json tokenizerConfig;  // tokenizer_config.json
    std::vector<std::string> notes;  // where the written files may encode differently
};

// FormatError (naming the file and key) when the GGUF holds no vocabulary we read.
HfTokenizerFiles hfTokenizerFromGguf(const std::string& ggufPath);

}  // namespace sieve::tok

#pragma once
// The pre-tokenizers llama.cpp names in a GGUF's tokenizer.ggml.pre (byte-level
// BPE vocabularies, tokenizer.ggml.model "gpt2"): each name's split regexes,
// applied one after the other (every match and every gap a piece), and the
// flags llama.cpp sets with it.
#include <optional>
#include <string>
#include <vector>

namespace sieve::tok {

struct GgufPreTokenizer {
    std::vector<std::string> regexes;
    bool ignoreMerges = false;  // a word that is a whole vocabulary entry is one token
    bool addBos = false;        // default of tokenizer.ggml.add_bos_token
    bool noBos = false;         // llama.cpp drops the BOS token id (chatglm-bpe)
};

// nullopt for a name llama.cpp does not know (or we have not taken over).
std::optional<GgufPreTokenizer> ggufPreTokenizer(const std::string& name);

// Every name ggufPreTokenizer knows, for messages and tests.
std::vector<std::string> ggufPreTokenizerNames();

}  // namespace sieve::tok

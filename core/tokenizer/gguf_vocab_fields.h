#pragma once
// The tokenizer.ggml.* fields of a GGUF file, read and checked once, for the
// two things done with them: building our tokenizer (gguf_vocab.cpp) and
// writing it back out as Hugging Face's tokenizer.json (tokenizer_json_writer).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/gguf_pre_tokenizers.h"

namespace sieve::tok {

struct GgufVocabFields {
    // llama.cpp's token types (tokenizer.ggml.token_type).
    enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

    std::string path;
    std::string model;    // "llama" (SentencePiece, merged by score) or "gpt2" (byte-level BPE)
    std::string preName;  // tokenizer.ggml.pre ("default" when absent)
    std::optional<GgufPreTokenizer> pre;  // gpt2 only
    std::vector<std::string> tokens;
    std::vector<int> types;           // one per token (Normal when the file has none)
    std::vector<float> scores;        // llama: one per token
    std::vector<std::string> merges;  // gpt2: "left right", rank order
    std::optional<int64_t> bos, eos, unk, pad;
    bool addBos = false, addEos = false;
    bool addSpacePrefix = true;  // llama: a "▁" before the text
    std::optional<std::string> chatTemplate;

    bool isSentencePiece() const { return model == "llama"; }

    // FormatError naming the file and the key for anything missing,
    // unsupported or inconsistent.
    static GgufVocabFields read(const std::string& path);
};

// A SentencePiece byte token "<0xXX>" -> XX; nullopt for any other token.
std::optional<int> byteFallbackPiece(const std::string& token);

}  // namespace sieve::tok

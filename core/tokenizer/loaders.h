#pragma once
// One loader per file format; Tokenizer::load (tokenizer.cpp) picks by content.
#include <memory>
#include <string>

#include "core/tokenizer/tokenizer.h"

namespace sieve::tok {

// Hugging Face tokenizer.json (BPE, Unigram or WordPiece model; the components
// tokenizer.h lists).
// bos/eos come from a tokenizer_config.json beside it when there is one.
std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string& path);

// llama2.c tokenizer.bin: int32 max_token_length, then per token float32
// score, int32 length, bytes. Encodes and decodes as llama2.c's run.c.
std::unique_ptr<Tokenizer> loadLlama2cTokenizer(const std::string& path);

// The vocabulary embedded in a GGUF file (tokenizer.ggml.*): model "llama"
// (SentencePiece, merged by score) or "gpt2" (byte-level BPE with merges).
std::unique_ptr<Tokenizer> loadGgufTokenizer(const std::string& path);

}  // namespace sieve::tok

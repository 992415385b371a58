#pragma once
// Text <-> token ids, identical to the model's own tokenizer. Torch-free.
//
// Supported (anything else is a FormatError naming the component):
//  - tokenizer.json, model BPE: byte-level (GPT-2 / Llama-3 / Qwen2-3: Split
//    regex + ByteLevel pre-tokenizer, NFC normalizer) or SentencePiece style
//    (Llama-2 / Mistral / Phi-3: Prepend + Replace normalizers or a Metaspace
//    pre-tokenizer, byte fallback); added tokens (special or not, lstrip /
//    rstrip); TemplateProcessing / ByteLevel post-processors; Replace,
//    ByteFallback, Fuse, Strip, ByteLevel, Metaspace decoders.
//  - llama2.c tokenizer.bin (encodes and decodes as run.c).
//  - GGUF vocabularies: tokenizer.ggml.model "llama" (SentencePiece, merged by
//    score) and "gpt2" (byte-level BPE; pre-tokenizers default, llama-bpe, qwen2).
// Ids match Hugging Face `tokenizers` exactly (tests/tokenizer compares them
// on a multilingual text set and random strings). Known limit: PCRE2 10.42
// knows Unicode 14, HF's regex engine a newer Unicode, so letters and digits
// assigned since Unicode 14 may pre-tokenize differently.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sieve {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // tokenizer.json (HF), a llama2.c tokenizer .bin, or a .gguf's embedded
    // vocabulary, chosen by content. A model directory finds its tokenizer.json
    // (or a llama2.c tokenizer.bin).
    // Throws FormatError naming the file and the cause (e.g. "model type
    // WordPiece is not supported").
    static std::unique_ptr<Tokenizer> load(const std::string& path);

    // addSpecial: prepend BOS / apply the post-processor as HF's
    // `add_special_tokens=True` does. Special-token text in `text` (e.g.
    // "<|begin_of_text|>") becomes that token, as in HF. `text` must be UTF-8:
    // invalid UTF-8 throws InputError naming the byte offset (HF cannot take it
    // either). Thread-safe: encode/decode may run concurrently on one instance.
    virtual std::vector<int64_t> encode(const std::string& text, bool addSpecial = true) const = 0;
    // skipSpecial: drop special tokens, as HF's `skip_special_tokens=True`.
    // Partial UTF-8 (a sequence cut inside a character) becomes U+FFFD as in HF.
    // An id outside [0, vocabSize()) throws InputError.
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = true) const = 0;

    // Including added tokens (HF's get_vocab_size(with_added_tokens=True)).
    virtual int64_t vocabSize() const = 0;
    virtual std::optional<int64_t> bosId() const = 0;
    virtual std::optional<int64_t> eosId() const = 0;
    // The id of an exact vocabulary entry (or added token), if present, spelled
    // as in the file ("Ġworld", "▁Hello", "<|begin_of_text|>").
    virtual std::optional<int64_t> tokenId(const std::string& piece) const = 0;
};

}  // namespace sieve

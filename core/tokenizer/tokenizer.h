#pragma once
// Text <-> token ids, identical to the model's own tokenizer. Torch-free.
//
// Supported (anything else is a FormatError naming the file and the component):
//  - tokenizer.json (Hugging Face `tokenizers`):
//      models      BPE (byte-level or characters; byte_fallback, unk/fuse_unk,
//                  ignore_merges, continuing_subword_prefix, end_of_word_suffix,
//                  dropout null/0), Unigram (Viterbi, byte_fallback, unk),
//                  WordPiece (greedy longest match, max_input_chars_per_word, unk)
//      normalizers Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents,
//                  Replace (string or regex), Prepend, BertNormalizer
//      pre-tokenizers Sequence, Split (string or regex, every behavior, invert),
//                  Digits, ByteLevel (add_prefix_space, use_regex), Metaspace
//                  (prepend_scheme always/first/never, split), Whitespace,
//                  WhitespaceSplit, Punctuation, UnicodeScripts,
//                  CharDelimiterSplit, BertPreTokenizer
//      post-processors TemplateProcessing, BertProcessing, RobertaProcessing,
//                  ByteLevel, Sequence
//      decoders    Sequence, ByteLevel, ByteFallback, Fuse, Strip, Replace,
//                  Metaspace, WordPiece, BPEDecoder, CTC (none: tokens joined by spaces)
//      added tokens special or not, lstrip/rstrip, normalized (matched in the
//                  normalized text)
//  - llama2.c tokenizer.bin (encodes and decodes as run.c).
//  - GGUF vocabularies: tokenizer.ggml.model "llama" (SentencePiece, merged by
//    score) and "gpt2" (byte-level BPE) with the pre-tokenizers llama.cpp names
//    in tokenizer.ggml.pre (gguf_pre_tokenizers.cpp lists them).
// Ids match Hugging Face `tokenizers` exactly (tests/tokenizer compares them
// for every component and option on a multilingual text set and random
// strings). Known limit: PCRE2 10.42 and utf8proc know Unicode 14/15, HF's
// tables other versions (older ones for punctuation, scripts and BERT's
// control characters), so characters assigned in between may pre-tokenize or
// normalize differently.
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
    // Throws FormatError naming the file and the cause (e.g. "pre_tokenizer
    // type FixedLength is not supported").
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

    // What was read, as "label: value" lines for people (`sieve info`):
    // format, model, normalizer, pre-tokenizer, post-processor, decoder,
    // vocabulary (tokens, added, special), bos, eos; components named and
    // spelled as tokenizer.json does, e.g.
    //   "pre-tokenizer: Sequence[Digits(individual_digits=true), ByteLevel(add_prefix_space=false,
    //   use_regex=true)]".
    virtual std::vector<std::string> describe() const = 0;
};

}  // namespace sieve

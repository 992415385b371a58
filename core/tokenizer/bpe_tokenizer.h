#pragma once
// The one encoding pipeline every supported format is turned into:
// added-token split -> normalizer -> pre-tokenizer -> BPE model -> template,
// and on the way back token strings -> decoder steps. tokenizer.json, GGUF and
// llama2.c files each describe their tokenizer as a PipelineSpec (hf_json.cpp,
// gguf_vocab.cpp, llama2c_vocab.cpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/added_tokens.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/tokenizer.h"

namespace sieve::tok {

struct NormalizerStep {
    enum class Kind { Nfc, Prepend, Replace };
    Kind kind = Kind::Nfc;
    std::string text;  // Prepend: the prefix; Replace: the pattern
    std::string with;  // Replace: the replacement
};

struct DecoderStep {
    enum class Kind {
        Replace,       // each token: text -> with
        ByteFallback,  // runs of <0xXX> tokens -> their bytes (U+FFFD per byte if not UTF-8)
        Fuse,          // all tokens -> one
        Strip,         // each token: drop up to `start` leading / `stop` trailing `text` chars
        ByteLevel,     // byte-level characters -> bytes, lossy UTF-8
        Llama2c,       // llama2.c run.c: drop the leading space after BOS / at the start
        Metaspace,     // `text` -> " ", except in the first token when start != 0 (dropped)
    };
    Kind kind = Kind::Fuse;
    std::string text, with;
    int start = 0, stop = 0;
};

struct PipelineSpec {
    std::string source;               // the file, for messages
    std::vector<std::string> tokens;  // id -> token string as the decoder sees it
    std::vector<AddedToken> added;
    std::vector<NormalizerStep> normalizer;
    std::vector<std::string> splitPatterns;  // Split pre-tokenizers, in order
    bool byteLevel = false;                  // ByteLevel pre-tokenizer: the model sees raw bytes
    // Metaspace pre-tokenizer (newer SentencePiece-style files: Mistral v0.3,
    // Llama-2 converted with legacy=false): spaces -> replacement, which is also
    // prepended to a piece not starting with it (always, or only to the piece at
    // the very start of the input: "first"); split: cut before each replacement.
    struct Metaspace {
        enum class Prepend { Always, First, Never };
        bool enabled = false;
        std::string replacement;
        Prepend prepend = Prepend::Always;
        bool split = true;
    } metaspace;
    // SentencePiece-style input without pre-tokenizer: cutting the text before
    // every run of this marker ("▁") lets words be cached. Only done when no
    // vocabulary piece contains the marker after another character, so that no
    // merge can cross such a cut and the ids are unchanged.
    std::string wordMarker;
    std::vector<int32_t> prefixIds, suffixIds;  // the post-processor for addSpecial
    std::vector<DecoderStep> decoder;
    std::optional<int64_t> bos, eos;
};

class BpeTokenizer : public Tokenizer {
public:
    BpeTokenizer(PipelineSpec spec, BpeModel model);

    std::vector<int64_t> encode(const std::string& text, bool addSpecial = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = true) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(spec_.tokens.size()); }
    std::optional<int64_t> bosId() const override { return spec_.bos; }
    std::optional<int64_t> eosId() const override { return spec_.eos; }
    std::optional<int64_t> tokenId(const std::string& piece) const override;

    // Whether the word-marker cut is in use (see PipelineSpec::wordMarker).
    bool cutsAtWordMarker() const { return cutAtMarker_; }

private:
    std::string normalize(std::string_view text) const;
    void applyMetaspace(std::string& text, bool atInputStart) const;
    void preTokenize(std::string_view text, std::vector<Span>& spans) const;
    std::string decodeLlama2c(const std::vector<int64_t>& ids, bool skipSpecial) const;

    PipelineSpec spec_;
    BpeModel model_;
    AddedTokenMatcher matcher_;
    std::vector<RegexSplitter> splitters_;
    std::vector<int8_t> isSpecial_;  // id -> special added token
    PieceIndex tokenToId_;           // over spec_.tokens
    bool cutAtMarker_ = false;
    uint64_t instance_ = 0;  // identifies this tokenizer's word cache
};

}  // namespace sieve::tok

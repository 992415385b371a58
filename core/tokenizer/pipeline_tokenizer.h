#pragma once
// The one encoding pipeline every supported format is turned into, as Hugging
// Face `tokenizers` runs it: added tokens cut out of the input -> normalizer
// -> added tokens matched on normalized text -> pre-tokenizer -> model ->
// post-processor; and back: ids -> token strings -> decoder. tokenizer.json,
// GGUF and llama2.c files each describe their tokenizer as a PipelineSpec
// (hf_json.cpp, gguf_vocab.cpp, llama2c_vocab.cpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/added_tokens.h"
#include "core/tokenizer/decoders.h"
#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/normalizers.h"
#include "core/tokenizer/post_processors.h"
#include "core/tokenizer/pre_tokenizers.h"
#include "core/tokenizer/token_model.h"
#include "core/tokenizer/tokenizer.h"

namespace sieve::tok {

struct PipelineSpec {
    std::string source;               // the file, for messages
    std::string format;               // what kind of file it was, for describe()
    std::vector<std::string> tokens;  // id -> token string as the decoder sees it
    std::vector<AddedToken> added;
    Normalizer normalizer;
    PreTokenizer preTokenizer;  // finish() already called
    // SentencePiece-style input (no pre-tokenizer, or a Metaspace that does not
    // split): cutting the pieces before every run of this marker ("▁") lets
    // words be cached. Used only when the model says no merge can cross such a
    // cut (TokenModel::safeToCutBefore), so the ids stay the same.
    std::string wordMarker;
    PostProcessor postProcessor;
    Decoder decoder;
    bool llama2cDecode = false;  // decode as llama2.c's run.c (needs to see BOS), not with `decoder`
    std::optional<int64_t> bos, eos;
};

class PipelineTokenizer : public Tokenizer {
public:
    PipelineTokenizer(PipelineSpec spec, std::unique_ptr<TokenModel> model);

    std::vector<int64_t> encode(const std::string& text, bool addSpecial = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = true) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(spec_.tokens.size()); }
    std::optional<int64_t> bosId() const override { return spec_.bos; }
    std::optional<int64_t> eosId() const override { return spec_.eos; }
    std::optional<int64_t> tokenId(const std::string& piece) const override;
    std::vector<std::string> describe() const override;

    // Whether the word-marker cut is in use (see PipelineSpec::wordMarker).
    bool cutsAtWordMarker() const { return cutAtMarker_; }

private:
    void encodeSegment(std::string_view text, bool atInputStart, std::vector<int32_t>& ids) const;
    void encodePieces(std::string text, bool atInputStart, std::vector<int32_t>& ids) const;
    void cutAtMarker(Pieces& pieces) const;
    std::string decodeLlama2c(const std::vector<int64_t>& ids, bool skipSpecial) const;

    PipelineSpec spec_;
    std::unique_ptr<TokenModel> model_;
    AddedTokenMatcher inputMatcher_;       // added tokens matched in the input
    AddedTokenMatcher normalizedMatcher_;  // ... and in the normalized text
    std::vector<int8_t> isSpecial_;        // id -> special added token
    PieceIndex tokenToId_;                 // over spec_.tokens
    bool cutAtMarker_ = false;
    uint64_t instance_ = 0;  // identifies this tokenizer's word cache
};

}  // namespace sieve::tok

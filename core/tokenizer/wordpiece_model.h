#pragma once
// The WordPiece model (BERT's, as Hugging Face `tokenizers`
// models/wordpiece/mod.rs runs it): greedy longest match from the left, every
// piece after the first looked up with the continuing-subword prefix ("##").
// A word longer than max_input_chars_per_word characters, or one with a part
// no piece matches, becomes the single unk token.
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/token_model.h"

namespace sieve::tok {

class WordPieceModel : public TokenModel {
public:
    WordPieceModel(std::vector<std::string> pieces, std::optional<int32_t> unkId, std::string unkToken,
                   std::string prefix, size_t maxInputChars, std::string source);

    // Throws InputError when the word needs unk and the vocabulary has none (as HF).
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const override;
    std::string describe() const override;

private:
    std::vector<std::string> pieces_;
    PieceIndex pieceToId_;
    std::optional<int32_t> unkId_;
    std::string unkToken_, prefix_;
    size_t maxInputChars_;
    std::string source_;
};

}  // namespace sieve::tok

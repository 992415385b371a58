#pragma once
// The model of a tokenizer: one pre-tokenized piece -> token ids. BPE
// (bpe_model.h), Unigram (unigram_model.h) and WordPiece (wordpiece_model.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tok {

class TokenModel {
public:
    virtual ~TokenModel() = default;
    // Appends the ids of one piece (never empty). Thread-safe.
    virtual void encodeWord(std::string_view word, std::vector<int32_t>& out) const = 0;
    // The model as tokenizer.json names it, with what matters about it.
    virtual std::string describe() const = 0;
    // Whether cutting the text before every run of `marker` can never change
    // the ids (no piece holds the marker after something else): lets
    // SentencePiece-style text without pre-tokenizer be encoded word by word.
    virtual bool safeToCutBefore(const std::string& marker) const {
        (void)marker;
        return false;
    }
};

}  // namespace sieve::tok

#pragma once
// The Unigram model (SentencePiece's, as Hugging Face `tokenizers`
// models/unigram/model.rs runs it): the segmentation of a piece whose pieces'
// scores sum highest (Viterbi over the byte positions, every vocabulary piece
// that starts at a position taken from a trie). A character no piece starts
// with becomes an unknown scored min_score - 10; runs of unknowns fuse into
// one, which becomes its <0xXX> byte tokens (byte_fallback) or unk.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/token_model.h"

namespace sieve::tok {

class UnigramModel : public TokenModel {
public:
    // `pieces[id]` with `scores[id]`; `source` names the file in errors.
    UnigramModel(std::vector<std::string> pieces, std::vector<double> scores, std::optional<int32_t> unkId,
                 bool byteFallback, std::string source);

    // Throws InputError when a character is unknown and there is no unk (as HF).
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const override;
    std::string describe() const override;

private:
    struct TrieNode {
        std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
        int32_t piece = -1;                                       // the id whose piece ends here
    };
    int32_t child(int32_t node, unsigned char byte) const;
    // The id of an exact piece (of duplicates the last, as HF's HashMap keeps), or -1.
    int32_t idOf(std::string_view piece) const;

    std::vector<std::string> pieces_;
    std::vector<double> scores_;
    std::vector<TrieNode> trie_;          // over the pieces' bytes; node 0 is the root
    std::array<int32_t, 256> byteIds_{};  // "<0xXX>" pieces, -1 where missing
    std::optional<int32_t> unkId_;
    bool byteFallback_;
    double minScore_ = 0;
    std::string source_;
};

}  // namespace sieve::tok

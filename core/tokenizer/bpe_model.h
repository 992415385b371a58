#pragma once
// The BPE model: a word's initial symbols (its bytes or its characters) merged
// pair by pair, lowest rank first and leftmost on ties, exactly as Hugging Face
// `tokenizers` (models/bpe/word.rs) does. A priority queue over a linked list of
// symbols keeps one word's merging O(n log n). The same engine runs
// SentencePiece/llama2.c "merge the highest-scoring pair" vocabularies: their
// pair table is derived from the pieces and ranked by score (see scoreMerges).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/token_model.h"

namespace sieve::tok {

class BpeModel : public TokenModel {
public:
    enum class Alphabet {
        Bytes,  // byte-level: one initial symbol per byte (GPT-2 / Llama-3 / Qwen)
        Chars,  // one initial symbol per UTF-8 character (SentencePiece style)
    };
    struct Options {
        Alphabet alphabet = Alphabet::Chars;
        // Characters missing from the vocabulary become these byte tokens
        // (`<0xXX>` in HF/SentencePiece, id byte+3 in llama2.c); -1 = none.
        std::array<int32_t, 256> byteFallback{};
        bool hasByteFallback = false;
        std::optional<int32_t> unkId;  // missing characters without byte fallback
        bool fuseUnk = false;          // consecutive unknowns become one unk
        bool ignoreMerges = false;     // a word that is a whole vocab entry is emitted as is
        // Spelled in the model's alphabet: the first symbol of a word and the
        // others are looked up as prefix + unit, the last as unit + suffix
        // (HF's continuing_subword_prefix / end_of_word_suffix).
        std::string continuingPrefix, endOfWordSuffix;
    };

    // `pieces`: id -> the piece in the model's alphabet (raw bytes for Bytes,
    // UTF-8 for Chars); an empty piece is a hole (not reachable by encoding).
    BpeModel(std::vector<std::string> pieces, PairMergeMap merges, Options options);

    // Appends the ids of one pre-tokenized word.
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const override;
    std::string describe() const override;
    bool safeToCutBefore(const std::string& marker) const override;

    std::optional<int32_t> find(std::string_view piece) const;
    const std::vector<std::string>& pieces() const { return pieces_; }
    const PairMergeMap& merges() const { return merges_; }

    // One symbol of a word being merged: a doubly linked list over a vector.
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
        bool alive;
    };
    // A queued merge of the symbol at `pos` with its right neighbour.
    struct Candidate {
        int32_t rank;
        int32_t pos;
        int32_t newId;
        int32_t leftId, rightId;  // the pair when queued: unchanged = still valid
    };

private:
    void initialSymbols(std::string_view word, std::vector<Symbol>& symbols) const;
    void initialSymbolsWithAffixes(std::string_view word, std::vector<Symbol>& symbols) const;
    void pushCandidate(std::vector<Candidate>& heap, const std::vector<Symbol>& symbols, int32_t pos) const;

    std::vector<std::string> pieces_;
    PieceIndex pieceToId_;                            // over pieces_
    std::unordered_map<char32_t, int32_t> charToId_;  // Chars alphabet: single-character pieces
    std::array<int32_t, 256> byteToId_{};             // Bytes alphabet: single-byte pieces
    bool allBytesKnown_ = false;                      // ... all 256 of them: no unknowns to handle
    PairMergeMap merges_;
    Options options_;
};

// The pair table of a "merge the best-scoring adjacent pair" vocabulary
// (llama2.c run.c, SentencePiece BPE, llama.cpp's SPM): every split of a
// mergeable piece into two vocabulary pieces, ranked by the piece's score
// (higher score = lower rank, equal scores share a rank so the leftmost wins).
PairMergeMap scoreMerges(const std::vector<std::string>& pieces, const std::vector<float>& scores,
                         const std::vector<bool>& mergeable);

}  // namespace sieve::tok

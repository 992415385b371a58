#pragma once
// Added tokens (special or not) are cut out of the text before anything else,
// leftmost-longest, as Hugging Face's AddedVocabulary does; the text between
// them goes through the normalizer, the pre-tokenizer and the model.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tok {

struct AddedToken {
    int32_t id = 0;
    std::string content;
    bool special = false;     // skipped by decode(skipSpecial)
    bool matchInText = true;  // cut out of input text (false: llama2.c BOS/EOS)
    bool lstrip = false;      // the match also takes the whitespace before it
    bool rstrip = false;      // ... and after it (HF's AddedToken flags)
    bool normalized = false;  // matched in the normalized text, not in the input (HF's flag)
};

// One piece of the input: an added token, or text between added tokens.
struct Segment {
    std::string_view text;
    int32_t addedId = -1;  // >= 0: this segment is that added token
};

class AddedTokenMatcher {
public:
    explicit AddedTokenMatcher(const std::vector<AddedToken>& tokens);

    // Appends the segments of `text`, in order; empty text segments are dropped.
    void split(std::string_view text, std::vector<Segment>& out) const;
    bool empty() const { return nodes_.size() <= 1; }

private:
    struct Node {
        std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
        int32_t tokenId = -1;
        bool lstrip = false, rstrip = false;
    };
    int32_t child(int32_t node, unsigned char byte) const;
    std::vector<Node> nodes_;
    std::array<bool, 256> firstByte_{};
};

}  // namespace sieve::tok

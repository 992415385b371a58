#pragma once
// The demo model's character vocabulary and its tokenizer.json: a BPE model
// with no merges over single characters (every character is a token), no
// normalizer and no pre-tokenizer, so that Hugging Face `tokenizers` and our
// own BPE pipeline both read it and agree. Ids: 0 <unk>, 1 <s>, 2 </s>,
// 3 "\n", then the printable ASCII characters 0x20..0x7E.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sieve::demo {

inline constexpr int64_t kUnkId = 0;
inline constexpr int64_t kBosId = 1;
inline constexpr int64_t kEosId = 2;
inline constexpr int64_t kNewlineId = 3;

class CharVocab {
public:
    CharVocab();
    int64_t size() const { return int64_t(pieces_.size()); }
    const std::vector<std::string>& pieces() const { return pieces_; }
    // No BOS here; characters outside the vocabulary map to <unk>.
    std::vector<int64_t> encode(const std::string& text) const;
    std::string decode(const std::vector<int64_t>& ids) const;  // special tokens skipped

    nlohmann::json tokenizerJson() const;
    void writeTokenizerJson(const std::string& path) const;

private:
    std::vector<std::string> pieces_;
    int64_t idOfChar_[256];
};

}  // namespace sieve::demo

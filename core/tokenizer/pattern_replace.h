#pragma once
// Hugging Face's Replace (normalizer and decoder alike): every match of a
// literal string or a regex is replaced by `content`, matches found as
// RegexSplitter::matches finds them (so an empty regex match inserts content).
#include <optional>
#include <string>

#include "core/tokenizer/regex_splitter.h"

namespace sieve::tok {

class PatternReplacer {
public:
    // `isRegex` false: `pattern` is literal text. Throws FormatError(source)
    // when a regex does not compile.
    PatternReplacer(const std::string& pattern, bool isRegex, std::string content, const std::string& source);

    // Returns false when a match at the very start was replaced by nothing
    // (what began the text is gone).
    bool apply(std::string& text) const;
    // e.g. `"▁" -> " "` or `/\s+/ -> " "`.
    std::string describe() const;

private:
    std::string literal_;                 // non-empty literal: plain search, no regex
    std::optional<RegexSplitter> regex_;  // regexes, and the empty literal (HF escapes it to "")
    std::string content_;
    bool isRegex_ = false;
};

// Replaces every occurrence of a non-empty `from`, left to right.
void replaceAll(std::string& text, const std::string& from, const std::string& to);

}  // namespace sieve::tok

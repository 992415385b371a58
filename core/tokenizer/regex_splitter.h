#pragma once
// The Split pre-tokenizer (behaviour "Isolated"): every regex match and every
// gap between matches becomes a piece. Compiled with PCRE2 (UTF + UCP, JIT).
// Hugging Face runs these patterns with Oniguruma, whose \s is Unicode
// White_Space (it includes U+0085); PCRE2's UCP \s does not, so \s and \S are
// rewritten to Oniguruma's class before compiling. \p{L} and \p{N} agree for
// every code point PCRE2 10.42 knows (Unicode 14); characters assigned in
// later Unicode versions are not letters/numbers to it, so text using them may
// pre-tokenize differently from HF (tests/tokenizer checks exactly this).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tok {

struct Span {
    size_t begin;
    size_t size;
};

class RegexSplitter {
public:
    // Throws FormatError(source, ...) when the pattern does not compile.
    RegexSplitter(const std::string& pattern, const std::string& source);
    ~RegexSplitter();
    RegexSplitter(RegexSplitter&&) noexcept;
    RegexSplitter& operator=(RegexSplitter&&) noexcept;

    // Appends the pieces of text[span] (offsets into `text`). `text` is valid UTF-8.
    void split(std::string_view text, Span span, std::vector<Span>& out) const;

    // Appends only the matches in text[span].
    void matches(std::string_view text, Span span, std::vector<Span>& out) const;

    // The pattern as given to PCRE2 (after the \s rewrite).
    const std::string& compiledPattern() const { return compiled_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string compiled_;
};

// Oniguruma's (= Unicode White_Space) \s and \S spelled as PCRE2 classes.
std::string rewriteWhitespaceClasses(const std::string& pattern);

}  // namespace sieve::tok

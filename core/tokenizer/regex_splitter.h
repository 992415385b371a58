#pragma once
// The regexes of Split pre-tokenizers and Replace steps, compiled with PCRE2
// (UTF + UCP, JIT). Hugging Face runs them with Oniguruma in its Ruby syntax;
// where the two engines read a pattern differently, the pattern is rewritten
// before compiling so that PCRE2 matches what Oniguruma matches:
//   \s \S        Unicode White_Space (Oniguruma's \s has U+0085, PCRE2's UCP \s not)
//   \w \W \b \B  Oniguruma's word characters: Alphabetic, marks, decimal digits,
//                connector punctuation, ¹²³¼½¾ (PCRE2 10.42: letters, numbers, _)
//   \h \H        hexadecimal digits (PCRE2: horizontal white space)
//   ^ $          line anchors, as in Ruby (PCRE2: only with MULTILINE)
// \p{L}, \p{N} and the classes above agree for every code point PCRE2 10.42
// knows (Unicode 14); characters assigned in later Unicode versions are not
// letters/numbers to it, so text using them may pre-tokenize differently from
// HF (tests/tokenizer checks exactly this, class by class).
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

    // Appends the matches in text[span] (offsets into `text`, valid UTF-8) as
    // Oniguruma's find_iter yields them to HF: leftmost, non-overlapping, and
    // empty matches included, except one found right at the end of the
    // previous match (the search then resumes one character later). An empty
    // match still cuts the text around it.
    void matches(std::string_view text, Span span, std::vector<Span>& out) const;

    // Split behaviour "isolated": appends every non-empty match and every
    // non-empty gap between matches, in order.
    void split(std::string_view text, Span span, std::vector<Span>& out) const;

    const std::string& pattern() const { return pattern_; }
    // The pattern as given to PCRE2 (after the rewrites above).
    const std::string& compiledPattern() const { return compiled_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string pattern_;
    std::string compiled_;
};

// An Oniguruma (Ruby syntax) pattern spelled for PCRE2, as described above.
std::string rewriteForPcre2(const std::string& pattern);

// A literal string as a pattern that matches exactly it.
std::string quoteLiteral(const std::string& text);

}  // namespace sieve::tok

#pragma once
// Normalizers: the text between added tokens is rewritten before it is
// pre-tokenized, step by step, as Hugging Face `tokenizers`
// (src/normalizers/*.rs) does. Only the resulting text matters here (no
// offsets). Unicode data: utf8proc (normal forms, categories, case mapping).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tok {

class NormalizerStep {
public:
    virtual ~NormalizerStep() = default;
    // Returns false when it removed what began the text, so that the text no
    // longer starts at its original start (HF's offsets, which Metaspace's
    // prepend_scheme "first" looks at).
    virtual bool apply(std::string& text) const = 0;
    // The component as tokenizer.json names it, with its options.
    virtual std::string describe() const = 0;
};

// The steps of one tokenizer in order (HF's Sequence, flattened).
class Normalizer {
public:
    void add(std::unique_ptr<NormalizerStep> step) { steps_.push_back(std::move(step)); }
    bool empty() const { return steps_.empty(); }
    // *startKept (optional) becomes false when a step removed what began the text.
    std::string apply(std::string_view text, bool* startKept = nullptr) const;
    // "none", the one step, or "Sequence[a, b, ...]".
    std::string describe() const;

private:
    std::vector<std::unique_ptr<NormalizerStep>> steps_;
};

enum class UnicodeForm { Nfc, Nfd, Nfkc, Nfkd };

struct BertNormalizerOptions {
    bool cleanText = true;  // drop NUL, U+FFFD and control/format/private-use characters; whitespace -> ' '
    bool handleChineseChars = true;  // spaces around CJK ideographs
    bool stripAccents = true;        // NFD, then drop non-spacing marks (tokenizer.json null: = lowercase)
    bool lowercase = true;
};

std::unique_ptr<NormalizerStep> unicodeNormalizer(UnicodeForm form);
std::unique_ptr<NormalizerStep> lowercaseNormalizer();
std::unique_ptr<NormalizerStep> stripNormalizer(bool left, bool right);
std::unique_ptr<NormalizerStep> stripAccentsNormalizer();
// Throws FormatError(source) when a regex pattern does not compile.
std::unique_ptr<NormalizerStep> replaceNormalizer(const std::string& pattern, bool isRegex,
                                                  std::string content, const std::string& source);
std::unique_ptr<NormalizerStep> prependNormalizer(std::string prefix);
std::unique_ptr<NormalizerStep> bertNormalizer(BertNormalizerOptions options);

// Text helpers the normalizers share (also used by tests).
std::string unicodeNormalized(std::string_view text, UnicodeForm form);
// A quick sufficient test that `form` leaves the text as it is.
bool alreadyNormalized(std::string_view text, UnicodeForm form);
// Rust's char::to_lowercase applied to each character, as HF's Lowercase.
std::string lowercased(std::string_view text);

}  // namespace sieve::tok

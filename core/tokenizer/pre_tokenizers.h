#pragma once
// Pre-tokenizers: the normalized text is cut into pieces the model encodes
// one by one, step after step, as Hugging Face `tokenizers`
// (src/pre_tokenizers/*.rs, NormalizedString::split) does. Steps that only cut
// re-slice one buffer; steps that change text (Metaspace, ByteLevel) write a
// new one.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/regex_splitter.h"

namespace sieve::tok {

struct Pieces {
    std::string text;
    std::vector<Span> list;  // non-empty slices of `text`, in order
    // The first piece begins at offset 0 of the original input (what HF's
    // Metaspace "first" asks of a piece; only the first one can).
    bool firstAtInputStart = false;
};

class PreTokenizerStep {
public:
    virtual ~PreTokenizerStep() = default;
    virtual void apply(Pieces& pieces) const = 0;
    // The component as tokenizer.json names it, with its options.
    virtual std::string describe() const = 0;
    virtual bool isByteLevel() const { return false; }
};

// What a split does with the delimiters it finds (HF's SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
// tokenizer.json's spelling ("Isolated", "MergedWithNext", ...).
std::optional<SplitBehavior> parseSplitBehavior(std::string_view name);
const char* splitBehaviorName(SplitBehavior behavior);

// The steps of one tokenizer in order (HF's Sequence, flattened).
class PreTokenizer {
public:
    void add(std::unique_ptr<PreTokenizerStep> step) { steps_.push_back(std::move(step)); }
    // Call once all steps are added. A ByteLevel step hands on its pieces
    // spelled in GPT-2's byte characters, as in HF; only where it is the last
    // step and the model merges raw bytes (`modelTakesBytes`) is the spelling
    // skipped, since it would only be undone.
    void finish(bool modelTakesBytes);
    bool endsWithByteLevel() const { return !steps_.empty() && steps_.back()->isByteLevel(); }
    bool empty() const { return steps_.empty(); }
    void apply(Pieces& pieces) const;
    // "none", the one step, or "Sequence[a, b, ...]".
    std::string describe() const;

private:
    std::vector<std::unique_ptr<PreTokenizerStep>> steps_;
};

// Split: a regex (Oniguruma syntax, see regex_splitter.h) or a literal string.
// Throws FormatError(source) when the regex does not compile.
std::unique_ptr<PreTokenizerStep> splitPreTokenizer(const std::string& pattern, bool isRegex,
                                                    SplitBehavior behavior, bool invert,
                                                    const std::string& source);
std::unique_ptr<PreTokenizerStep> digitsPreTokenizer(bool individualDigits);
std::unique_ptr<PreTokenizerStep> whitespacePreTokenizer();
std::unique_ptr<PreTokenizerStep> whitespaceSplitPreTokenizer();
std::unique_ptr<PreTokenizerStep> punctuationPreTokenizer(SplitBehavior behavior);
std::unique_ptr<PreTokenizerStep> charDelimiterPreTokenizer(char32_t delimiter);
std::unique_ptr<PreTokenizerStep> bertPreTokenizer();
std::unique_ptr<PreTokenizerStep> unicodeScriptsPreTokenizer();

enum class MetaspacePrepend { Always, First, Never };
std::unique_ptr<PreTokenizerStep> metaspacePreTokenizer(std::string replacement, MetaspacePrepend prepend,
                                                        bool split);
const char* metaspacePrependName(MetaspacePrepend prepend);

// GPT-2's pre-tokenizer regex (ByteLevel with use_regex: true).
extern const char* const kGpt2SplitPattern;
std::unique_ptr<PreTokenizerStep> byteLevelPreTokenizer(bool addPrefixSpace, bool useRegex);

}  // namespace sieve::tok

#include "core/tokenizer/pre_tokenizers.h"

#include <algorithm>

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/pattern_replace.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/unicode_scripts.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {

const char* const kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

// Single characters, as HF's char predicates match them (each one a match of
// its own): Rust's char::is_whitespace, char::is_numeric, and HF's is_punc
// (ASCII punctuation or Unicode P*).
constexpr const char* kWhiteSpaceChar = R"(\s)";
constexpr const char* kNumericChar = R"(\p{N})";
constexpr const char* kPunctuationChar = R"([\p{P}\x{21}-\x{2f}\x{3a}-\x{40}\x{5b}-\x{60}\x{7b}-\x{7e}])";

const char* flag(bool b) {
    return b ? "true" : "false";
}

// `next` becomes the pieces; the first one still begins at the input's start
// if the first one before did and it begins where that one began.
void replacePieces(Pieces& pieces, std::vector<Span>& next) {
    pieces.firstAtInputStart = pieces.firstAtInputStart && !next.empty() && !pieces.list.empty() &&
                               next.front().begin == pieces.list.front().begin;
    pieces.list.swap(next);
}

// After a step that wrote `out` and swapped it in, `out` holds the text from
// before the step, which no one needs: its memory goes back now (see
// PipelineTokenizer::encodePieces); the piece list's stays for the next call.
void releaseText(Pieces& out) {
    std::string().swap(out.text);
}

// NormalizedString::split: the piece is tiled by the matches (empty ones
// included) and the gaps between them; `behavior` decides what becomes of the
// matches, and empty results are dropped (PreTokenizedString::split).
void splitByMatches(const Span& piece, const std::vector<Span>& matches, SplitBehavior behavior, bool invert,
                    std::vector<Span>& out) {
    struct Part {
        size_t begin, end;
        bool match;
    };
    thread_local std::vector<Part> parts;
    parts.clear();
    size_t prev = piece.begin;
    const size_t end = piece.begin + piece.size;
    for (const Span& m : matches) {
        if (m.begin != prev) parts.push_back({prev, m.begin, invert});
        parts.push_back({m.begin, m.begin + m.size, !invert});
        prev = m.begin + m.size;
    }
    if (prev != end) parts.push_back({prev, end, invert});

    thread_local std::vector<Part> kept;  // match = "remove" from here on
    kept.clear();
    bool previousMatch = false;
    switch (behavior) {
        case SplitBehavior::Isolated:
            for (const Part& p : parts) kept.push_back({p.begin, p.end, false});
            break;
        case SplitBehavior::Removed:
            kept = parts;
            break;
        case SplitBehavior::Contiguous:
            for (const Part& p : parts) {
                if (p.match == previousMatch && !kept.empty())
                    kept.back().end = p.end;
                else
                    kept.push_back({p.begin, p.end, false});
                previousMatch = p.match;
            }
            break;
        case SplitBehavior::MergedWithPrevious:
            for (const Part& p : parts) {
                if (p.match && !previousMatch && !kept.empty())
                    kept.back().end = p.end;
                else
                    kept.push_back({p.begin, p.end, false});
                previousMatch = p.match;
            }
            break;
        case SplitBehavior::MergedWithNext:
            for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
                if (it->match && !previousMatch && !kept.empty())
                    kept.back().begin = it->begin;
                else
                    kept.push_back({it->begin, it->end, false});
                previousMatch = it->match;
            }
            std::reverse(kept.begin(), kept.end());
            break;
    }
    for (const Part& p : kept)
        if (!p.match && p.end > p.begin) out.push_back({p.begin, p.end - p.begin});
}

class RegexSplitStep : public PreTokenizerStep {
public:
    RegexSplitStep(const std::string& pattern, SplitBehavior behavior, bool invert, std::string description,
                   const std::string& source)
        : regex_(pattern, source),
          behavior_(behavior),
          invert_(invert),
          description_(std::move(description)) {}

    void apply(Pieces& pieces) const override {
        thread_local std::vector<Span> next;
        thread_local std::vector<Span> found;
        next.clear();
        for (const Span& piece : pieces.list) {
            if (behavior_ == SplitBehavior::Isolated) {
                // Matches and gaps alike become pieces: whether a part is a
                // match (and so `invert`) makes no difference.
                regex_.split(pieces.text, piece, next);
            } else {
                found.clear();
                regex_.matches(pieces.text, piece, found);
                splitByMatches(piece, found, behavior_, invert_, next);
            }
        }
        replacePieces(pieces, next);
    }
    std::string describe() const override { return description_; }

private:
    RegexSplitter regex_;
    SplitBehavior behavior_;
    bool invert_;
    std::string description_;
};

// BertPreTokenizer: whitespace removed, then punctuation isolated.
class BertStep : public PreTokenizerStep {
public:
    BertStep()
        : whitespace_(kWhiteSpaceChar, SplitBehavior::Removed, false, "", "BertPreTokenizer"),
          punctuation_(kPunctuationChar, SplitBehavior::Isolated, false, "", "BertPreTokenizer") {}
    void apply(Pieces& pieces) const override {
        whitespace_.apply(pieces);
        punctuation_.apply(pieces);
    }
    std::string describe() const override { return "BertPreTokenizer"; }

private:
    RegexSplitStep whitespace_, punctuation_;
};

// HF's pre_tokenizers/metaspace.rs: spaces become the replacement character,
// which is prepended to a piece not starting with it (always, or only to the
// piece at the very start of the input: "first"); `split` then cuts before
// each replacement character (MergedWithNext).
class MetaspaceStep : public PreTokenizerStep {
public:
    MetaspaceStep(std::string replacement, MetaspacePrepend prepend, bool split)
        : replacement_(std::move(replacement)), prepend_(prepend), split_(split) {}

    void apply(Pieces& pieces) const override {
        thread_local Pieces out;
        thread_local std::vector<Span> hits;
        out.text.clear();
        out.list.clear();
        out.firstAtInputStart =
            pieces.firstAtInputStart;  // the first piece stays first, and starts its output
        for (size_t i = 0; i < pieces.list.size(); ++i) {
            const Span& piece = pieces.list[i];
            std::string s = pieces.text.substr(piece.begin, piece.size);
            replaceAll(s, " ", replacement_);
            const bool prepend = prepend_ == MetaspacePrepend::Always ||
                                 (prepend_ == MetaspacePrepend::First && i == 0 && pieces.firstAtInputStart);
            if (prepend && s.compare(0, replacement_.size(), replacement_) != 0) s.insert(0, replacement_);
            const Span whole{out.text.size(), s.size()};
            out.text += s;
            if (!split_ || replacement_.empty()) {
                out.list.push_back(whole);
                continue;
            }
            hits.clear();
            for (size_t at = out.text.find(replacement_, whole.begin); at != std::string::npos;
                 at = out.text.find(replacement_, at + replacement_.size()))
                hits.push_back({at, replacement_.size()});
            splitByMatches(whole, hits, SplitBehavior::MergedWithNext, false, out.list);
        }
        std::swap(pieces, out);
        releaseText(out);
    }
    std::string describe() const override {
        return "Metaspace(replacement=\"" + replacement_ +
               "\", prepend_scheme=" + metaspacePrependName(prepend_) + ", split=" + flag(split_) + ")";
    }

private:
    std::string replacement_;
    MetaspacePrepend prepend_;
    bool split_;
};

// HF's pre_tokenizers/byte_level.rs: a space before each piece that lacks one
// (add_prefix_space), then GPT-2's regex (use_regex). The spelling in byte
// characters is a step of its own (SpellBytesStep) that PreTokenizer::finish
// places where it is needed.
class ByteLevelStep : public PreTokenizerStep {
public:
    ByteLevelStep(bool addPrefixSpace, bool useRegex) : addPrefixSpace_(addPrefixSpace) {
        if (useRegex) regex_.emplace(kGpt2SplitPattern, "ByteLevel pre-tokenizer");
    }
    void apply(Pieces& pieces) const override {
        if (addPrefixSpace_) {
            thread_local Pieces out;
            out.text.clear();
            out.list.clear();
            out.firstAtInputStart = pieces.firstAtInputStart;
            for (const Span& piece : pieces.list) {
                const size_t begin = out.text.size();
                if (pieces.text[piece.begin] != ' ') out.text += ' ';
                out.text.append(pieces.text, piece.begin, piece.size);
                out.list.push_back({begin, out.text.size() - begin});
            }
            std::swap(pieces, out);
            releaseText(out);
        }
        if (regex_) {
            thread_local std::vector<Span> next;
            next.clear();
            for (const Span& piece : pieces.list) regex_->split(pieces.text, piece, next);
            replacePieces(pieces, next);
        }
    }
    std::string describe() const override {
        return std::string("ByteLevel(add_prefix_space=") + flag(addPrefixSpace_) +
               ", use_regex=" + flag(regex_.has_value()) + ")";
    }
    bool isByteLevel() const override { return true; }

private:
    bool addPrefixSpace_;
    std::optional<RegexSplitter> regex_;
};

class SpellBytesStep : public PreTokenizerStep {
public:
    void apply(Pieces& pieces) const override {
        thread_local Pieces out;
        out.text.clear();
        out.list.clear();
        out.firstAtInputStart = pieces.firstAtInputStart;
        for (const Span& piece : pieces.list) {
            const size_t begin = out.text.size();
            out.text += bytesToByteLevel(std::string_view(pieces.text).substr(piece.begin, piece.size));
            out.list.push_back({begin, out.text.size() - begin});
        }
        std::swap(pieces, out);
        releaseText(out);
    }
    std::string describe() const override { return ""; }  // part of ByteLevel
};

// HF's pre_tokenizers/unicode_scripts: cut where the script changes. Spaces
// (U+0020) and characters of no known script belong to no script: they join
// the piece before them (and are dropped at the start of a piece); Hiragana,
// Katakana and U+30FC count as Han.
class UnicodeScriptsStep : public PreTokenizerStep {
public:
    void apply(Pieces& pieces) const override {
        thread_local std::vector<Span> next;
        next.clear();
        constexpr int kAny = -1;
        for (const Span& piece : pieces.list) {
            const std::string_view text = std::string_view(pieces.text).substr(piece.begin, piece.size);
            int lastScript = kAny;
            bool haveCut = false;
            size_t cut = 0;
            for (size_t pos = 0; pos < text.size();
                 pos += utf8::charLength(static_cast<unsigned char>(text[pos]))) {
                const int script = fixedScript(utf8::decodeAt(text, pos));
                if (script != kAny && script != lastScript) {
                    if (haveCut) next.push_back({piece.begin + cut, pos - cut});
                    cut = pos;
                    haveCut = true;
                }
                if (script != kAny) lastScript = script;
            }
            if (haveCut) next.push_back({piece.begin + cut, text.size() - cut});
        }
        replacePieces(pieces, next);
    }
    std::string describe() const override { return "UnicodeScripts"; }

private:
    static int fixedScript(char32_t cp) {
        if (cp == 0x30FC) return hanScript();
        if (cp == ' ') return -1;
        const int s = scriptOf(cp);
        if (s == hiraganaScript() || s == katakanaScript()) return hanScript();
        return s;
    }
};

std::string quoted(const std::string& pattern, bool isRegex) {
    return isRegex ? "/" + pattern + "/" : "\"" + pattern + "\"";
}

}  // namespace

std::optional<SplitBehavior> parseSplitBehavior(std::string_view name) {
    for (const auto b : {SplitBehavior::Removed, SplitBehavior::Isolated, SplitBehavior::MergedWithPrevious,
                         SplitBehavior::MergedWithNext, SplitBehavior::Contiguous})
        if (name == splitBehaviorName(b)) return b;
    return std::nullopt;
}

const char* splitBehaviorName(SplitBehavior behavior) {
    switch (behavior) {
        case SplitBehavior::Removed:
            return "Removed";
        case SplitBehavior::Isolated:
            return "Isolated";
        case SplitBehavior::MergedWithPrevious:
            return "MergedWithPrevious";
        case SplitBehavior::MergedWithNext:
            return "MergedWithNext";
        case SplitBehavior::Contiguous:
            return "Contiguous";
    }
    return "?";
}

const char* metaspacePrependName(MetaspacePrepend prepend) {
    switch (prepend) {
        case MetaspacePrepend::Always:
            return "always";
        case MetaspacePrepend::First:
            return "first";
        case MetaspacePrepend::Never:
            return "never";
    }
    return "?";
}

void PreTokenizer::finish(bool modelTakesBytes) {
    std::vector<std::unique_ptr<PreTokenizerStep>> steps;
    for (size_t i = 0; i < steps_.size(); ++i) {
        const bool byteLevel = steps_[i]->isByteLevel();
        steps.push_back(std::move(steps_[i]));
        if (byteLevel && (i + 1 < steps_.size() || !modelTakesBytes))
            steps.push_back(std::make_unique<SpellBytesStep>());
    }
    steps_ = std::move(steps);
}

void PreTokenizer::apply(Pieces& pieces) const {
    for (const auto& step : steps_) step->apply(pieces);
}

std::string PreTokenizer::describe() const {
    std::vector<std::string> parts;
    for (const auto& step : steps_)
        if (auto d = step->describe(); !d.empty()) parts.push_back(std::move(d));
    if (parts.empty()) return "none";
    if (parts.size() == 1) return parts.front();
    std::string out = "Sequence[";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + "]";
}

std::unique_ptr<PreTokenizerStep> splitPreTokenizer(const std::string& pattern, bool isRegex,
                                                    SplitBehavior behavior, bool invert,
                                                    const std::string& source) {
    // HF escapes a string pattern into a regex; so do we (an empty one then
    // matches between all characters, as in HF).
    const std::string description = "Split(" + quoted(pattern, isRegex) + ", " + splitBehaviorName(behavior) +
                                    (invert ? ", invert=true" : "") + ")";
    return std::make_unique<RegexSplitStep>(isRegex ? pattern : quoteLiteral(pattern), behavior, invert,
                                            description, source);
}

std::unique_ptr<PreTokenizerStep> digitsPreTokenizer(bool individualDigits) {
    return std::make_unique<RegexSplitStep>(
        kNumericChar, individualDigits ? SplitBehavior::Isolated : SplitBehavior::Contiguous, false,
        std::string("Digits(individual_digits=") + flag(individualDigits) + ")", "Digits pre-tokenizer");
}

std::unique_ptr<PreTokenizerStep> whitespacePreTokenizer() {
    // HF: the matches of \w+|[^\w\s]+ are the pieces, everything else goes;
    // run with Rust's regex crate, whose \w is Unicode TR18's (Alphabetic,
    // marks, decimal digits, connector punctuation, ZWNJ/ZWJ), not Oniguruma's.
    const std::string word = R"(\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200c}\x{200d})";
    return std::make_unique<RegexSplitStep>("[" + word + "]+|[^" + word + R"(\s]+)", SplitBehavior::Removed,
                                            true, "Whitespace", "Whitespace pre-tokenizer");
}

std::unique_ptr<PreTokenizerStep> whitespaceSplitPreTokenizer() {
    return std::make_unique<RegexSplitStep>(kWhiteSpaceChar, SplitBehavior::Removed, false, "WhitespaceSplit",
                                            "WhitespaceSplit pre-tokenizer");
}

std::unique_ptr<PreTokenizerStep> punctuationPreTokenizer(SplitBehavior behavior) {
    return std::make_unique<RegexSplitStep>(kPunctuationChar, behavior, false,
                                            std::string("Punctuation(") + splitBehaviorName(behavior) + ")",
                                            "Punctuation pre-tokenizer");
}

std::unique_ptr<PreTokenizerStep> charDelimiterPreTokenizer(char32_t delimiter) {
    std::string d;
    utf8::append(d, delimiter);
    return std::make_unique<RegexSplitStep>(quoteLiteral(d), SplitBehavior::Removed, false,
                                            "CharDelimiterSplit(\"" + d + "\")",
                                            "CharDelimiterSplit pre-tokenizer");
}

std::unique_ptr<PreTokenizerStep> bertPreTokenizer() {
    return std::make_unique<BertStep>();
}

std::unique_ptr<PreTokenizerStep> unicodeScriptsPreTokenizer() {
    return std::make_unique<UnicodeScriptsStep>();
}

std::unique_ptr<PreTokenizerStep> metaspacePreTokenizer(std::string replacement, MetaspacePrepend prepend,
                                                        bool split) {
    return std::make_unique<MetaspaceStep>(std::move(replacement), prepend, split);
}

std::unique_ptr<PreTokenizerStep> byteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) {
    return std::make_unique<ByteLevelStep>(addPrefixSpace, useRegex);
}

}  // namespace sieve::tok

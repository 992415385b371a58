#include "core/tokenizer/regex_splitter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

// Unicode White_Space, the set Oniguruma's \s matches (checked against HF in
// tests/tokenizer: class_ranges fixture).
constexpr const char* kWhiteSpaceItems =
    R"(\x{9}-\x{d}\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000})";
// Oniguruma's \w: Alphabetic, marks, decimal digits, connector punctuation,
// and below U+0100 its ISO 8859-1 table's word characters, which add the
// superscripts ¹²³ and the fractions ¼½¾ (checked against HF the same way).
constexpr const char* kWordItems = R"(\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{b2}\x{b3}\x{b9}\x{bc}-\x{be})";
constexpr const char* kHexItems = "0-9a-fA-F";

// A JIT stack large enough for long runs of one character class, per thread.
struct MatchContext {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    MatchContext() { pcre2_jit_stack_assign(context, nullptr, stack); }
    ~MatchContext() {
        pcre2_match_context_free(context);
        pcre2_jit_stack_free(stack);
    }
    MatchContext(const MatchContext&) = delete;
    MatchContext& operator=(const MatchContext&) = delete;
};

std::string wordClass() {
    return std::string("[") + kWordItems + "]";
}

}  // namespace

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

std::string rewriteForPcre2(const std::string& pattern) {
    const std::string word = wordClass();
    std::string out;
    bool inClass = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[++i];
            const auto items = [&](const char* set) { out += inClass ? set : "[" + std::string(set) + "]"; };
            const auto negated = [&](const char* set, char original) {
                // A negated set inside a class cannot be spelled as a list of
                // items; PCRE2's own meaning stays there (no shipped pattern has it).
                if (inClass) {
                    out += '\\';
                    out += original;
                } else {
                    out += "[^" + std::string(set) + "]";
                }
            };
            switch (e) {
                case 's':
                    items(kWhiteSpaceItems);
                    break;
                case 'S':
                    negated(kWhiteSpaceItems, 'S');
                    break;
                case 'w':
                    items(kWordItems);
                    break;
                case 'W':
                    negated(kWordItems, 'W');
                    break;
                case 'h':
                    items(kHexItems);
                    break;
                case 'H':
                    negated(kHexItems, 'H');
                    break;
                case 'b':
                    // In a class \b is a backspace in both engines.
                    out += inClass
                               ? "\\b"
                               : "(?:(?<=" + word + ")(?!" + word + ")|(?<!" + word + ")(?=" + word + "))";
                    break;
                case 'B':
                    out += inClass
                               ? "\\B"
                               : "(?:(?<=" + word + ")(?=" + word + ")|(?<!" + word + ")(?!" + word + "))";
                    break;
                default:
                    out += c;
                    out += e;
            }
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal, not the end.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
            continue;
        }
        if (inClass && c == ']') inClass = false;
        out += c;
    }
    return out;
}

std::string quoteLiteral(const std::string& text) {
    // A backslash before any ASCII non-alphanumeric character makes it literal
    // in PCRE2; everything else already is.
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80 && !std::isalnum(u)) out += '\\';
        out += c;
    }
    return out;
}

RegexSplitter::RegexSplitter(const std::string& pattern, const std::string& source)
    : impl_(std::make_unique<Impl>()), pattern_(pattern), compiled_(rewriteForPcre2(pattern)) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
    pcre2_set_newline(context, PCRE2_NEWLINE_LF);  // Ruby's lines end at \n only
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(compiled_.data()), compiled_.size(),
                                PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &error, &offset, context);
    pcre2_compile_context_free(context);
    if (!impl_->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof(message));
        throw FormatError(source, "regex does not compile at offset " + std::to_string(offset) + " (" +
                                      reinterpret_cast<const char*>(message) + "): " + pattern);
    }
    pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter on failure
}

RegexSplitter::~RegexSplitter() = default;
RegexSplitter::RegexSplitter(RegexSplitter&&) noexcept = default;
RegexSplitter& RegexSplitter::operator=(RegexSplitter&&) noexcept = default;

void RegexSplitter::matches(std::string_view text, Span span, std::vector<Span>& out) const {
    thread_local MatchContext matchContext;
    thread_local std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> data(
        pcre2_match_data_create(1, nullptr), pcre2_match_data_free);
    // The piece alone is the subject, as in HF: lookarounds never see its neighbours.
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data() + span.begin);
    const size_t end = span.size;
    size_t searchFrom = 0;
    bool matchedBefore = false;
    size_t lastMatchEnd = 0;
    while (searchFrom <= end) {
        const int rc = pcre2_match(impl_->code, subject, end, searchFrom, PCRE2_NO_UTF_CHECK, data.get(),
                                   matchContext.context);
        if (rc < 0) break;  // no further match (or a resource limit: the rest is one gap)
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
        const size_t mBegin = ovector[0], mEnd = ovector[1];
        if (mBegin == mEnd && matchedBefore && lastMatchEnd == searchFrom) {
            // Oniguruma's find_iter takes no empty match right after a match:
            // it searches again one character further on.
            if (searchFrom == end) break;
            searchFrom += utf8::charLength(static_cast<unsigned char>(subject[searchFrom]));
            continue;
        }
        out.push_back({span.begin + mBegin, mEnd - mBegin});
        searchFrom = mEnd;
        matchedBefore = true;
        lastMatchEnd = mEnd;
    }
}

void RegexSplitter::split(std::string_view text, Span span, std::vector<Span>& out) const {
    const size_t first = out.size();
    matches(text, span, out);
    // Usually the matches tile the span (the shipped patterns cover all text):
    // then they are the pieces as they stand.
    bool tiles = out.size() > first && out[first].begin == span.begin &&
                 out.back().begin + out.back().size == span.begin + span.size;
    for (size_t i = first; i < out.size() && tiles; ++i)
        tiles = out[i].size > 0 && (i == first || out[i].begin == out[i - 1].begin + out[i - 1].size);
    if (tiles) return;
    thread_local std::vector<Span> found;
    found.assign(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    out.resize(first);
    size_t gapStart = span.begin;
    for (const Span& m : found) {
        if (m.begin > gapStart) out.push_back({gapStart, m.begin - gapStart});
        if (m.size > 0) out.push_back(m);
        gapStart = m.begin + m.size;
    }
    if (span.begin + span.size > gapStart) out.push_back({gapStart, span.begin + span.size - gapStart});
}

}  // namespace sieve::tok

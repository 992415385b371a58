#include "core/tokenizer/regex_splitter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/common/error.h"

namespace sieve::tok {
namespace {

// Unicode White_Space, the set Oniguruma's \s matches (checked against HF in
// tests/tokenizer: class_ranges fixture).
constexpr const char* kWhiteSpaceItems =
    R"(\x{9}-\x{d}\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000})";

// A JIT stack large enough for long runs of one character class, per thread.
struct MatchContext {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    MatchContext() { pcre2_jit_stack_assign(context, nullptr, stack); }
    ~MatchContext() {
        pcre2_match_context_free(context);
        pcre2_jit_stack_free(stack);
    }
};

}  // namespace

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

std::string rewriteWhitespaceClasses(const std::string& pattern) {
    std::string out;
    bool inClass = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[i + 1];
            ++i;
            if (e == 's') {
                out += inClass ? std::string(kWhiteSpaceItems) : "[" + std::string(kWhiteSpaceItems) + "]";
            } else if (e == 'S' && !inClass) {
                out += "[^" + std::string(kWhiteSpaceItems) + "]";
            } else {
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

RegexSplitter::RegexSplitter(const std::string& pattern, const std::string& source)
    : impl_(std::make_unique<Impl>()), compiled_(rewriteWhitespaceClasses(pattern)) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(compiled_.data()), compiled_.size(),
                                PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
    if (!impl_->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof(message));
        throw FormatError(source, "pre-tokenizer regex does not compile at offset " + std::to_string(offset) +
                                      " (" + reinterpret_cast<const char*>(message) + "): " + pattern);
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
    size_t pos = 0;
    while (pos < end) {
        const int rc =
            pcre2_match(impl_->code, subject, end, pos, PCRE2_NO_UTF_CHECK, data.get(), matchContext.context);
        if (rc < 0) break;  // no further match (or a resource limit: the rest is one gap)
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
        const size_t mBegin = ovector[0], mEnd = ovector[1];
        if (mEnd == mBegin) {  // an empty match isolates nothing: step one character on
            pos = mBegin + 1;
            while (pos < end && (static_cast<unsigned char>(subject[pos]) & 0xC0) == 0x80) ++pos;
            continue;
        }
        out.push_back({span.begin + mBegin, mEnd - mBegin});
        pos = mEnd;
    }
}

void RegexSplitter::split(std::string_view text, Span span, std::vector<Span>& out) const {
    const size_t first = out.size();
    matches(text, span, out);
    if (out.size() == first) {
        if (span.size > 0) out.push_back(span);
        return;
    }
    bool contiguous =
        out[first].begin == span.begin && out.back().begin + out.back().size == span.begin + span.size;
    for (size_t i = first + 1; i < out.size() && contiguous; ++i)
        contiguous = out[i].begin == out[i - 1].begin + out[i - 1].size;
    if (contiguous) return;
    // Insert the gaps between matches (rarely any: the shipped patterns cover all text).
    thread_local std::vector<Span> found;
    found.assign(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    out.resize(first);
    size_t gapStart = span.begin;
    for (const Span& m : found) {
        if (m.begin > gapStart) out.push_back({gapStart, m.begin - gapStart});
        out.push_back(m);
        gapStart = m.begin + m.size;
    }
    if (span.begin + span.size > gapStart) out.push_back({gapStart, span.begin + span.size - gapStart});
}

}  // namespace sieve::tok

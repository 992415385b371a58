#include "core/tokenizer/normalizers.h"

#include <utf8proc.h>

#include <cstdlib>

#include "core/common/error.h"
#include "core/tokenizer/pattern_replace.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

const char* flag(bool b) {
    return b ? "true" : "false";
}

// Calls f(code point) for each character of valid UTF-8 text.
template <typename F>
void forEachChar(std::string_view text, F&& f) {
    for (size_t pos = 0; pos < text.size(); pos += utf8::charLength(static_cast<unsigned char>(text[pos])))
        f(utf8::decodeAt(text, pos));
}

utf8proc_category_t category(char32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

class UnicodeStep : public NormalizerStep {
public:
    explicit UnicodeStep(UnicodeForm form) : form_(form) {}
    bool apply(std::string& text) const override {
        if (!alreadyNormalized(text, form_)) text = unicodeNormalized(text, form_);
        return true;
    }
    std::string describe() const override {
        switch (form_) {
            case UnicodeForm::Nfc:
                return "NFC";
            case UnicodeForm::Nfd:
                return "NFD";
            case UnicodeForm::Nfkc:
                return "NFKC";
            case UnicodeForm::Nfkd:
                return "NFKD";
        }
        return "?";
    }

private:
    UnicodeForm form_;
};

class LowercaseStep : public NormalizerStep {
public:
    bool apply(std::string& text) const override {
        text = lowercased(text);
        return true;
    }
    std::string describe() const override { return "Lowercase"; }
};

// HF's NormalizedString::lrstrip: Rust char::is_whitespace at either end.
class StripStep : public NormalizerStep {
public:
    StripStep(bool left, bool right) : left_(left), right_(right) {}
    bool apply(std::string& text) const override {
        size_t begin = 0, end = text.size();
        if (left_)
            while (begin < end && utf8::isWhitespace(utf8::decodeAt(text, begin)))
                begin += utf8::charLength(static_cast<unsigned char>(text[begin]));
        if (right_) {
            while (end > begin) {
                size_t prev = end - 1;
                while (prev > begin && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
                if (!utf8::isWhitespace(utf8::decodeAt(text, prev))) break;
                end = prev;
            }
        }
        text = text.substr(begin, end - begin);
        return begin == 0;
    }
    std::string describe() const override {
        return std::string("Strip(left=") + flag(left_) + ", right=" + flag(right_) + ")";
    }

private:
    bool left_, right_;
};

// Drops combining marks (General_Category M: Mn, Mc, Me), as the
// unicode-normalization crate's is_combining_mark that HF's StripAccents uses.
class StripAccentsStep : public NormalizerStep {
public:
    bool apply(std::string& text) const override {
        std::string out;
        out.reserve(text.size());
        bool first = true, startKept = true;
        forEachChar(text, [&](char32_t cp) {
            const auto c = category(cp);
            const bool keep =
                c != UTF8PROC_CATEGORY_MN && c != UTF8PROC_CATEGORY_MC && c != UTF8PROC_CATEGORY_ME;
            if (keep) utf8::append(out, cp);
            startKept = startKept && (keep || !first);
            first = false;
        });
        text = std::move(out);
        return startKept;
    }
    std::string describe() const override { return "StripAccents"; }
};

class ReplaceStep : public NormalizerStep {
public:
    explicit ReplaceStep(PatternReplacer replacer) : replacer_(std::move(replacer)) {}
    bool apply(std::string& text) const override { return replacer_.apply(text); }
    std::string describe() const override { return "Replace(" + replacer_.describe() + ")"; }

private:
    PatternReplacer replacer_;
};

class PrependStep : public NormalizerStep {
public:
    explicit PrependStep(std::string prefix) : prefix_(std::move(prefix)) {}
    bool apply(std::string& text) const override {
        if (!text.empty()) text.insert(0, prefix_);  // HF prepends to non-empty text only
        return true;
    }
    std::string describe() const override { return "Prepend(\"" + prefix_ + "\")"; }

private:
    std::string prefix_;
};

// HF's normalizers/bert.rs.
class BertStep : public NormalizerStep {
public:
    explicit BertStep(BertNormalizerOptions o) : o_(o) {}

    bool apply(std::string& text) const override {
        bool startKept = true;
        if (o_.cleanText) {
            std::string out;
            out.reserve(text.size());
            bool first = true;
            forEachChar(text, [&](char32_t cp) {
                const bool drop = cp == 0 || cp == 0xFFFD || isControl(cp);
                startKept = startKept && !(drop && first);
                first = false;
                if (drop) return;
                if (cp == '\t' || cp == '\n' || cp == '\r' || utf8::isWhitespace(cp))
                    out += ' ';
                else
                    utf8::append(out, cp);
            });
            text = std::move(out);
        }
        if (o_.handleChineseChars) {
            std::string out;
            out.reserve(text.size() + text.size() / 2);
            forEachChar(text, [&](char32_t cp) {
                const bool chinese = isChinese(cp);
                if (chinese) out += ' ';
                utf8::append(out, cp);
                if (chinese) out += ' ';
            });
            text = std::move(out);
        }
        if (o_.stripAccents) {
            const std::string decomposed = unicodeNormalized(text, UnicodeForm::Nfd);
            std::string out;
            out.reserve(decomposed.size());
            bool first = true;
            forEachChar(decomposed, [&](char32_t cp) {
                const bool keep = category(cp) != UTF8PROC_CATEGORY_MN;
                if (keep) utf8::append(out, cp);
                startKept = startKept && (keep || !first);
                first = false;
            });
            text = std::move(out);
        }
        if (o_.lowercase) text = lowercased(text);
        return startKept;
    }

    std::string describe() const override {
        return std::string("BertNormalizer(clean_text=") + flag(o_.cleanText) +
               ", handle_chinese_chars=" + flag(o_.handleChineseChars) +
               ", strip_accents=" + flag(o_.stripAccents) + ", lowercase=" + flag(o_.lowercase) + ")";
    }

private:
    // HF: not \t \n \r, and General_Category Cc, Cf or Co (its `is_other` also
    // names Cn, but unassigned characters are kept: measured against HF).
    static bool isControl(char32_t cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        const auto c = category(cp);
        return c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_CO;
    }
    // The CJK Unified Ideograph blocks HF (and BERT) single out.
    static bool isChinese(char32_t cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
               (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
               (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
               (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    BertNormalizerOptions o_;
};

}  // namespace

bool alreadyNormalized(std::string_view text, UnicodeForm form) {
    // Below U+0300 (no combining marks yet) every character is already NFC;
    // ASCII is unchanged by every form. (A quick test: false is not a no.)
    bool unchanged = true;
    for (size_t pos = 0; pos < text.size() && unchanged;) {
        const auto lead = static_cast<unsigned char>(text[pos]);
        unchanged =
            lead < 0x80 || (form == UnicodeForm::Nfc && lead < 0xE0 && utf8::decodeAt(text, pos) < 0x300);
        pos += utf8::charLength(lead);
    }
    return unchanged;
}

std::string unicodeNormalized(std::string_view text, UnicodeForm form) {
    if (alreadyNormalized(text, form)) return std::string(text);
    int options = UTF8PROC_STABLE;
    if (form == UnicodeForm::Nfc || form == UnicodeForm::Nfkc) options |= UTF8PROC_COMPOSE;
    if (form == UnicodeForm::Nfd || form == UnicodeForm::Nfkd) options |= UTF8PROC_DECOMPOSE;
    if (form == UnicodeForm::Nfkc || form == UnicodeForm::Nfkd) options |= UTF8PROC_COMPAT;
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                            static_cast<utf8proc_option_t>(options));
    if (n < 0) throw InputError(std::string("Unicode normalisation failed: ") + utf8proc_errmsg(n));
    std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
    std::free(mapped);
    return out;
}

std::string lowercased(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        const auto lead = static_cast<unsigned char>(text[pos]);
        if (lead < 0x80) {
            out += static_cast<char>(lead >= 'A' && lead <= 'Z' ? lead + 32 : lead);
            ++pos;
            continue;
        }
        const char32_t cp = utf8::decodeAt(text, pos);
        pos += utf8::charLength(lead);
        if (cp == 0x130) {
            out += "i\xCC\x87";  // İ: the one full (multi-character) lowercase mapping Rust applies
            continue;
        }
        utf8::append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
    }
    return out;
}

std::string Normalizer::apply(std::string_view text, bool* startKept) const {
    std::string s(text);
    bool kept = true;
    for (const auto& step : steps_) kept = step->apply(s) && kept;
    if (startKept) *startKept = kept;
    return s;
}

std::string Normalizer::describe() const {
    if (steps_.empty()) return "none";
    if (steps_.size() == 1) return steps_.front()->describe();
    std::string out = "Sequence[";
    for (size_t i = 0; i < steps_.size(); ++i) out += (i ? ", " : "") + steps_[i]->describe();
    return out + "]";
}

std::unique_ptr<NormalizerStep> unicodeNormalizer(UnicodeForm form) {
    return std::make_unique<UnicodeStep>(form);
}
std::unique_ptr<NormalizerStep> lowercaseNormalizer() {
    return std::make_unique<LowercaseStep>();
}
std::unique_ptr<NormalizerStep> stripNormalizer(bool left, bool right) {
    return std::make_unique<StripStep>(left, right);
}
std::unique_ptr<NormalizerStep> stripAccentsNormalizer() {
    return std::make_unique<StripAccentsStep>();
}
std::unique_ptr<NormalizerStep> replaceNormalizer(const std::string& pattern, bool isRegex,
                                                  std::string content, const std::string& source) {
    return std::make_unique<ReplaceStep>(PatternReplacer(pattern, isRegex, std::move(content), source));
}
std::unique_ptr<NormalizerStep> prependNormalizer(std::string prefix) {
    return std::make_unique<PrependStep>(std::move(prefix));
}
std::unique_ptr<NormalizerStep> bertNormalizer(BertNormalizerOptions options) {
    return std::make_unique<BertStep>(options);
}

}  // namespace sieve::tok

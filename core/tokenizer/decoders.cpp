#include "core/tokenizer/decoders.h"

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/pattern_replace.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

const char* flag(bool b) {
    return b ? "true" : "false";
}

class ReplaceStep : public DecoderStep {
public:
    explicit ReplaceStep(PatternReplacer replacer) : replacer_(std::move(replacer)) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (auto& t : tokens) replacer_.apply(t);
    }
    std::string describe() const override { return "Replace(" + replacer_.describe() + ")"; }

private:
    PatternReplacer replacer_;
};

// Runs of <0xXX> tokens -> their bytes; U+FFFD per byte when they are not UTF-8.
class ByteFallbackStep : public DecoderStep {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string bytes;
        size_t byteCount = 0;
        const auto flush = [&] {
            if (byteCount == 0) return;
            if (utf8::lossy(bytes) == bytes) {
                out.push_back(bytes);
            } else {
                for (size_t i = 0; i < byteCount; ++i) out.emplace_back("\xEF\xBF\xBD");
            }
            bytes.clear();
            byteCount = 0;
        };
        for (auto& t : tokens) {
            unsigned char b = 0;
            if (parseByteToken(t, &b)) {
                bytes += static_cast<char>(b);
                ++byteCount;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens = std::move(out);
    }
    std::string describe() const override { return "ByteFallback"; }
};

class FuseStep : public DecoderStep {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const auto& t : tokens) all += t;
        tokens.assign(1, std::move(all));
    }
    std::string describe() const override { return "Fuse"; }
};

// Each token: up to `start` leading and `stop` trailing `content` characters dropped.
class StripStep : public DecoderStep {
public:
    StripStep(std::string content, int start, int stop)
        : content_(std::move(content)), start_(start), stop_(stop) {}
    void apply(std::vector<std::string>& tokens) const override {
        const size_t n = content_.size();
        for (auto& t : tokens) {
            size_t begin = 0, end = t.size();
            for (int i = 0; i < start_ && n > 0 && t.compare(begin, n, content_) == 0; ++i) begin += n;
            for (int i = 0; i < stop_ && n > 0 && end >= begin + n && t.compare(end - n, n, content_) == 0;
                 ++i)
                end -= n;
            t = t.substr(begin, end - begin);
        }
    }
    std::string describe() const override {
        return "Strip(content=\"" + content_ + "\", start=" + std::to_string(start_) +
               ", stop=" + std::to_string(stop_) + ")";
    }

private:
    std::string content_;
    int start_, stop_;
};

// Byte-level characters -> bytes (a token with other characters as it is), lossy UTF-8.
class ByteLevelStep : public DecoderStep {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::string bytes;
        for (const auto& t : tokens) {
            const auto raw = byteLevelToBytes(t);
            bytes += raw ? *raw : t;
        }
        tokens.assign(1, utf8::lossy(bytes));
    }
    std::string describe() const override { return "ByteLevel"; }
};

class MetaspaceStep : public DecoderStep {
public:
    MetaspaceStep(std::string replacement, MetaspacePrepend prepend)
        : replacement_(std::move(replacement)), prepend_(prepend) {}
    void apply(std::vector<std::string>& tokens) const override {
        const bool dropInFirst = prepend_ != MetaspacePrepend::Never;
        for (size_t i = 0; i < tokens.size(); ++i)
            replaceAll(tokens[i], replacement_, i == 0 && dropInFirst ? "" : " ");
    }
    std::string describe() const override {
        return "Metaspace(replacement=\"" + replacement_ +
               "\", prepend_scheme=" + metaspacePrependName(prepend_) + ")";
    }

private:
    std::string replacement_;
    MetaspacePrepend prepend_;
};

// HF's decoders/wordpiece.rs cleanup(): spaces before punctuation and English contractions.
std::string wordPieceCleanup(std::string s) {
    static const std::pair<const char*, const char*> kRules[] = {
        {" .", "."},   {" ?", "?"},     {" !", "!"},     {" ,", ","},
        {" ' ", "'"},  {" n't", "n't"}, {" 'm", "'m"},   {" do not", " don't"},
        {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };
    for (const auto& [from, to] : kRules) replaceAll(s, from, to);
    return s;
}

class WordPieceStep : public DecoderStep {
public:
    WordPieceStep(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string& t = tokens[i];
            if (i != 0) {
                if (t.compare(0, prefix_.size(), prefix_) == 0)
                    t.erase(0, prefix_.size());
                else
                    t.insert(0, " ");
            }
            if (cleanup_) t = wordPieceCleanup(std::move(t));
        }
    }
    std::string describe() const override {
        return "WordPiece(prefix=\"" + prefix_ + "\", cleanup=" + flag(cleanup_) + ")";
    }

private:
    std::string prefix_;
    bool cleanup_;
};

// The end-of-word suffix becomes a space, or nothing in the last token.
class BpeStep : public DecoderStep {
public:
    explicit BpeStep(std::string suffix) : suffix_(std::move(suffix)) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i)
            replaceAll(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    std::string describe() const override { return "BPEDecoder(suffix=\"" + suffix_ + "\")"; }

private:
    std::string suffix_;
};

// Repeated tokens collapse to one, pad tokens vanish, and (with cleanup) the
// word delimiter becomes a space.
class CtcStep : public DecoderStep {
public:
    CtcStep(std::string pad, std::string delimiter, bool cleanup)
        : pad_(std::move(pad)), delimiter_(std::move(delimiter)), cleanup_(cleanup) {}
    void apply(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        for (size_t i = 0; i < tokens.size(); ++i) {
            if (i > 0 && tokens[i] == tokens[i - 1]) continue;
            std::string t = tokens[i];
            replaceAll(t, pad_, "");
            if (cleanup_) {
                t = wordPieceCleanup(std::move(t));
                replaceAll(t, delimiter_, " ");
            }
            if (!t.empty()) out.push_back(std::move(t));
        }
        tokens = std::move(out);
    }
    std::string describe() const override {
        return "CTC(pad_token=\"" + pad_ + "\", word_delimiter_token=\"" + delimiter_ +
               "\", cleanup=" + flag(cleanup_) + ")";
    }

private:
    std::string pad_, delimiter_;
    bool cleanup_;
};

}  // namespace

bool parseByteToken(const std::string& token, unsigned char* byte) {
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return false;
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int hi = hex(token[3]), lo = hex(token[4]);
    if (hi < 0 || lo < 0) return false;
    *byte = static_cast<unsigned char>(hi * 16 + lo);
    return true;
}

std::string Decoder::decode(std::vector<std::string> tokens) const {
    std::string text;
    if (steps_.empty()) {
        for (size_t i = 0; i < tokens.size(); ++i) text += (i ? " " : "") + tokens[i];
        return text;
    }
    for (const auto& step : steps_) step->apply(tokens);
    for (const auto& t : tokens) text += t;
    return text;
}

std::string Decoder::describe() const {
    if (steps_.empty()) return "none (tokens joined by spaces)";
    if (steps_.size() == 1) return steps_.front()->describe();
    std::string out = "Sequence[";
    for (size_t i = 0; i < steps_.size(); ++i) out += (i ? ", " : "") + steps_[i]->describe();
    return out + "]";
}

std::unique_ptr<DecoderStep> replaceDecoder(const std::string& pattern, bool isRegex, std::string content,
                                            const std::string& source) {
    return std::make_unique<ReplaceStep>(PatternReplacer(pattern, isRegex, std::move(content), source));
}
std::unique_ptr<DecoderStep> byteFallbackDecoder() {
    return std::make_unique<ByteFallbackStep>();
}
std::unique_ptr<DecoderStep> fuseDecoder() {
    return std::make_unique<FuseStep>();
}
std::unique_ptr<DecoderStep> stripDecoder(std::string content, int start, int stop) {
    return std::make_unique<StripStep>(std::move(content), start, stop);
}
std::unique_ptr<DecoderStep> byteLevelDecoder() {
    return std::make_unique<ByteLevelStep>();
}
std::unique_ptr<DecoderStep> metaspaceDecoder(std::string replacement, MetaspacePrepend prepend) {
    return std::make_unique<MetaspaceStep>(std::move(replacement), prepend);
}
std::unique_ptr<DecoderStep> wordPieceDecoder(std::string prefix, bool cleanup) {
    return std::make_unique<WordPieceStep>(std::move(prefix), cleanup);
}
std::unique_ptr<DecoderStep> bpeDecoder(std::string suffix) {
    return std::make_unique<BpeStep>(std::move(suffix));
}
std::unique_ptr<DecoderStep> ctcDecoder(std::string padToken, std::string wordDelimiter, bool cleanup) {
    return std::make_unique<CtcStep>(std::move(padToken), std::move(wordDelimiter), cleanup);
}

}  // namespace sieve::tok

#include "core/tokenizer/pattern_replace.h"

#include <vector>

namespace sieve::tok {

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = text.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
        out.append(text, pos, hit - pos);
        out += to;
    }
    if (pos == 0) return;
    out.append(text, pos, std::string::npos);
    text = std::move(out);
}

PatternReplacer::PatternReplacer(const std::string& pattern, bool isRegex, std::string content,
                                 const std::string& source)
    : content_(std::move(content)), isRegex_(isRegex) {
    if (isRegex || pattern.empty())
        regex_.emplace(isRegex ? pattern : quoteLiteral(pattern), source);
    else
        literal_ = pattern;
}

bool PatternReplacer::apply(std::string& text) const {
    if (!regex_) {
        const bool startKept = !content_.empty() || text.compare(0, literal_.size(), literal_) != 0;
        replaceAll(text, literal_, content_);
        return startKept;
    }
    thread_local std::vector<Span> found;
    found.clear();
    regex_->matches(text, {0, text.size()}, found);
    if (found.empty()) return true;
    const bool startKept = !content_.empty() || found.front().begin != 0 || found.front().size == 0;
    std::string out;
    size_t pos = 0;
    for (const Span& m : found) {
        out.append(text, pos, m.begin - pos);
        out += content_;
        pos = m.begin + m.size;
    }
    out.append(text, pos, std::string::npos);
    text = std::move(out);
    return startKept;
}

std::string PatternReplacer::describe() const {
    const std::string from = isRegex_ ? "/" + regex_->pattern() + "/" : "\"" + literal_ + "\"";
    return from + " -> \"" + content_ + "\"";
}

}  // namespace sieve::tok

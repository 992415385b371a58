#include "core/tokenizer/bpe_tokenizer.h"

#include <utf8proc.h>

#include <atomic>
#include <cstdlib>

#include "core/common/error.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

std::string nfc(std::string_view text) {
    // Below U+0300 (no combining marks yet) every character is already NFC.
    bool simple = true;
    for (size_t pos = 0; pos < text.size() && simple;) {
        const auto lead = static_cast<unsigned char>(text[pos]);
        simple = lead < 0x80 || (lead < 0xE0 && utf8::decodeAt(text, pos) < 0x300);
        pos += utf8::charLength(lead);
    }
    if (simple) return std::string(text);
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
        &mapped, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) throw InputError(std::string("NFC normalisation failed: ") + utf8proc_errmsg(n));
    std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
    std::free(mapped);
    return out;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
        out.append(s, pos, hit - pos);
        out += to;
    }
    if (pos == 0) return;
    out.append(s, pos, std::string::npos);
    s = std::move(out);
}

// "<0xAB>" -> 0xAB, as HF's ByteFallback decoder and llama2.c read them.
std::optional<unsigned char> byteToken(const std::string& token) {
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return std::nullopt;
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int hi = hex(token[3]), lo = hex(token[4]);
    if (hi < 0 || lo < 0) return std::nullopt;
    return static_cast<unsigned char>(hi * 16 + lo);
}

void applyDecoderStep(const DecoderStep& step, std::vector<std::string>& tokens) {
    switch (step.kind) {
        case DecoderStep::Kind::Replace:
            for (auto& t : tokens) replaceAll(t, step.text, step.with);
            break;
        case DecoderStep::Kind::ByteFallback: {
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
                if (const auto b = byteToken(t)) {
                    bytes += static_cast<char>(*b);
                    ++byteCount;
                } else {
                    flush();
                    out.push_back(std::move(t));
                }
            }
            flush();
            tokens = std::move(out);
            break;
        }
        case DecoderStep::Kind::Fuse: {
            std::string all;
            for (const auto& t : tokens) all += t;
            tokens.assign(1, std::move(all));
            break;
        }
        case DecoderStep::Kind::Strip:
            for (auto& t : tokens) {
                size_t begin = 0, end = t.size();
                for (int i = 0; i < step.start && t.compare(begin, step.text.size(), step.text) == 0; ++i)
                    begin += step.text.size();
                for (int i = 0; i < step.stop && end >= begin + step.text.size() &&
                                t.compare(end - step.text.size(), step.text.size(), step.text) == 0;
                     ++i)
                    end -= step.text.size();
                t = t.substr(begin, end - begin);
            }
            break;
        case DecoderStep::Kind::ByteLevel: {
            std::string bytes;
            for (const auto& t : tokens) {
                const auto raw = byteLevelToBytes(t);
                bytes += raw ? *raw : t;
            }
            tokens.assign(1, utf8::lossy(bytes));
            break;
        }
        case DecoderStep::Kind::Metaspace:
            for (size_t i = 0; i < tokens.size(); ++i)
                replaceAll(tokens[i], step.text, i == 0 && step.start ? "" : " ");
            break;
        case DecoderStep::Kind::Llama2c:
            break;  // handled on ids (needs to see BOS): decodeLlama2c
    }
}

}  // namespace

BpeTokenizer::BpeTokenizer(PipelineSpec spec, BpeModel model)
    : spec_(std::move(spec)), model_(std::move(model)), matcher_(spec_.added) {
    static std::atomic<uint64_t> instances{0};
    instance_ = ++instances;
    for (const auto& pattern : spec_.splitPatterns) splitters_.emplace_back(pattern, spec_.source);
    isSpecial_.assign(spec_.tokens.size(), 0);
    for (const auto& token : spec_.added) {
        if (token.id < 0 || static_cast<size_t>(token.id) >= spec_.tokens.size())
            throw FormatError(spec_.source, "added token '" + token.content + "' has id " +
                                                std::to_string(token.id) + " outside the vocabulary");
        if (token.special) isSpecial_[token.id] = 1;
    }
    tokenToId_.build(spec_.tokens);
    if (!spec_.wordMarker.empty() && splitters_.empty() && !spec_.byteLevel &&
        !(spec_.metaspace.enabled && spec_.metaspace.split)) {
        cutAtMarker_ = true;
        const std::string& m = spec_.wordMarker;
        for (const auto& piece : model_.pieces()) {
            for (size_t hit = piece.find(m, 1); hit != std::string::npos && cutAtMarker_;
                 hit = piece.find(m, hit + 1)) {
                if (hit < m.size() || piece.compare(hit - m.size(), m.size(), m) != 0) cutAtMarker_ = false;
            }
            if (!cutAtMarker_) break;
        }
    }
}

std::string BpeTokenizer::normalize(std::string_view text) const {
    std::string s(text);
    for (const auto& step : spec_.normalizer) {
        switch (step.kind) {
            case NormalizerStep::Kind::Nfc:
                s = nfc(s);
                break;
            case NormalizerStep::Kind::Prepend:
                if (!s.empty()) s.insert(0, step.text);
                break;
            case NormalizerStep::Kind::Replace:
                replaceAll(s, step.text, step.with);
                break;
        }
    }
    return s;
}

void BpeTokenizer::applyMetaspace(std::string& text, bool atInputStart) const {
    const auto& m = spec_.metaspace;
    replaceAll(text, " ", m.replacement);
    const bool prepend = m.prepend == PipelineSpec::Metaspace::Prepend::Always ||
                         (m.prepend == PipelineSpec::Metaspace::Prepend::First && atInputStart);
    if (prepend && text.compare(0, m.replacement.size(), m.replacement) != 0) text.insert(0, m.replacement);
}

void BpeTokenizer::preTokenize(std::string_view text, std::vector<Span>& spans) const {
    spans.assign(1, Span{0, text.size()});
    std::vector<Span> next;
    if (spec_.metaspace.enabled && spec_.metaspace.split) {
        // Each replacement starts a new piece (HF: MergedWithNext).
        const std::string& r = spec_.metaspace.replacement;
        size_t start = 0;
        for (size_t hit = text.find(r, 1); hit != std::string::npos; hit = text.find(r, hit + r.size())) {
            next.push_back({start, hit - start});
            start = hit;
        }
        if (text.size() > start) next.push_back({start, text.size() - start});
        spans.swap(next);
    }
    for (const auto& splitter : splitters_) {
        next.clear();
        for (const Span& span : spans) splitter.split(text, span, next);
        spans.swap(next);
    }
    if (cutAtMarker_) {
        // Cut before each run of markers that follows something else.
        const std::string& m = spec_.wordMarker;
        next.clear();
        for (const Span& span : spans) {
            size_t start = span.begin;
            const size_t end = span.begin + span.size;
            for (size_t hit = text.find(m, start + 1); hit != std::string::npos && hit < end;
                 hit = text.find(m, hit + m.size())) {
                const bool afterMarker =
                    hit >= m.size() + start && text.compare(hit - m.size(), m.size(), m) == 0;
                if (!afterMarker && hit > start) {
                    next.push_back({start, hit - start});
                    start = hit;
                }
            }
            next.push_back({start, end - start});
        }
        spans.swap(next);
    }
}

std::vector<int64_t> BpeTokenizer::encode(const std::string& text, bool addSpecial) const {
    utf8::validate(text);
    std::vector<Segment> segments;
    if (matcher_.empty()) {
        if (!text.empty()) segments.push_back({text, -1});
    } else {
        matcher_.split(text, segments);
    }
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 8);
    if (addSpecial) ids.insert(ids.end(), spec_.prefixIds.begin(), spec_.prefixIds.end());
    // The word cache lives on with the thread, for this tokenizer only (owner
    // is a unique instance number, never reused, unlike an address).
    thread_local uint64_t cacheOwner = 0;
    thread_local WordCache cache;
    if (cacheOwner != instance_) {
        cache.clear();
        cacheOwner = instance_;
    }
    std::vector<Span> spans;
    for (const Segment& segment : segments) {
        if (segment.addedId >= 0) {
            ids.push_back(segment.addedId);
            continue;
        }
        std::string normalized =
            spec_.normalizer.empty() ? std::string(segment.text) : normalize(segment.text);
        if (spec_.metaspace.enabled) applyMetaspace(normalized, segment.text.data() == text.data());
        preTokenize(normalized, spans);
        for (const Span& span : spans) {
            const std::string_view word(normalized.data() + span.begin, span.size);
            const int32_t* cached = nullptr;
            size_t count = 0;
            if (cache.find(word, &cached, &count)) {
                ids.insert(ids.end(), cached, cached + count);
                continue;
            }
            const size_t before = ids.size();
            model_.encodeWord(word, ids);
            cache.insert(word, ids.data() + before, ids.size() - before);
        }
    }
    if (addSpecial) ids.insert(ids.end(), spec_.suffixIds.begin(), spec_.suffixIds.end());
    return std::vector<int64_t>(ids.begin(), ids.end());
}

std::string BpeTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecial) const {
    for (const int64_t id : ids) {
        if (id < 0 || id >= vocabSize())
            throw InputError(spec_.source + ": token id " + std::to_string(id) +
                             " is outside the vocabulary [0, " + std::to_string(vocabSize()) + ")");
    }
    if (!spec_.decoder.empty() && spec_.decoder.front().kind == DecoderStep::Kind::Llama2c)
        return decodeLlama2c(ids, skipSpecial);
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int64_t id : ids) {
        if (skipSpecial && isSpecial_[id]) continue;
        tokens.push_back(spec_.tokens[id]);
    }
    for (const auto& step : spec_.decoder) applyDecoderStep(step, tokens);
    std::string text;
    for (const auto& t : tokens) text += t;
    return text;
}

std::string BpeTokenizer::decodeLlama2c(const std::vector<int64_t>& ids, bool skipSpecial) const {
    // run.c decode(): after BOS a piece's leading space is dropped; "<0xXX>"
    // pieces are raw bytes. The start of the sequence counts as "after BOS" so
    // that decoding the ids generated after BOS (without it) gives the text.
    std::string bytes;
    bool afterBos = true;
    for (const int64_t id : ids) {
        const bool isBos = spec_.bos && id == *spec_.bos;
        if (skipSpecial && isSpecial_[id]) {
            afterBos = afterBos || isBos;
            continue;
        }
        const std::string& piece = spec_.tokens[id];
        if (const auto b = byteToken(piece)) {
            bytes += static_cast<char>(*b);
        } else {
            bytes.append(piece, afterBos && !piece.empty() && piece[0] == ' ' ? 1 : 0, std::string::npos);
        }
        afterBos = isBos;
    }
    return utf8::lossy(bytes);
}

std::optional<int64_t> BpeTokenizer::tokenId(const std::string& piece) const {
    const int32_t id = tokenToId_.find(piece);
    if (id < 0) return std::nullopt;
    return id;
}

}  // namespace sieve::tok

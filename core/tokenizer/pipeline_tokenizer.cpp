#include "core/tokenizer/pipeline_tokenizer.h"

#include <atomic>

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

// HF matches an added token flagged `normalized` in the normalized text, the
// others in the input. Without a normalizer the two texts are the same.
std::vector<AddedToken> matchedIn(const std::vector<AddedToken>& tokens, bool normalizedText,
                                  bool hasNormalizer) {
    std::vector<AddedToken> out;
    for (const AddedToken& t : tokens)
        if ((t.normalized && hasNormalizer) == normalizedText) out.push_back(t);
    return out;
}

}  // namespace

PipelineTokenizer::PipelineTokenizer(PipelineSpec spec, std::unique_ptr<TokenModel> model)
    : spec_(std::move(spec)),
      model_(std::move(model)),
      inputMatcher_(matchedIn(spec_.added, false, !spec_.normalizer.empty())),
      normalizedMatcher_(matchedIn(spec_.added, true, !spec_.normalizer.empty())) {
    static std::atomic<uint64_t> instances{0};
    instance_ = ++instances;
    isSpecial_.assign(spec_.tokens.size(), 0);
    for (const auto& token : spec_.added) {
        if (token.id < 0 || static_cast<size_t>(token.id) >= spec_.tokens.size())
            throw FormatError(spec_.source, "added token '" + token.content + "' has id " +
                                                std::to_string(token.id) + " outside the vocabulary");
        if (token.special) isSpecial_[token.id] = 1;
    }
    // Ids the tokenizer itself would emit must exist, whatever the file said.
    const auto inside = [&](int64_t id, const std::string& what) {
        if (id < 0 || static_cast<size_t>(id) >= spec_.tokens.size())
            throw FormatError(spec_.source, what + " id " + std::to_string(id) +
                                                " is outside the vocabulary of " +
                                                std::to_string(spec_.tokens.size()) + " tokens");
    };
    for (int32_t id : spec_.postProcessor.prefix()) inside(id, "post-processor token");
    for (int32_t id : spec_.postProcessor.suffix()) inside(id, "post-processor token");
    if (spec_.bos) inside(*spec_.bos, "bos");
    if (spec_.eos) inside(*spec_.eos, "eos");
    tokenToId_.build(spec_.tokens);
    cutAtMarker_ = !spec_.wordMarker.empty() && model_->safeToCutBefore(spec_.wordMarker);
}

std::vector<int64_t> PipelineTokenizer::encode(const std::string& text, bool addSpecial) const {
    utf8::validate(text);
    thread_local std::vector<Segment> segments;
    segments.clear();
    if (inputMatcher_.empty()) {
        if (!text.empty()) segments.push_back({text, -1});
    } else {
        inputMatcher_.split(text, segments);
    }
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 8);
    const PostProcessor& post = spec_.postProcessor;
    if (addSpecial) ids.insert(ids.end(), post.prefix().begin(), post.prefix().end());
    for (const Segment& segment : segments) {
        if (segment.addedId >= 0)
            ids.push_back(segment.addedId);
        else
            encodeSegment(segment.text, segment.text.data() == text.data(), ids);
    }
    if (addSpecial) ids.insert(ids.end(), post.suffix().begin(), post.suffix().end());
    return std::vector<int64_t>(ids.begin(), ids.end());
}

// Text between added tokens: normalized, then cut at added tokens that are
// matched on normalized text, then pre-tokenized and encoded.
void PipelineTokenizer::encodeSegment(std::string_view text, bool atInputStart,
                                      std::vector<int32_t>& ids) const {
    bool startKept = true;
    std::string normalized =
        spec_.normalizer.empty() ? std::string(text) : spec_.normalizer.apply(text, &startKept);
    atInputStart = atInputStart && startKept;
    if (normalizedMatcher_.empty()) {
        encodePieces(std::move(normalized), atInputStart, ids);
        return;
    }
    std::vector<Segment> parts;
    normalizedMatcher_.split(normalized, parts);
    for (const Segment& part : parts) {
        if (part.addedId >= 0)
            ids.push_back(part.addedId);
        else
            encodePieces(std::string(part.text), atInputStart && part.text.data() == normalized.data(), ids);
    }
}

void PipelineTokenizer::encodePieces(std::string text, bool atInputStart, std::vector<int32_t>& ids) const {
    if (text.empty()) return;
    thread_local Pieces pieces;
    pieces.text = std::move(text);
    pieces.list.assign(1, Span{0, pieces.text.size()});
    pieces.firstAtInputStart = atInputStart;
    spec_.preTokenizer.apply(pieces);
    if (cutAtMarker_) cutAtMarker(pieces);
    // The word cache lives on with the thread, for this tokenizer only (owner
    // is a unique instance number, never reused, unlike an address).
    thread_local uint64_t cacheOwner = 0;
    thread_local WordCache cache;
    WordCache& words = cache;  // thread-local addresses looked up once, not per piece
    if (cacheOwner != instance_) {
        words.clear();
        cacheOwner = instance_;
    }
    const char* const chars = pieces.text.data();
    for (const Span& piece : pieces.list) {
        const std::string_view word(chars + piece.begin, piece.size);
        const int32_t* cached = nullptr;
        size_t count = 0;
        if (words.find(word, &cached, &count)) {
            ids.insert(ids.end(), cached, cached + count);
            continue;
        }
        const size_t before = ids.size();
        model_->encodeWord(word, ids);
        words.insert(word, ids.data() + before, ids.size() - before);
    }
    // The text's memory goes back now (the piece list's stays for the next
    // call): held on, it would make the next call's text land on fresh
    // pages, which costs more than the allocation (measured).
    std::string().swap(pieces.text);
}

// Cut before each run of markers that follows something else.
void PipelineTokenizer::cutAtMarker(Pieces& pieces) const {
    const std::string_view m = spec_.wordMarker;
    const std::string_view text = pieces.text;
    thread_local std::vector<Span> next;
    next.clear();
    for (const Span& piece : pieces.list) {
        size_t start = piece.begin;
        const size_t end = piece.begin + piece.size;
        for (size_t hit = text.find(m, start + 1); hit != std::string_view::npos && hit < end;
             hit = text.find(m, hit + m.size())) {
            const bool afterMarker = hit >= m.size() + start && text.substr(hit - m.size(), m.size()) == m;
            if (!afterMarker && hit > start) {
                next.push_back({start, hit - start});
                start = hit;
            }
        }
        next.push_back({start, end - start});
    }
    pieces.list.swap(next);
}

std::string PipelineTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecial) const {
    for (const int64_t id : ids) {
        if (id < 0 || id >= vocabSize())
            throw InputError(spec_.source + ": token id " + std::to_string(id) +
                             " is outside the vocabulary [0, " + std::to_string(vocabSize()) + ")");
    }
    if (spec_.llama2cDecode) return decodeLlama2c(ids, skipSpecial);
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int64_t id : ids) {
        if (skipSpecial && isSpecial_[id]) continue;
        tokens.push_back(spec_.tokens[id]);
    }
    return spec_.decoder.decode(std::move(tokens));
}

std::string PipelineTokenizer::decodeLlama2c(const std::vector<int64_t>& ids, bool skipSpecial) const {
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
        unsigned char byte = 0;
        if (parseByteToken(piece, &byte)) {
            bytes += static_cast<char>(byte);
        } else {
            bytes.append(piece, afterBos && !piece.empty() && piece[0] == ' ' ? 1 : 0, std::string::npos);
        }
        afterBos = isBos;
    }
    return utf8::lossy(bytes);
}

std::optional<int64_t> PipelineTokenizer::tokenId(const std::string& piece) const {
    const int32_t id = tokenToId_.find(piece);
    if (id < 0) return std::nullopt;
    return id;
}

std::vector<std::string> PipelineTokenizer::describe() const {
    size_t special = 0;
    for (const AddedToken& t : spec_.added) special += t.special;
    const auto named = [&](const std::optional<int64_t>& id) -> std::string {
        if (!id) return "none";
        return "\"" + spec_.tokens[*id] + "\" (id " + std::to_string(*id) + ")";
    };
    std::vector<std::string> lines = {
        "format: " + spec_.format,
        "model: " + model_->describe(),
        "normalizer: " + spec_.normalizer.describe(),
        "pre-tokenizer: " + spec_.preTokenizer.describe() +
            (cutAtMarker_ ? " (cut into words at \"" + spec_.wordMarker + "\")" : ""),
        "post-processor: " + spec_.postProcessor.describe(),
        "decoder: " + (spec_.llama2cDecode ? std::string("llama2.c run.c") : spec_.decoder.describe()),
        "vocabulary: " + std::to_string(spec_.tokens.size()) + " tokens (" +
            std::to_string(spec_.added.size()) + " added, " + std::to_string(special) + " special)",
        "bos: " + named(spec_.bos),
        "eos: " + named(spec_.eos),
    };
    return lines;
}

}  // namespace sieve::tok

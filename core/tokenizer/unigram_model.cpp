#include "core/tokenizer/unigram_model.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

constexpr double kUnknownPenalty = 10.0;  // HF's K_UNK_PENALTY

}  // namespace

UnigramModel::UnigramModel(std::vector<std::string> pieces, std::vector<double> scores,
                           std::optional<int32_t> unkId, bool byteFallback, std::string source)
    : pieces_(std::move(pieces)),
      scores_(std::move(scores)),
      trie_(1),
      unkId_(unkId),
      byteFallback_(byteFallback),
      source_(std::move(source)) {
    minScore_ = std::numeric_limits<double>::infinity();
    for (size_t id = 0; id < pieces_.size(); ++id) {
        minScore_ = std::min(minScore_, scores_[id]);
        int32_t node = 0;
        for (const char ch : pieces_[id]) {
            const auto byte = static_cast<unsigned char>(ch);
            int32_t next = child(node, byte);
            if (next < 0) {
                next = static_cast<int32_t>(trie_.size());
                trie_.emplace_back();
                auto& kids = trie_[node].children;
                kids.insert(std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{-1})),
                            {byte, next});
            }
            node = next;
        }
        if (node != 0) trie_[node].piece = static_cast<int32_t>(id);  // a later duplicate wins
    }
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        byteIds_[b] = idOf(name);
    }
}

int32_t UnigramModel::child(int32_t node, unsigned char byte) const {
    const auto& kids = trie_[node].children;
    const auto it = std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{-1}));
    return it != kids.end() && it->first == byte ? it->second : -1;
}

int32_t UnigramModel::idOf(std::string_view piece) const {
    int32_t node = 0;
    for (const char ch : piece) {
        node = child(node, static_cast<unsigned char>(ch));
        if (node < 0) return -1;
    }
    return node == 0 ? -1 : trie_[node].piece;
}

void UnigramModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    // best[i]: the best-scoring segmentation of word[0, i): its score, where
    // its last piece starts (-1: none yet) and that piece's id.
    struct Best {
        double score;
        int32_t start;
        int32_t id;
    };
    thread_local std::vector<Best> best;
    const size_t n = word.size();
    best.assign(n + 1, Best{0.0, -1, 0});
    const double unknownScore = minScore_ - kUnknownPenalty;
    const auto offer = [&](size_t end, double score, size_t start, int32_t id) {
        Best& target = best[end];
        if (target.start < 0 || score > target.score) target = {score, static_cast<int32_t>(start), id};
    };
    for (size_t pos = 0; pos < n;) {
        const double tillHere = best[pos].score;
        const size_t charLen = utf8::charLength(static_cast<unsigned char>(word[pos]));
        bool singleChar = false;
        int32_t node = 0;
        for (size_t k = pos; k < n; ++k) {
            node = child(node, static_cast<unsigned char>(word[k]));
            if (node < 0) break;
            const int32_t id = trie_[node].piece;
            if (id < 0) continue;
            offer(k + 1, scores_[id] + tillHere, pos, id);
            singleChar = singleChar || k + 1 - pos == charLen;
        }
        if (!singleChar) {
            const Best& target = best[pos + charLen];
            const double score = unknownScore + tillHere;
            if (target.start < 0 || score > target.score) {
                if (!unkId_)
                    throw InputError(source_ +
                                     ": a character has no piece and the Unigram model has no unk_id");
                offer(pos + charLen, score, pos, *unkId_);
            }
        }
        pos += charLen;
    }
    // Back from the end; consecutive unknowns fuse into one string.
    thread_local std::vector<std::pair<Span, bool>> path;  // (bytes, is an unknown run)
    path.clear();
    for (size_t end = n; end > 0;) {
        const Best& node = best[end];
        const auto start = static_cast<size_t>(node.start);
        const bool unknown = unkId_ && node.id == *unkId_;
        if (unknown && !path.empty() && path.back().second)
            path.back().first = {start, path.back().first.begin + path.back().first.size - start};
        else
            path.push_back({{start, end - start}, unknown});
        end = start;
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        const std::string_view piece = word.substr(it->first.begin, it->first.size);
        if (!it->second) {
            out.push_back(best[it->first.begin + it->first.size].id);
            continue;
        }
        // An unknown run: its piece if it happens to be one, else its bytes, else unk.
        const int32_t id = idOf(piece);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        bool bytes = byteFallback_;
        for (size_t k = 0; k < piece.size() && bytes; ++k)
            bytes = byteIds_[static_cast<unsigned char>(piece[k])] >= 0;
        if (bytes) {
            for (const char c : piece) out.push_back(byteIds_[static_cast<unsigned char>(c)]);
        } else {
            out.push_back(*unkId_);
        }
    }
}

std::string UnigramModel::describe() const {
    std::string out = "Unigram (" + std::to_string(pieces_.size()) + " pieces";
    if (unkId_) out += ", unk \"" + pieces_[*unkId_] + "\"";
    if (byteFallback_) out += ", byte_fallback";
    return out + ")";
}

}  // namespace sieve::tok

#include "core/tokenizer/bpe_model.h"

#include <algorithm>

#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

// Heap order: the top is the lowest rank, then the leftmost position. A
// function object (not a function pointer) so the heap operations inline it.
struct LaterCandidate {
    bool operator()(const BpeModel::Candidate& a, const BpeModel::Candidate& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.pos > b.pos);
    }
};
constexpr LaterCandidate laterCandidate{};

}  // namespace

BpeModel::BpeModel(std::vector<std::string> pieces, PairMergeMap merges, Options options)
    : pieces_(std::move(pieces)), merges_(std::move(merges)), options_(options) {
    byteToId_.fill(-1);
    pieceToId_.build(pieces_);
    for (size_t id = 0; id < pieces_.size(); ++id) {
        const std::string& p = pieces_[id];
        if (p.empty()) continue;
        if (options_.alphabet == Alphabet::Bytes) {
            if (p.size() == 1 && byteToId_[static_cast<unsigned char>(p[0])] < 0)
                byteToId_[static_cast<unsigned char>(p[0])] = static_cast<int32_t>(id);
        } else if (utf8::charLength(static_cast<unsigned char>(p[0])) == p.size()) {
            charToId_.emplace(utf8::decodeAt(p, 0), static_cast<int32_t>(id));
        }
    }
    allBytesKnown_ = std::all_of(byteToId_.begin(), byteToId_.end(), [](int32_t id) { return id >= 0; });
}

std::optional<int32_t> BpeModel::find(std::string_view piece) const {
    const int32_t id = pieceToId_.find(piece);
    if (id < 0) return std::nullopt;
    return id;
}

void BpeModel::initialSymbols(std::string_view word, std::vector<Symbol>& symbols) const {
    const auto add = [&](int32_t id) {
        const auto n = static_cast<int32_t>(symbols.size());
        symbols.push_back({id, n - 1, n + 1, true});
    };
    // HF's handling of unknowns: byte fallback first, else an unk that is held
    // back (fused with following unknowns when fuseUnk) until the next known
    // symbol.
    bool unkPending = false;
    if (options_.alphabet == Alphabet::Bytes && allBytesKnown_) {
        for (const char c : word) add(byteToId_[static_cast<unsigned char>(c)]);
        if (!symbols.empty()) symbols.back().next = -1;
        return;
    }
    if (options_.alphabet == Alphabet::Bytes) {
        for (const char c : word) {
            const int32_t id = byteToId_[static_cast<unsigned char>(c)];
            if (id >= 0) {
                if (unkPending) add(*options_.unkId);
                unkPending = false;
                add(id);
            } else if (options_.unkId) {
                if (unkPending && !options_.fuseUnk) add(*options_.unkId);
                unkPending = true;
            }
        }
        if (unkPending) add(*options_.unkId);
        if (!symbols.empty()) symbols.back().next = -1;
        return;
    }
    for (size_t pos = 0; pos < word.size();) {
        const size_t len = utf8::charLength(static_cast<unsigned char>(word[pos]));
        const auto it = charToId_.find(utf8::decodeAt(word, pos));
        if (it != charToId_.end()) {
            if (unkPending) add(*options_.unkId);
            unkPending = false;
            add(it->second);
        } else {
            bool fellBack = false;
            if (options_.hasByteFallback) {
                fellBack = true;
                for (size_t k = 0; k < len; ++k)
                    fellBack =
                        fellBack && options_.byteFallback[static_cast<unsigned char>(word[pos + k])] >= 0;
                if (fellBack)
                    for (size_t k = 0; k < len; ++k)
                        add(options_.byteFallback[static_cast<unsigned char>(word[pos + k])]);
            }
            if (!fellBack && options_.unkId) {
                if (unkPending && !options_.fuseUnk) add(*options_.unkId);
                unkPending = true;
            }
        }
        pos += len;
    }
    if (unkPending) add(*options_.unkId);
    if (!symbols.empty()) symbols.back().next = -1;
}

// HF's BPE::merge_word with continuing_subword_prefix / end_of_word_suffix:
// each unit (byte or character) is looked up with the affixes it takes, and
// falls back to the bytes of that whole string, or to unk.
void BpeModel::initialSymbolsWithAffixes(std::string_view word, std::vector<Symbol>& symbols) const {
    const auto add = [&](int32_t id) {
        const auto n = static_cast<int32_t>(symbols.size());
        symbols.push_back({id, n - 1, n + 1, true});
    };
    thread_local std::string unit;
    bool unkPending = false;
    for (size_t pos = 0; pos < word.size();) {
        const size_t len = options_.alphabet == Alphabet::Bytes
                               ? 1
                               : utf8::charLength(static_cast<unsigned char>(word[pos]));
        unit.clear();
        if (pos > 0) unit += options_.continuingPrefix;
        unit.append(word.substr(pos, len));
        if (pos + len >= word.size()) unit += options_.endOfWordSuffix;
        pos += len;
        const int32_t id = pieceToId_.find(unit);
        if (id >= 0) {
            if (unkPending) add(*options_.unkId);
            unkPending = false;
            add(id);
            continue;
        }
        bool fellBack = options_.hasByteFallback;
        for (size_t k = 0; k < unit.size() && fellBack; ++k)
            fellBack = options_.byteFallback[static_cast<unsigned char>(unit[k])] >= 0;
        if (fellBack) {
            for (const char c : unit) add(options_.byteFallback[static_cast<unsigned char>(c)]);
        } else if (options_.unkId) {
            if (unkPending && !options_.fuseUnk) add(*options_.unkId);
            unkPending = true;
        }
    }
    if (unkPending) add(*options_.unkId);
    if (!symbols.empty()) symbols.back().next = -1;
}

void BpeModel::pushCandidate(std::vector<Candidate>& heap, const std::vector<Symbol>& symbols,
                             int32_t pos) const {
    const int32_t next = symbols[pos].next;
    if (next < 0) return;
    if (const MergeRule* rule = merges_.find(symbols[pos].id, symbols[next].id)) {
        heap.push_back({rule->rank, pos, rule->newId, symbols[pos].id, symbols[next].id});
        std::push_heap(heap.begin(), heap.end(), laterCandidate);
    }
}

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (options_.ignoreMerges) {
        if (const auto whole = find(word)) {
            out.push_back(*whole);
            return;
        }
    }
    // Scratch reused across words on one thread: no allocation per word.
    thread_local std::vector<Symbol> symbols;
    thread_local std::vector<Candidate> heap;
    symbols.clear();
    heap.clear();
    if (options_.continuingPrefix.empty() && options_.endOfWordSuffix.empty())
        initialSymbols(word, symbols);
    else
        initialSymbolsWithAffixes(word, symbols);
    const auto n = static_cast<int32_t>(symbols.size());
    for (int32_t pos = 0; pos + 1 < n; ++pos) {
        if (const MergeRule* rule = merges_.find(symbols[pos].id, symbols[pos + 1].id))
            heap.push_back({rule->rank, pos, rule->newId, symbols[pos].id, symbols[pos + 1].id});
    }
    std::make_heap(heap.begin(), heap.end(), laterCandidate);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), laterCandidate);
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol& left = symbols[top.pos];
        if (!left.alive || left.next < 0) continue;
        Symbol& right = symbols[left.next];
        // A stale candidate: one of its symbols merged since it was queued. HF
        // still merges when the pair now there makes the same token (its rank
        // may differ); only a changed pair needs the table to tell.
        if (left.id != top.leftId || right.id != top.rightId) {
            const MergeRule* rule = merges_.find(left.id, right.id);
            if (!rule || rule->newId != top.newId) continue;
        }
        left.id = top.newId;
        right.alive = false;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = top.pos;
        if (left.prev >= 0) pushCandidate(heap, symbols, left.prev);
        pushCandidate(heap, symbols, top.pos);
    }
    for (const Symbol& s : symbols)
        if (s.alive) out.push_back(s.id);
}

std::string BpeModel::describe() const {
    size_t count = 0;
    for (const auto& p : pieces_) count += !p.empty();
    std::string out = std::string("BPE (") +
                      (options_.alphabet == Alphabet::Bytes ? "byte-level" : "characters") + ", " +
                      std::to_string(count) + " pieces, " + std::to_string(merges_.size()) + " merges";
    if (options_.hasByteFallback) out += ", byte_fallback";
    if (options_.ignoreMerges) out += ", ignore_merges";
    if (options_.unkId) out += ", unk \"" + pieces_[*options_.unkId] + "\"";
    if (options_.fuseUnk) out += ", fuse_unk";
    if (!options_.continuingPrefix.empty())
        out += ", continuing_subword_prefix \"" + options_.continuingPrefix + "\"";
    if (!options_.endOfWordSuffix.empty()) out += ", end_of_word_suffix \"" + options_.endOfWordSuffix + "\"";
    return out + ")";
}

bool BpeModel::safeToCutBefore(const std::string& marker) const {
    // A cut can only change ids if a merge could cross it, i.e. some piece has
    // the marker after a character that is not itself the marker.
    if (marker.empty() || !options_.continuingPrefix.empty() || !options_.endOfWordSuffix.empty() ||
        options_.ignoreMerges)
        return false;
    const std::string& m = marker;
    for (const auto& piece : pieces_) {
        for (size_t hit = piece.find(m, 1); hit != std::string::npos; hit = piece.find(m, hit + 1))
            if (hit < m.size() || piece.compare(hit - m.size(), m.size(), m) != 0) return false;
    }
    return true;
}

PairMergeMap scoreMerges(const std::vector<std::string>& pieces, const std::vector<float>& scores,
                         const std::vector<bool>& mergeable) {
    std::unordered_map<std::string_view, int32_t> ids;
    ids.reserve(pieces.size());
    for (size_t id = 0; id < pieces.size(); ++id)
        if (!pieces[id].empty()) ids.emplace(pieces[id], static_cast<int32_t>(id));
    // Rank = position of the score among the distinct scores, highest first.
    std::vector<float> distinct;
    for (size_t id = 0; id < pieces.size(); ++id)
        if (mergeable[id]) distinct.push_back(scores[id]);
    std::sort(distinct.begin(), distinct.end(), std::greater<float>());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const auto rankOf = [&](float s) {
        return static_cast<int32_t>(
            std::lower_bound(distinct.begin(), distinct.end(), s, std::greater<float>()) - distinct.begin());
    };
    PairMergeMap merges;
    for (size_t id = 0; id < pieces.size(); ++id) {
        const std::string_view piece = pieces[id];
        if (!mergeable[id] || piece.size() < 2) continue;
        // Only the lowest id of duplicated pieces is what a lookup finds.
        if (ids.at(piece) != static_cast<int32_t>(id)) continue;
        for (size_t cut = 1; cut < piece.size(); ++cut) {
            const auto a = ids.find(piece.substr(0, cut));
            const auto b = ids.find(piece.substr(cut));
            if (a != ids.end() && b != ids.end())
                merges.insert(a->second, b->second, {rankOf(scores[id]), static_cast<int32_t>(id)});
        }
    }
    return merges;
}

}  // namespace sieve::tok

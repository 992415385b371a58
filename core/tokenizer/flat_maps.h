#pragma once
// Two hash maps on the encoding hot path, flat and allocation-free on lookup:
// the merge table keyed by a pair of token ids, and the per-call cache of
// already-encoded words keyed by their bytes.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tok {

inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

inline uint64_t hashBytes(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = mix64(h ^ w);
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    return mix64(h ^ tail);
}

// What merging a pair of adjacent symbols gives: lower rank merges first.
struct MergeRule {
    int32_t rank;
    int32_t newId;
};

// (left id, right id) -> MergeRule, open addressing with linear probing.
class PairMergeMap {
public:
    // Later inserts of the same pair overwrite earlier ones, as HF's HashMap does.
    void insert(int32_t left, int32_t right, MergeRule rule) {
        if ((used_ + 1) * 2 > slots_.size()) grow();
        place(key(left, right), rule, true);
    }
    const MergeRule* find(int32_t left, int32_t right) const {
        if (slots_.empty()) return nullptr;
        const uint64_t k = key(left, right);
        for (size_t i = mix64(k) & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.key == kEmpty) return nullptr;
            if (s.key == k) return &s.rule;
        }
    }
    size_t size() const { return used_; }

private:
    struct Slot {
        uint64_t key;
        MergeRule rule;
    };
    static constexpr uint64_t kEmpty = ~0ULL;
    static uint64_t key(int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    void place(uint64_t k, MergeRule rule, bool count) {
        for (size_t i = mix64(k) & mask_;; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (s.key == k) {
                s.rule = rule;
                return;
            }
            if (s.key == kEmpty) {
                s = {k, rule};
                if (count) ++used_;
                return;
            }
        }
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{kEmpty, {0, 0}});
        mask_ = slots_.size() - 1;
        for (const Slot& s : old)
            if (s.key != kEmpty) place(s.key, s.rule, false);
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t used_ = 0;
};

// piece bytes -> id over a vector of pieces owned elsewhere; lookups by
// string_view without building a std::string (a word per pre-token). Keeps a
// pointer to the vector's elements, which stay put when the vector is moved.
class PieceIndex {
public:
    // The first occurrence of a duplicated piece wins (the lowest id).
    void build(const std::vector<std::string>& pieces) {
        pieces_ = pieces.data();
        size_t size = 16;
        while (size < pieces.size() * 2) size *= 2;
        slots_.assign(size, -1);
        mask_ = size - 1;
        maxBytes_ = 0;
        for (size_t id = 0; id < pieces.size(); ++id) {
            const std::string& p = pieces[id];
            if (p.empty()) continue;
            maxBytes_ = std::max(maxBytes_, p.size());
            for (size_t i = hashBytes(p) & mask_;; i = (i + 1) & mask_) {
                if (slots_[i] < 0) {
                    slots_[i] = static_cast<int32_t>(id);
                    break;
                }
                if (pieces_[slots_[i]] == p) break;
            }
        }
    }
    int32_t find(std::string_view piece) const {
        if (piece.empty() || piece.size() > maxBytes_) return -1;
        for (size_t i = hashBytes(piece) & mask_;; i = (i + 1) & mask_) {
            const int32_t id = slots_[i];
            if (id < 0) return -1;
            if (pieces_[id] == piece) return id;
        }
    }

private:
    const std::string* pieces_ = nullptr;
    std::vector<int32_t> slots_;
    size_t mask_ = 0;
    size_t maxBytes_ = 0;
};

// word bytes -> token ids. Words repeat (Zipf), so most pre-tokens of a text
// are a lookup here instead of a merge loop. Bounded: when full it starts over.
class WordCache {
public:
    static constexpr size_t kMaxWordBytes = 256;  // longer words are not cached (as HF)
    static constexpr size_t kMaxEntries = 1 << 18;

    bool find(std::string_view word, const int32_t** ids, size_t* count) const {
        if (slots_.empty()) return false;
        const uint64_t h = hashBytes(word);
        for (size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.keyLen == kEmpty) return false;
            if (s.hash == h && s.keyLen == word.size() &&
                std::memcmp(keys_.data() + s.keyOff, word.data(), word.size()) == 0) {
                *ids = ids_.data() + s.idsOff;
                *count = s.idsLen;
                return true;
            }
        }
    }
    void insert(std::string_view word, const int32_t* ids, size_t count) {
        if (word.size() > kMaxWordBytes) return;
        if (used_ >= kMaxEntries) clear();
        if ((used_ + 1) * 2 > slots_.size()) grow();
        const uint64_t h = hashBytes(word);
        Slot s{h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(word.size()),
               static_cast<uint32_t>(ids_.size()), static_cast<uint32_t>(count)};
        keys_.append(word);
        ids_.insert(ids_.end(), ids, ids + count);
        place(s);
        ++used_;
    }

    void clear() {
        slots_.clear();
        mask_ = 0;
        used_ = 0;
        keys_.clear();
        ids_.clear();
    }

private:
    struct Slot {
        uint64_t hash;
        uint32_t keyOff, keyLen, idsOff, idsLen;
    };
    static constexpr uint32_t kEmpty = ~0U;
    void place(const Slot& slot) {
        for (size_t i = slot.hash & mask_;; i = (i + 1) & mask_) {
            if (slots_[i].keyLen == kEmpty) {
                slots_[i] = slot;
                return;
            }
        }
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{0, 0, kEmpty, 0, 0});
        mask_ = slots_.size() - 1;
        for (const Slot& s : old)
            if (s.keyLen != kEmpty) place(s);
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t used_ = 0;
    std::string keys_;
    std::vector<int32_t> ids_;
};

}  // namespace sieve::tok

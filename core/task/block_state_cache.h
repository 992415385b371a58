#pragma once
// Hidden states at block boundaries, kept from earlier pruned variants for
// later ones that share their first blocks: a GA child has its mother's genes
// up to the crossover point, so its forward up to there is hers. Keyed by the
// scorer's batch and by the levels of every block before (exact keys: a hit
// resumes from bit-identical states), least recently used evicted first
// within a byte budget. Counts lookups, hits and the block forwards they saved.
#include <cstdint>
#include <list>
#include <map>
#include <vector>

#include "core/common/torch_compat.h"

namespace sieve {

class BlockStateCache {
public:
    // `stride`: keep the states after blocks stride-1, 2*stride-1, ... only
    // (fewer, larger savings per byte); `budgetBytes` 0 keeps nothing.
    explicit BlockStateCache(int64_t budgetBytes, int stride = 1);

    // The deepest boundary k stored for `batch` whose key equals blockKeys[k]
    // (the states after block k go to `states`); -1 when none is.
    int find(int batch, const std::vector<std::vector<int>>& blockKeys, torch::Tensor* states);
    bool wants(int afterBlock) const { return budget_ > 0 && (afterBlock + 1) % stride_ == 0; }
    void store(int batch, int afterBlock, const std::vector<int>& key, const torch::Tensor& states);

    struct Stats {
        int64_t lookups = 0;      // batches scored with a cache at hand
        int64_t hits = 0;         // of them resumed from stored states
        int64_t savedBlocks = 0;  // block forwards not run (summed over batches)
        int64_t runBlocks = 0;    // block forwards run
        int64_t bytes = 0;        // held now
        int64_t entries = 0;
    };
    Stats stats() const;
    void resetCounters();  // lookups, hits, saved and run blocks back to 0 (the states stay)
    void clear();
    void countRun(int64_t blocks) { stats_.runBlocks += blocks; }

private:
    struct Key {
        int batch;
        int afterBlock;
        std::vector<int> levels;
        bool operator<(const Key& o) const {
            if (batch != o.batch) return batch < o.batch;
            if (afterBlock != o.afterBlock) return afterBlock < o.afterBlock;
            return levels < o.levels;
        }
    };
    struct Entry {
        torch::Tensor states;
        std::list<Key>::iterator age;
    };
    int64_t budget_;
    int stride_;
    std::map<Key, Entry> entries_;
    std::list<Key> ages_;  // front = most recently used
    Stats stats_;
};

}  // namespace sieve

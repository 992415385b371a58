#include "core/task/block_state_cache.h"

#include <algorithm>

namespace sieve {

BlockStateCache::BlockStateCache(int64_t budgetBytes, int stride)
    : budget_(std::max<int64_t>(0, budgetBytes)), stride_(std::max(1, stride)) {}

int BlockStateCache::find(int batch, const std::vector<std::vector<int>>& blockKeys, torch::Tensor* states) {
    ++stats_.lookups;
    // The last block's output is never stored: a variant equal to an earlier
    // one in every block is served by the search's own fitness cache.
    for (int k = int(blockKeys.size()) - 2; k >= 0; --k) {
        if (!wants(k)) continue;
        const auto it = entries_.find(Key{batch, k, blockKeys[size_t(k)]});
        if (it == entries_.end()) continue;
        ages_.splice(ages_.begin(), ages_, it->second.age);
        *states = it->second.states;
        ++stats_.hits;
        stats_.savedBlocks += k + 1;
        return k;
    }
    return -1;
}

void BlockStateCache::store(int batch, int afterBlock, const std::vector<int>& key,
                            const torch::Tensor& states) {
    if (!wants(afterBlock)) return;
    const int64_t bytes = int64_t(states.numel()) * int64_t(states.element_size());
    if (bytes > budget_) return;
    Key k{batch, afterBlock, key};
    if (entries_.count(k)) return;
    while (stats_.bytes + bytes > budget_ && !ages_.empty()) {
        const auto oldest = entries_.find(ages_.back());
        stats_.bytes -=
            int64_t(oldest->second.states.numel()) * int64_t(oldest->second.states.element_size());
        entries_.erase(oldest);
        ages_.pop_back();
    }
    ages_.push_front(k);
    entries_.emplace(std::move(k), Entry{states, ages_.begin()});
    stats_.bytes += bytes;
    stats_.entries = int64_t(entries_.size());
}

BlockStateCache::Stats BlockStateCache::stats() const {
    Stats s = stats_;
    s.entries = int64_t(entries_.size());
    return s;
}

void BlockStateCache::resetCounters() {
    stats_.lookups = stats_.hits = stats_.savedBlocks = stats_.runBlocks = 0;
}

void BlockStateCache::clear() {
    entries_.clear();
    ages_.clear();
    stats_ = Stats{};
}

}  // namespace sieve

#pragma once
// How the Gram observer (gram_accumulator.cpp) splits each x^T x: the lower
// block triangle, one product per block row. Torch-free, so that the memory
// planner counts the rows the observer really multiplies.
#include <algorithm>
#include <cstdint>

namespace sieve {

// Column blocks of an [H, H] sum (1 = the full square). GPUs want large
// products: blocks of >= 2048 columns, at most 4 (5/8 of the full square's
// work for 4; the split was not tuned on a GPU). The CPU: up to 8 blocks of
// >= 128 columns (9/16 of the work, and an eighth of the temporary).
inline int64_t gramBlockCount(int64_t H, bool onCpu) {
    if (!onCpu) return std::min<int64_t>(4, std::max<int64_t>(1, H / 2048));
    return std::min<int64_t>(8, std::max<int64_t>(1, H / 128));
}

// Rows of one block row's product (the last one is [rows, H]).
inline int64_t gramBlockRows(int64_t H, bool onCpu) {
    const int64_t blocks = gramBlockCount(H, onCpu);
    return (H + blocks - 1) / blocks;
}

}  // namespace sieve

#pragma once
// Deterministic calibration / evaluation split. The order comes from a
// 64-bit hash of (seed, example index), not from std::shuffle, so the same
// seed gives the same split on every platform and standard library.
#include <cstdint>
#include <vector>

namespace sieve {

struct SplitIndices {
    std::vector<int> calibration;  // ascending
    std::vector<int> evaluation;   // ascending
};

// round(fraction * count) examples go to calibration (at least one to each
// side when count >= 2 and 0 < fraction < 1).
SplitIndices splitIndices(int count, uint64_t seed, double calibrationFraction);

// splitmix64: the mixing function the split (and the demo corpus) rely on.
uint64_t splitMix64(uint64_t x);

}  // namespace sieve

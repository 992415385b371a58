#include "core/task/split.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/common/error.h"

namespace sieve {

uint64_t splitMix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

SplitIndices splitIndices(int count, uint64_t seed, double calibrationFraction) {
    if (!(calibrationFraction >= 0.0 && calibrationFraction <= 1.0))
        throw InputError("calibration fraction must be in [0, 1], got " +
                         std::to_string(calibrationFraction));
    std::vector<std::pair<uint64_t, int>> keyed;
    keyed.reserve(count);
    const uint64_t seedKey = splitMix64(seed);
    for (int i = 0; i < count; ++i) keyed.emplace_back(splitMix64(seedKey ^ splitMix64(uint64_t(i))), i);
    std::sort(keyed.begin(), keyed.end());

    int calibrationCount = static_cast<int>(std::lround(calibrationFraction * count));
    if (count >= 2 && calibrationFraction > 0.0 && calibrationFraction < 1.0)
        calibrationCount = std::clamp(calibrationCount, 1, count - 1);

    SplitIndices out;
    for (int i = 0; i < count; ++i)
        (i < calibrationCount ? out.calibration : out.evaluation).push_back(keyed[i].second);
    std::sort(out.calibration.begin(), out.calibration.end());
    std::sort(out.evaluation.begin(), out.evaluation.end());
    return out;
}

}  // namespace sieve

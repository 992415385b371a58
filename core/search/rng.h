#pragma once
// A seeded random stream whose draws are the same on every platform and
// standard library (std::uniform_int_distribution is not), and whose state
// can be saved in a session and restored to resume a search exactly.
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "core/common/error.h"

namespace sieve {

class SearchRng {
public:
    explicit SearchRng(uint64_t seed = 0) : engine_(seed) {}

    // Uniform in [0, n), unbiased (rejection sampling).
    uint64_t below(uint64_t n) {
        const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        uint64_t x;
        do x = engine_();
        while (x >= limit);
        return x % n;
    }
    int belowInt(int n) { return static_cast<int>(below(static_cast<uint64_t>(n))); }
    // Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }

    std::string state() const {
        std::ostringstream out;
        out << engine_;
        return out.str();
    }
    // Whether `state` is one state() wrote: the engine's 312 words and its
    // position, nothing else, not every word zero (that engine draws zeros
    // forever). A damaged state must not resume on some other stream.
    static bool validState(const std::string& state) {
        std::istringstream in(state);
        std::mt19937_64 engine;
        if (!(in >> engine)) return false;
        in >> std::ws;
        if (!in.eof()) return false;
        std::istringstream words(state);
        uint64_t word = 0;
        bool anyNonZero = false;
        for (size_t i = 0; i < std::mt19937_64::state_size && words >> word; ++i) anyNonZero |= word != 0;
        return anyNonZero;
    }
    // Throws InputError on a state validState refuses.
    void setState(const std::string& state) {
        if (!validState(state))
            throw InputError("the genetic search's saved random state is damaged (" +
                             std::to_string(state.size()) + " bytes that are not a generator state)");
        std::istringstream in(state);
        in >> engine_;
    }

private:
    std::mt19937_64 engine_;  // its output sequence is fixed by the C++ standard
};

}  // namespace sieve

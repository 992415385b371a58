#pragma once
// Realistic, randomly filled SessionData for the session tests: a small
// Llama-shaped model, a GA history, uniform and sensitivity curves per
// method, Gram matrices X^T X of random activations, UTF-8 names.
#include <cstdint>
#include <string>

#include "core/session/session_data.h"

namespace sieve::test {

struct SampleShape {
    int layers = 3;
    int population = 6;
    int generations = 5;
    bool optionalParts = true;  // baseline, calibration, uniform, GA, sensitivity, eval
    bool gaComplete = true;
};

SessionData sampleSession(uint64_t seed, const SampleShape& shape = {});

// Generation `index` of a deterministic GA history for `data` (used by the
// autosave tests, where a child process and the parent must agree on it).
Generation sampleGeneration(const SessionData& data, int index, uint64_t seed);
std::string sampleRngState(int index);

}  // namespace sieve::test

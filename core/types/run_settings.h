#pragma once
// What a run asks for: the one settings struct the window's run panel and the
// CLI's options both fill, and the rules that resolve and check it. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

#include "core/types/results.h"

namespace sieve {

// How fast the searches run. None of it changes any result: the same
// fitness values, the same search trajectory, the same best chromosome with
// each of them switched off (tests/engine checks that).
struct SearchSpeed {
    // A genetic search stops scoring a chromosome as soon as its feasibility
    // is certain (its fitness needs nothing more).
    bool earlyDecisions = true;
    // Hidden states at block boundaries kept for chromosomes that share their
    // first blocks' levels (choice tasks), least recently used evicted; 0 = none.
    int64_t reuseBytes = int64_t(512) << 20;
    int reuseStride = 1;  // keep the states after every stride-th block
    // Tokens per scoring batch of the search examples. Decisions (early
    // verdicts, reused states) are taken batch by batch: smaller batches
    // decide sooner, larger ones multiply more efficiently. 1024: on SmolLM2
    // (ARC-Easy) a GA evaluation took 5.9 CPU-s against 7.0 with 4096-token
    // batches (81 % instead of 95 % of the examples scored; docs/benchmarks.md).
    int64_t batchTokens = 1024;
};

struct RunSettings {
    std::vector<std::string> methods{"sieve"};  // uniform sweeps, one per method
    // The method of the genetic search, the sensitivity scan, the held-out
    // check and exports; empty = defaultSearchMethod(methods).
    std::string searchMethod;
    double eps = 0.05;  // keep accuracy >= (1 - eps) a0
    LevelGrid grid = defaultLevelGrid();
    GaSettings ga;
    // Level (fraction removed) each matrix is pruned to alone in the
    // sensitivity scan: the nearest grid level; < 0 = the highest.
    double sensitivityLevel = -1;
    bool fullCurve = true;             // uniform: evaluate every grid level for the curve
    // Uniform: sweep each method again with its low-rank factors in 8 bits
    // (UniformResult::int8). Methods that keep masks (Wanda) have no factors
    // and get no 8-bit curve.
    bool int8Factors = false;
    int64_t maxCalibrationTokens = 0;  // 0 = the whole calibration split
    SearchSpeed speed;
};

// The search method the settings resolve to (see RunSettings::searchMethod).
std::string searchMethodOf(const RunSettings& settings);
// The grid index of the sensitivity level.
int sensitivityLevelIndex(const RunSettings& settings);
// Throws InputError naming the first setting out of range (and the range):
// unknown or repeated methods, a search method that serves uniform sweeps
// only, eps outside (0, 1), a bad grid, GA sizes and probabilities.
void validateRunSettings(const RunSettings& settings);

struct TaskOptions {
    bool skipBadLines = false;
    double heldOutFraction = 0.5;  // of the evaluation split, kept out of every search
};

struct TaskInfo {
    std::string name;
    std::string path;
    std::string kind;
    std::string metric;
    int64_t calibrationExamples = 0;
    int64_t searchExamples = 0;   // evaluation examples the searches score on
    int64_t heldOutExamples = 0;  // evaluation examples only the final check sees
    int skippedLines = 0;
};

}  // namespace sieve

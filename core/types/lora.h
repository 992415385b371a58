#pragma once
// LoRA recovery after pruning (issue 16): what a run asks for and what it
// found. Torch-free: the CLI, the window and the session share these.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

// PEFT's LoraConfig, the parts that change what is learned, and the
// optimisation (AdamW, no weight decay, constant learning rate).
struct LoraSettings {
    int rank = 8;       // r
    double alpha = 16;  // lora_alpha: the adapter's output is scaled by alpha / r
    // Matrix types that get an adapter (matrixTypeShortName: q k v o gate up down).
    std::vector<std::string> targets{"q", "k", "v", "o", "gate", "up", "down"};
    int steps = 100;
    double learningRate = 1e-3;
    int batchSize = 8;     // calibration examples per step
    uint64_t seed = 1234;  // adapter initialisation and the order of the examples
};
// Throws InputError naming the setting and its range (rank, alpha, steps,
// learning rate, batch size, unknown or repeated targets).
void validateLoraSettings(const LoraSettings& settings);
// "q,k,v" -> targets, InputError naming `where` for an unknown type.
std::vector<std::string> parseLoraTargets(const std::string& text, const std::string& where);

// One recovery: a pruned model (a result of the session, or one method at
// one uniform level), its adapters trained on the calibration split, and
// the task's score before and after on the search and held-out examples.
struct LoraRun {
    std::string source;          // "ga", "uniform:<method>" (the sweep's optimum) or "level:<method>"
    std::string method;          // the projection method of the pruned model
    double level = -1;           // the uniform level (every matrix), -1 for a GA result
    double removedFraction = 0;  // of the prunable parameters (adapters not counted)
    bool int8Factors = false;    // the pruned model's factors in 8 bits (RunSettings::int8Factors)
    LoraSettings settings;
    int64_t adapterParams = 0;
    std::vector<double> loss;  // mean answer-token cross-entropy, per step
    double searchBefore = 0, searchAfter = 0;
    int64_t searchExamples = 0;
    double heldOutBefore = 0, heldOutAfter = 0;
    int64_t heldOutExamples = 0;  // 0: the task keeps no held-out examples
    double seconds = 0;           // training time
};

// What a recovery starts from: a result of the session ("ga", or
// "uniform:<method>" for a sweep's optimum), or, with level >= 0, every
// matrix at that grid level with the run's search method (points of a
// "with LoRA" accuracy-vs-pruning curve).
struct LoraTarget {
    std::string result = "ga";
    double level = -1;
};

// The identity of a run in a session: a later run with the same key replaces it.
std::string loraRunKey(const LoraRun& run);

}  // namespace sieve

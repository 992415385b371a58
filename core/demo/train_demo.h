#pragma once
// `sieve train-demo`: trains the bundled teaching model from scratch on the
// generated multi-skill corpus (skills.h) with AdamW through our own Model
// (randomInit + forward + parameters), then writes a Hugging Face model
// folder that transformers loads too:
//   config.json, model.safetensors, tokenizer.json,
//   tasks/<skill>.jsonl (one per skill, calibration + evaluation split by seed),
//   tasks/mixed.jsonl (every skill, examples tagged with their skill),
//   train-demo.json (options, seed, wall time, per-skill scores).
// Task examples are generated first and never appear in the training stream
// (except capital: recalling the fixed table is the skill).
#include <cstdint>
#include <map>
#include <string>

#include "core/types/job.h"

namespace sieve {

struct TrainDemoOptions {
    std::string outputDir;
    uint64_t seed = 1;
    int threads = 2;  // torch intra-op threads
    // Architecture (Llama): ~0.9M parameters with the defaults.
    int64_t hidden = 128;
    int layers = 4;
    int64_t intermediate = 384;
    int64_t heads = 4;
    // Optimisation: AdamW, linear warm-up then cosine decay, gradient clipping at 1.
    int steps = 3000;
    int batchSize = 64;
    double learningRate = 3e-3;
    double weightDecay = 0.01;
    int warmupSteps = 100;
    // Every `checkEvery` steps, greedy exact match on a check set (not the task
    // files); training stops early once every skill reaches `stopAccuracy`.
    int checkEvery = 250;
    int checkExamplesPerSkill = 100;
    double stopAccuracy = 0.995;
    // Task files: examples per skill (capital: the whole table), half calibration.
    int taskExamplesPerSkill = 200;
    int mixedExamplesPerSkill = 40;
    uint64_t taskSeed = 2024;
};

struct TrainDemoResult {
    int steps = 0;
    double finalLoss = 0;
    double trainSeconds = 0;
    double totalSeconds = 0;
    int64_t parameters = 0;
    // Exact match on each skill's evaluation split, scored by evaluateTask
    // through the saved files (tokenizer.json + model.safetensors).
    std::map<std::string, double> skillAccuracy;
    double mixedAccuracy = 0;
};

TrainDemoResult trainDemoModel(const TrainDemoOptions& options, JobContext& context);

}  // namespace sieve

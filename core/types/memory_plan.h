#pragma once
// What a run will need in memory, predicted from a model's config alone (no
// weights): the request (shape, dtype, methods, calibration tokens, devices)
// and the plan the planner makes of it (core/plan/memory_planner.h): peak
// device and host memory per phase, where blocks, boundary states and
// factors go, and, when it does not fit, why and what to change. Torch-free:
// the CLI's `sieve plan`, the engine's check before a run and the window
// all read it.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/types/device_choice.h"
#include "core/types/results.h"

namespace sieve {

// The shapes that decide memory, from a config.json, a GGUF header or a loaded model.
struct ModelShape {
    std::string name;  // what the plan calls it ("Llama-3.1-8B", a path)
    int layers = 0;
    int64_t hidden = 0;
    int64_t intermediate = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0;
    int64_t vocab = 0;
    bool tiedEmbeddings = false;
    bool attentionBias = false;  // q/k/v biases (Qwen2)
    int64_t maxPositions = 0;

    // [rows, cols] of q, k, v, o, gate, up, down.
    std::array<std::pair<int64_t, int64_t>, 7> matrixShapes() const;
    int64_t prunableParamsPerBlock() const;
    int64_t prunableParams() const { return prunableParamsPerBlock() * layers; }
    // Every parameter (embeddings, norms, biases, lm_head unless tied).
    int64_t totalParams() const;
};

struct PlanDevice {
    std::string name;       // "cuda:0", "cpu"
    int64_t capacity = 0;   // bytes the device has (total)
    int64_t available = 0;  // bytes a run may use (free now, less a reserve)
};

struct PlanRequest {
    ModelShape shape;
    DType dtype = DType::BFloat16;  // resolved (not Auto)
    std::vector<std::string> methods{"sieve"};
    std::string searchMethod;  // empty = defaultSearchMethod(methods)
    LevelGrid grid = defaultLevelGrid();
    int64_t calibrationTokens = 65536;  // tokens the calibration pass keeps at a block boundary
    int calibrationBatch = 8;           // sequences per calibration forward
    int64_t calibrationLength = 512;    // tokens per calibration sequence (padded)
    int evaluationRows = 32;            // examples per evaluation forward
    int64_t evaluationLength = 512;     // tokens per evaluation example (prompt + answer)
    // The GPUs a run may use, or one "cpu" entry (host and device are one memory then).
    std::vector<PlanDevice> devices;
    PlanDevice host;               // host memory
    bool fusedAttention = false;   // libtorch 2.x: no [T, T] attention scores
    bool allowHostOffload = true;  // blocks, boundary states and factors may wait in host memory
    // Each uniform sweep also runs with 8-bit factors (RunSettings::int8Factors):
    // their dequantized rank slices are copies on the device while it runs.
    bool int8Factors = false;
    // The budget of the genetic search's cache of hidden states reused across
    // chromosomes (RunSettings::speed.reuseBytes; choice tasks only): a long search
    // fills it, and the sensitivity scan keeps a second one beside it.
    int64_t reusedStateBytes = 0;
};

// One phase of a run and its predicted peak.
struct PhasePlan {
    std::string name;                  // "load", "calibrate", "project", "search"
    std::vector<int64_t> deviceBytes;  // predicted peak per device (the request's order)
    int64_t hostBytes = 0;             // predicted peak host memory for data (GPU runs only)
    // What the peak on the fullest device is made of, largest first.
    std::vector<std::pair<std::string, int64_t>> parts;
    bool fits = true;
    std::string why;  // when it does not fit: which memory, predicted vs available
};

struct MemoryPlan {
    PlanRequest request;
    std::vector<PhasePlan> phases;
    std::vector<int> blockDevice;  // device index (into request.devices) per block, contiguous
    bool unified = false;          // CPU run: device and host are one memory
    bool offloadBlocks = false;  // calibration runs each block on device 0 while the rest wait in host memory
    bool statesOnHost = false;   // boundary states wait in host memory (pinned)
    bool factorsOnHost = false;  // some factors wait in host memory (pinned); their applied slices are copied
    std::vector<std::string> hostFactorMethods;  // ... the methods whose factors do
    bool keepGrams = false;                      // every layer's Grams are kept (host) after calibration
    bool evictAfterSweep =
        false;  // a method's factors are freed once its sweep is done (not the search method's)
    // Sizes the plan is built from.
    int64_t weightBytes = 0;                                   // the whole model in the compute dtype
    int64_t stateBytes = 0;                                    // boundary states of the calibration tokens
    int64_t blockGramBytes = 0;                                // one block's four Grams (float64)
    int64_t allGramBytes = 0;                                  // every layer's Grams
    std::vector<std::pair<std::string, int64_t>> factorBytes;  // per method, the whole model
    bool fits = true;
    std::string refusal;  // when not: the phase, predicted and available memory, what to change

    const PhasePlan* phase(const std::string& name) const;
    // A readable table: one row per phase, one column per device (and host).
    std::string table() const;
};

// What a phase of a run measured against what its plan predicted (the
// engine logs it and keeps the run's list: Engine::phaseMeasurements).
struct PhaseMeasurement {
    std::string phase;  // "calibrate", "project:weight-svd", "search"
    double seconds = 0;
    std::string
        device;  // where the peak was measured ("cpu": resident set; "cuda:0": torch's peak allocated)
    int64_t peakBytes = -1;     // -1: not measurable here
    int64_t plannedBytes = -1;  // the plan's peak for that device and phase
};

}  // namespace sieve

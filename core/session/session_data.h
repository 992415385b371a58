#pragma once
// Everything a session file holds, as plain torch-free structs: the searches
// hand their result structs (core/types/results.h) to the session, the GUI
// and the CLI get them back when a session is opened. One task per session;
// comparing tasks opens two sessions.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/session/content_hash.h"
#include "core/types/lora.h"
#include "core/types/matrix_info.h"
#include "core/types/results.h"

namespace sieve {

// Who computed the results, how, and when.
struct Provenance {
    std::string appVersion;                 // empty: filled with SIEVE_VERSION_STRING on save
    std::string torchVersion;               // empty: filled with the linked libtorch's version on save
    std::string device;                     // "cpu", "cuda", "cuda:1"
    std::string dtype;                      // "float32", "bfloat16", "float16"
    std::map<std::string, uint64_t> seeds;  // e.g. {"ga": 1234, "split": 7}
    double eps = 0;                         // accepted accuracy loss: a >= (1 - eps) a0
    std::vector<std::string> methods;       // projection methods used
    LevelGrid levelGrid;                    // what a gene indexes
    std::string created;                    // ISO 8601 UTC; empty: set to now on the first save
    std::string modified;                   // ISO 8601 UTC; every save and append sets it to now
};

struct ModelIdentity {
    ModelSummary summary;                 // path, format, architecture, counts, matrices
    std::vector<FileDigest> weightFiles;  // as hashFiles() returned them
    std::string contentHash;              // ContentHash::combined
};

struct TaskIdentity {
    std::string name;
    std::string path;
    std::string hash;                           // ContentHash::combined of the task file(s)
    std::string metric;                         // "exact_match", "accuracy", ...
    std::map<std::string, int64_t> splitSizes;  // e.g. {"calibration": 256, "eval": 200}
};

// A Gram matrix X^T X of one matrix input, accumulated in float64.
struct GramMatrix {
    std::string name;  // "layers.3.attention_in": one per layer and InputSite
    int layer = 0;
    InputSite site = InputSite::AttentionIn;
    int64_t tokens = 0;  // rows of X that went into it
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> values;  // row-major rows x cols; empty when not loaded
};

struct CalibrationRecord {
    int64_t examples = 0;  // calibration examples run through the model
    int64_t tokens = 0;    // tokens those examples produced
    // Stored only with SessionSaveOptions::gramMatrices (they can be gigabytes).
    std::vector<GramMatrix> grams;
};

struct GaSession {
    GaResult result;  // settings, finished generations, best so far
    // The search's random generator state after the last finished generation
    // (opaque bytes from the search): with `result.generations` it resumes
    // the run on the same random stream.
    std::string rngState;
    bool complete = false;  // false: interrupted (or still running), resumable
    // GaResumeKey::text() of the run: everything that changes a fitness
    // value. A run continues this history only when its key is equal.
    std::string resumeKey;
    std::optional<LevelStatistics> levelStatistics;  // of the final population
};

struct SessionData {
    Provenance provenance;
    ModelIdentity model;
    TaskIdentity task;
    std::optional<BaselineResult> baseline;
    std::optional<CalibrationRecord> calibration;
    std::vector<UniformResult> uniform;  // one per method
    std::optional<GaSession> ga;
    std::vector<SensitivityResult> sensitivity;  // one per method
    std::vector<HeldOutEval> eval;               // held-out and generalisation scores
    std::vector<LoraRun> lora;                   // LoRA recoveries, one per loraRunKey
};

}  // namespace sieve

#pragma once
// Calibration job: streams token sequences through the unpruned model once
// and accumulates one Gram matrix per distinct matrix input (parallel
// calibration: every matrix sees the dense model's activations).
//
// Sequential calibration (block l calibrated on the output of blocks < l
// already pruned) calls this once per block on the partly pruned model:
// core/engine/sequential_evaluator.h.
#include <cstdint>
#include <vector>

#include "core/calibration/calibration_data.h"
#include "core/calibration/gram_accumulator.h"
#include "core/types/job.h"

namespace sieve {

class Model;

struct CalibrationOptions {
    int batchSize = 8;       // sequences per forward
    int64_t maxTokens = 0;   // stop after this many valid tokens (0 = all sequences)
    int64_t padTokenId = 0;  // any valid id: padded positions are masked out
    GramProductPrecision precision = GramProductPrecision::Auto;
};

// Sequences are right-padded into batches of `batchSize`; the attention mask
// keeps padding out of every Gram (the model's observer delivers only valid
// tokens). Sequences longer than the model's max positions are truncated
// (logged). Throws InputError for an empty split (no tokens), a batch size
// < 1 or token ids outside the vocabulary; Cancelled on cancel. The model's
// input observer is removed on every exit path; the model is not modified.
// Progress: phase "calibrate", one unit per batch.
CalibrationData calibrate(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                          const CalibrationOptions& options, JobContext& context);

}  // namespace sieve

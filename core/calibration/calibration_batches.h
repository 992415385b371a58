#pragma once
// The calibration split as padded batches: what the whole-model pass
// (calibrate.h) and the layer-streamed pass (layer_stream.h) both feed the
// model, so that the two see exactly the same tokens in the same order.
#include <cstdint>
#include <vector>

#include "core/calibration/calibrate.h"
#include "core/common/torch_compat.h"

namespace sieve {

struct ModelConfig;

struct CalibrationBatch {
    torch::Tensor ids;   // [B, T] int64 on the CPU, right-padded with options.padTokenId
    torch::Tensor mask;  // [B, T] int64, 1 = token, 0 = padding
    int64_t tokens = 0;  // valid tokens in this batch
};

// Sequences are right-padded into batches of `batchSize`, cut to the
// model's max positions (logged), empty ones skipped; batching stops after
// the batch that reaches options.maxTokens. Throws InputError for an empty
// split, a batch size < 1, a pad id or token ids outside the vocabulary
// (before any batch is made).
std::vector<CalibrationBatch> calibrationBatchesOf(const ModelConfig& config,
                                                   const std::vector<std::vector<int64_t>>& sequences,
                                                   const CalibrationOptions& options, JobContext& context);

}  // namespace sieve

#include "core/calibration/calibration_batches.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/model/config.h"

namespace sieve {

std::vector<CalibrationBatch> calibrationBatchesOf(const ModelConfig& config,
                                                   const std::vector<std::vector<int64_t>>& sequences,
                                                   const CalibrationOptions& options, JobContext& context) {
    if (options.batchSize < 1)
        throw InputError("calibration: batch size must be >= 1, got " + std::to_string(options.batchSize));
    const int64_t maxLength = config.maxPositions > 0 ? config.maxPositions : INT64_MAX;

    // Validate ids up front: a bad id must fail before any forward runs.
    std::vector<size_t> used;  // indices of non-empty sequences
    int64_t truncated = 0;
    for (size_t s = 0; s < sequences.size(); ++s) {
        const auto& seq = sequences[s];
        if (seq.empty()) continue;
        for (size_t t = 0; t < seq.size(); ++t)
            if (seq[t] < 0 || seq[t] >= config.vocab)
                throw InputError("calibration: sequence " + std::to_string(s) + " position " +
                                 std::to_string(t) + " has token id " + std::to_string(seq[t]) +
                                 " outside the vocabulary [0, " + std::to_string(config.vocab) + ")");
        if (int64_t(seq.size()) > maxLength) ++truncated;
        used.push_back(s);
    }
    if (used.empty())
        throw InputError("calibration: the calibration split is empty (" + std::to_string(sequences.size()) +
                         " sequences, no tokens)");
    if (options.padTokenId < 0 || options.padTokenId >= config.vocab)
        throw InputError("calibration: pad token id " + std::to_string(options.padTokenId) +
                         " outside the vocabulary");
    if (truncated > 0)
        context.log("calibration: " + std::to_string(truncated) + " sequences truncated to the model's " +
                    std::to_string(maxLength) + " positions");

    std::vector<CalibrationBatch> batches;
    int64_t tokens = 0;
    for (size_t first = 0; first < used.size(); first += size_t(options.batchSize)) {
        const size_t last = std::min(used.size(), first + size_t(options.batchSize));
        int64_t T = 0;
        for (size_t k = first; k < last; ++k)
            T = std::max<int64_t>(T, std::min<int64_t>(sequences[used[k]].size(), maxLength));
        const int64_t B = int64_t(last - first);
        // Right padding; the mask keeps padded positions out of every Gram.
        CalibrationBatch batch{torch::full({B, T}, options.padTokenId, torch::kLong),
                               torch::zeros({B, T}, torch::kLong), 0};
        auto idsA = batch.ids.accessor<int64_t, 2>();
        auto maskA = batch.mask.accessor<int64_t, 2>();
        for (int64_t row = 0; row < B; ++row) {
            const auto& seq = sequences[used[first + size_t(row)]];
            const int64_t n = std::min<int64_t>(seq.size(), maxLength);
            for (int64_t t = 0; t < n; ++t) {
                idsA[row][t] = seq[t];
                maskA[row][t] = 1;
            }
            batch.tokens += n;
        }
        tokens += batch.tokens;
        batches.push_back(std::move(batch));
        if (options.maxTokens > 0 && tokens >= options.maxTokens) break;
    }
    return batches;
}

}  // namespace sieve

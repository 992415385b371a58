#include "core/calibration/calibrate.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/model/model.h"

namespace sieve {

namespace {

// Installs the Gram observer for the lifetime of one calibration and removes
// it on every exit path (normal return, Cancelled, a bad batch).
class ObserverGuard {
public:
    ObserverGuard(Model& model, InputObserver observer) : model_(model) {
        model_.setInputObserver(std::move(observer));
    }
    ~ObserverGuard() { model_.clearInputObserver(); }
    ObserverGuard(const ObserverGuard&) = delete;
    ObserverGuard& operator=(const ObserverGuard&) = delete;

private:
    Model& model_;
};

}  // namespace

CalibrationData calibrate(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                          const CalibrationOptions& options, JobContext& context) {
    if (options.batchSize < 1)
        throw InputError("calibration: batch size must be >= 1, got " + std::to_string(options.batchSize));
    const ModelConfig& config = model.config();
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

    GramAccumulator accumulator(config.layers, options.precision);
    ObserverGuard guard(model, [&accumulator](int layer, InputSite site, const torch::Tensor& x) {
        accumulator.add(layer, site, x);
    });

    const int64_t batches = (int64_t(used.size()) + options.batchSize - 1) / options.batchSize;
    context.beginPhase("calibrate", batches);
    compat::InferenceGuard inference;
    int64_t tokens = 0;
    int64_t sequencesSeen = 0;
    for (int64_t b = 0; b < batches; ++b) {
        const size_t first = size_t(b) * options.batchSize;
        const size_t last = std::min(used.size(), first + size_t(options.batchSize));
        int64_t T = 0;
        for (size_t k = first; k < last; ++k)
            T = std::max<int64_t>(T, std::min<int64_t>(sequences[used[k]].size(), maxLength));
        const int64_t B = int64_t(last - first);
        // Right padding; the mask keeps padded positions out of every Gram.
        torch::Tensor ids = torch::full({B, T}, options.padTokenId, torch::kLong);
        torch::Tensor mask = torch::zeros({B, T}, torch::kLong);
        auto idsA = ids.accessor<int64_t, 2>();
        auto maskA = mask.accessor<int64_t, 2>();
        for (int64_t row = 0; row < B; ++row) {
            const auto& seq = sequences[used[first + row]];
            const int64_t n = std::min<int64_t>(seq.size(), maxLength);
            for (int64_t t = 0; t < n; ++t) {
                idsA[row][t] = seq[t];
                maskA[row][t] = 1;
            }
            tokens += n;
        }
        model.hiddenStates(ids.to(model.device()), mask.to(model.device()));  // logits unused: no lm_head
        sequencesSeen += B;
        context.advance(b + 1, "batch " + std::to_string(b + 1) + "/" + std::to_string(batches) + ", " +
                                   std::to_string(tokens) + " tokens");
        if (options.maxTokens > 0 && tokens >= options.maxTokens) break;
    }
    return std::move(accumulator).finish(model.summary().matrices, sequencesSeen);
}

}  // namespace sieve

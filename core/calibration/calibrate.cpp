#include "core/calibration/calibrate.h"

#include "core/calibration/calibration_batches.h"
#include "core/calibration/observer_guard.h"
#include "core/common/error.h"
#include "core/model/model.h"

namespace sieve {

CalibrationData calibrate(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                          const CalibrationOptions& options, JobContext& context) {
    const ModelConfig& config = model.config();
    const std::vector<CalibrationBatch> batches = calibrationBatchesOf(config, sequences, options, context);

    GramAccumulator accumulator(config.layers, options.precision);
    ObserverGuard guard(model, [&accumulator](int layer, InputSite site, const torch::Tensor& x) {
        accumulator.add(layer, site, x);
    });

    const int64_t total = int64_t(batches.size());
    context.beginPhase("calibrate", total);
    compat::InferenceGuard inference;
    int64_t tokens = 0;
    int64_t sequencesSeen = 0;
    for (int64_t b = 0; b < total; ++b) {
        const CalibrationBatch& batch = batches[size_t(b)];
        tokens += batch.tokens;
        model.hiddenStates(batch.ids.to(model.device()), batch.mask.to(model.device()));  // logits unused
        sequencesSeen += batch.ids.size(0);
        context.advance(b + 1, "batch " + std::to_string(b + 1) + "/" + std::to_string(total) + ", " +
                                   std::to_string(tokens) + " tokens");
    }
    return std::move(accumulator).finish(model.summary().matrices, sequencesSeen);
}

}  // namespace sieve

#pragma once
// Sequential calibration, for comparison with the parallel one the other
// methods use: block l is calibrated on the output of blocks < l already
// pruned, so its LLM-Sieve projections fit the inputs they will meet. The
// factors then depend on the levels of the blocks before, so one
// factorization cannot serve every level: each evaluated chromosome prunes
// the model block by block from dense in one layer-streamed pass
// (core/calibration/layer_stream.h): block l's Grams are accumulated on the
// pruned blocks' outputs, its matrices factored and pruned, and its pruned
// outputs feed block l+1. That is at most 2 L block forwards per chromosome
// (the old loop ran one whole-model calibration per pruned block, O(L^2)).
// Used by the uniform sweep of method "sieve-sequential". Internal to the engine.
#include <functional>
#include <vector>

#include "core/calibration/layer_stream.h"
#include "core/projection/projection_set.h"
#include "core/search/pruning_problem.h"

namespace sieve {

class Model;

class SequentialEvaluator : public ChromosomeEvaluator {
public:
    // `score` evaluates the model as it is now. The model is left pruned by
    // the last chromosome until restoreDense() (or destruction). With
    // `int8Factors` every block's factors are applied in 8 bits
    // (ProjectionSet::applyInt8), and the blocks after it are calibrated on
    // the outputs of those.
    SequentialEvaluator(Model& model, std::vector<std::vector<int64_t>> sequences, StreamOptions options,
                        const LevelGrid& grid, std::function<double(const JobContext&)> score,
                        bool int8Factors = false);
    ~SequentialEvaluator() override;
    SequentialEvaluator(const SequentialEvaluator&) = delete;
    SequentialEvaluator& operator=(const SequentialEvaluator&) = delete;

    double accuracy(const std::vector<int>& genes, const JobContext& context) override;
    void restoreDense();
    // Block forwards the last chromosome cost (over all calibration batches).
    int lastBlockPasses() const { return lastBlockPasses_; }

private:
    Model& model_;
    std::vector<std::vector<int64_t>> sequences_;
    StreamOptions options_;
    const LevelGrid& grid_;
    std::function<double(const JobContext&)> score_;
    bool int8Factors_ = false;
    std::vector<ProjectionSet> applied_;  // one per pruned block: the factors in use
    int lastBlockPasses_ = 0;
};

}  // namespace sieve

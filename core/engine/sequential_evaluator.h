#pragma once
// Sequential calibration, for comparison with the parallel one the other
// methods use: block l is calibrated on the output of blocks < l already
// pruned, so its LLM-Sieve projections fit the inputs they will meet. The
// factors then depend on the levels of the blocks before, so one
// factorization cannot serve every level: each evaluated chromosome prunes
// the model block by block from dense, one calibration pass per block that
// has a pruned matrix (L passes, against one for the parallel mode). Used by
// the uniform sweep of method "sieve-sequential". Internal to the engine.
#include <functional>
#include <vector>

#include "core/calibration/calibrate.h"
#include "core/projection/projection_set.h"
#include "core/search/pruning_problem.h"

namespace sieve {

class Model;

class SequentialEvaluator : public ChromosomeEvaluator {
public:
    // `score` evaluates the model as it is now. The model is left pruned by
    // the last chromosome until restoreDense() (or destruction).
    SequentialEvaluator(Model& model, std::vector<std::vector<int64_t>> sequences, CalibrationOptions options,
                        const LevelGrid& grid, std::function<double(const JobContext&)> score);
    ~SequentialEvaluator() override;
    SequentialEvaluator(const SequentialEvaluator&) = delete;
    SequentialEvaluator& operator=(const SequentialEvaluator&) = delete;

    double accuracy(const std::vector<int>& genes, const JobContext& context) override;
    void restoreDense();

private:
    Model& model_;
    std::vector<std::vector<int64_t>> sequences_;
    CalibrationOptions options_;
    const LevelGrid& grid_;
    std::function<double(const JobContext&)> score_;
    std::vector<ProjectionSet> applied_;  // one per pruned block: the factors in use
};

}  // namespace sieve

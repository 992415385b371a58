#include "core/engine/sequential_evaluator.h"

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/projection/projection_method.h"

namespace sieve {

SequentialEvaluator::SequentialEvaluator(Model& model, std::vector<std::vector<int64_t>> sequences,
                                         CalibrationOptions options, const LevelGrid& grid,
                                         std::function<double(const JobContext&)> score)
    : model_(model),
      sequences_(std::move(sequences)),
      options_(options),
      grid_(grid),
      score_(std::move(score)) {}

SequentialEvaluator::~SequentialEvaluator() {
    restoreDense();
}

void SequentialEvaluator::restoreDense() {
    model_.restoreAllDense();
    applied_.clear();
}

double SequentialEvaluator::accuracy(const std::vector<int>& genes, const JobContext& context) {
    const auto& matrices = model_.summary().matrices;
    if (genes.size() != matrices.size())
        throw InputError("the chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(matrices.size()) + " matrices");
    restoreDense();
    const std::vector<PrunableLinear*> linears = prunableLinears(model_);
    const auto method = makeProjection("sieve");
    // Nested work reports no progress of its own (the sweep's phase keeps its bar).
    JobContext quiet({}, {}, context.cancelToken());
    for (int layer = 0; layer < model_.summary().layers; ++layer) {
        std::vector<int> block;
        bool pruned = false;
        for (size_t i = 0; i < matrices.size(); ++i)
            if (matrices[i].layer == layer) {
                block.push_back(int(i));
                pruned = pruned || genes[i] != 0;
            }
        if (!pruned) continue;
        // The blocks before this one are pruned already: these Grams are of
        // the inputs this block meets in the pruned model.
        const std::vector<torch::Tensor> grams =
            calibrate(model_, sequences_, options_, quiet).gramsPerMatrix();
        std::vector<PrunableLinear*> blockLinears;
        std::vector<torch::Tensor> blockGrams;
        std::vector<double> levels;
        for (int i : block) {
            blockLinears.push_back(linears[size_t(i)]);
            blockGrams.push_back(grams[size_t(i)]);
            levels.push_back(grid_.at(size_t(genes[size_t(i)])));
        }
        ProjectionSetOptions setOptions;
        setOptions.factor.levels = grid_;
        ProjectionSet set = ProjectionSet::build(*method, blockLinears, blockGrams, setOptions, quiet);
        set.apply(levels);
        applied_.push_back(std::move(set));
    }
    return score_(context);
}

}  // namespace sieve

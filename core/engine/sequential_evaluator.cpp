#include "core/engine/sequential_evaluator.h"

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/projection/projection_method.h"

namespace sieve {

namespace {

// Prunes each block with a pruned gene as the stream reaches it: its Grams
// come from the pruned blocks' outputs, its factors are applied at once, and
// the stream then runs the pruned block to feed the next one.
class PruningVisitor : public BlockVisitor {
public:
    PruningVisitor(Model& model, const std::vector<int>& genes, const LevelGrid& grid,
                   std::vector<ProjectionSet>& applied, bool int8Factors)
        : model_(model),
          genes_(genes),
          grid_(grid),
          applied_(applied),
          method_(makeProjection("sieve")),
          int8Factors_(int8Factors) {}

    bool prunes(int layer) const {
        for (int t = 0; t < kMatrixTypeCount; ++t)
            if (genes_[size_t(layer * kMatrixTypeCount + t)] != 0) return true;
        return false;
    }
    int lastPrunedBlock() const {
        for (int l = model_.blockCount() - 1; l >= 0; --l)
            if (prunes(l)) return l;
        return -1;
    }
    bool wantsGrams(int layer) const override { return prunes(layer); }
    bool changesBlock(int layer) const override { return prunes(layer); }

    void visit(BlockGrams grams, JobContext& context) override {
        const auto& matrices = model_.summary().matrices;
        const std::vector<PrunableLinear*> all = prunableLinears(model_);
        std::vector<PrunableLinear*> linears;
        std::vector<double> levels;
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            const size_t i = size_t(grams.layer * kMatrixTypeCount + t);
            linears.push_back(all[i]);
            levels.push_back(grid_.at(size_t(genes_[i])));
        }
        ProjectionSetOptions options;
        options.factor.levels = grid_;
        ProjectionSet set = ProjectionSet::start(*method_, linears, options);
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            context.throwIfCancelled();
            set.factorMatrix(*method_, t,
                             grams.forMatrix(matrices[size_t(grams.layer * kMatrixTypeCount + t)].type));
        }
        if (int8Factors_)
            set.applyInt8(levels);
        else
            set.apply(levels);
        applied_.push_back(std::move(set));
    }

private:
    Model& model_;
    const std::vector<int>& genes_;
    const LevelGrid& grid_;
    std::vector<ProjectionSet>& applied_;
    std::unique_ptr<ProjectionMethod> method_;
    bool int8Factors_ = false;
};

}  // namespace

SequentialEvaluator::SequentialEvaluator(Model& model, std::vector<std::vector<int64_t>> sequences,
                                         StreamOptions options, const LevelGrid& grid,
                                         std::function<double(const JobContext&)> score, bool int8Factors)
    : model_(model),
      sequences_(std::move(sequences)),
      options_(std::move(options)),
      grid_(grid),
      score_(std::move(score)),
      int8Factors_(int8Factors) {}

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
    PruningVisitor visitor(model_, genes, grid_, applied_, int8Factors_);
    lastBlockPasses_ = 0;
    const int last = visitor.lastPrunedBlock();
    if (last >= 0) {
        StreamOptions options = options_;
        options.lastBlock = last;  // nothing past the last pruned block changes
        // Nested work reports no progress of its own (the sweep's phase keeps its bar).
        JobContext quiet({}, {}, context.cancelToken());
        lastBlockPasses_ = streamLayers(model_, sequences_, options, visitor, quiet).blockPasses;
    }
    return score_(context);
}

}  // namespace sieve

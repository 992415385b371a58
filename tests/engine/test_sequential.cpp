// Sequential calibration ("sieve-sequential"): block l is fitted on the
// inputs it meets once the blocks before it are pruned. Checked on the demo
// model against the parallel mode built from the same pieces: identical when
// only the first block is pruned (it sees dense inputs either way), different
// once a later block is pruned too, and the model dense again afterwards.
#include <QtTest/QtTest>

#include "core/calibration/calibrate.h"
#include "core/engine/sequential_evaluator.h"
#include "core/model/model.h"
#include "core/projection/projection_method.h"
#include "core/projection/projection_set.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";

std::vector<std::vector<int64_t>> randomSequences(int64_t vocab, int count, int length) {
    torch::manual_seed(7);
    const torch::Tensor ids = torch::randint(1, vocab, {count, length}, torch::kLong);
    std::vector<std::vector<int64_t>> out;
    for (int s = 0; s < count; ++s)
        out.emplace_back(ids[s].data_ptr<int64_t>(), ids[s].data_ptr<int64_t>() + length);
    return out;
}

}  // namespace

class TestSequential : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        model_ = Model::load(kDemo, LoadOptions{});
        sequences_ = randomSequences(model_->config().vocab, 12, 24);
        probe_ = torch::tensor(sequences_.front(), torch::kLong).unsqueeze(0);
        dense_ = logits();
        JobContext quiet;
        parallelData_ = calibrate(*model_, sequences_, CalibrationOptions{}, quiet);
        ProjectionSetOptions options;
        options.factor.levels = grid_;
        parallel_ = ProjectionSet::build(*makeProjection("sieve"), prunableLinears(*model_),
                                         parallelData_->gramsPerMatrix(), options, quiet);
    }

    void firstBlockAloneEqualsParallel() {
        const std::vector<int> genes = blocksAt({0}, 5);
        const torch::Tensor sequential = sequentialLogits(genes);
        QCOMPARE(lastAccuracy_, 0.5);
        const torch::Tensor parallel = parallelLogits(genes);
        QVERIFY(maxAbsDiff(parallel, dense_) > 1e-3);  // block 0 at 50 % does change the model
        QVERIFY2(maxAbsDiff(sequential, parallel) < 1e-4,
                 qPrintable(QString("max diff %1").arg(maxAbsDiff(sequential, parallel))));
    }

    void laterBlocksSeeThePrunedInputs() {
        const std::vector<int> genes = blocksAt({0, 1, 2, 3}, 5);
        const torch::Tensor sequential = sequentialLogits(genes);
        const torch::Tensor parallel = parallelLogits(genes);
        QVERIFY2(maxAbsDiff(sequential, parallel) > 1e-4,
                 qPrintable(QString("max diff %1").arg(maxAbsDiff(sequential, parallel))));
        // Same parameter budget either way: the level fixes the rank.
        QCOMPARE(prunedParams_, parallelParams_);
    }

    void modelIsDenseAfterwards() {
        QCOMPARE(model_->currentPrunableParams(), model_->summary().prunableParams);
        QVERIFY(maxAbsDiff(logits(), dense_) < 1e-6);
    }

private:
    std::vector<int> blocksAt(std::vector<int> layers, int levelIndex) const {
        std::vector<int> genes;
        for (const MatrixInfo& m : model_->summary().matrices)
            genes.push_back(std::find(layers.begin(), layers.end(), m.layer) != layers.end() ? levelIndex
                                                                                             : 0);
        return genes;
    }
    torch::Tensor logits() const {
        torch::NoGradGuard noGrad;
        return model_->forward(probe_)[0];
    }
    torch::Tensor sequentialLogits(const std::vector<int>& genes) {
        torch::Tensor out;
        SequentialEvaluator evaluator(*model_, sequences_, CalibrationOptions{}, grid_,
                                      [&](const JobContext&) {
                                          out = logits();
                                          prunedParams_ = model_->currentPrunableParams();
                                          return 0.5;
                                      });
        JobContext quiet;
        lastAccuracy_ = evaluator.accuracy(genes, quiet);  // what the score function said, passed through
        return out;
    }
    torch::Tensor parallelLogits(const std::vector<int>& genes) {
        std::vector<double> levels;
        for (int g : genes) levels.push_back(grid_[size_t(g)]);
        DenseRestoreGuard restore(parallel_);
        parallel_.apply(levels);
        parallelParams_ = model_->currentPrunableParams();
        return logits();
    }
    std::unique_ptr<Model> model_;
    std::vector<std::vector<int64_t>> sequences_;
    LevelGrid grid_ = defaultLevelGrid();
    torch::Tensor probe_, dense_;
    std::optional<CalibrationData> parallelData_;
    ProjectionSet parallel_;
    int64_t prunedParams_ = 0, parallelParams_ = 0;
    double lastAccuracy_ = 0;
};

QTEST_GUILESS_MAIN(TestSequential)
#include "test_sequential.moc"

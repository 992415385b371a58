// Sequential calibration ("sieve-sequential"): block l is fitted on the
// inputs it meets once the blocks before it are pruned. Checked on the demo
// model against the parallel mode built from the same pieces: identical when
// only the first block is pruned (it sees dense inputs either way), different
// once a later block is pruned too, and the model dense again afterwards; and
// against the loop it replaced (one whole-model calibration per pruned
// block): the same pruned model from O(L) block forwards.
#include <QtTest/QtTest>

Q_DECLARE_METATYPE(std::vector<int>)

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

    void streamedLoopEqualsTheOldLoop_data() {
        QTest::addColumn<std::vector<int>>("genes");
        const int matrices = int(model_->summary().matrices.size());
        QTest::newRow("every block at level 0.5") << std::vector<int>(size_t(matrices), 5);
        std::vector<int> mixed;
        for (int i = 0; i < matrices; ++i) mixed.push_back((i * 7) % 10);  // per-matrix levels, some dense
        QTest::newRow("mixed levels") << mixed;
        QTest::newRow("blocks 1 and 3") << blocksAt({1, 3}, 8);
    }
    void streamedLoopEqualsTheOldLoop() {
        // Today's loop (before the layer stream): for every block with a pruned
        // matrix, one whole-model calibration on the partly pruned model,
        // then that block's factors applied. The stream must give the same model.
        QFETCH(std::vector<int>, genes);
        torch::Tensor old;
        {
            const auto linears = prunableLinears(*model_);
            const auto& matrices = model_->summary().matrices;
            std::vector<ProjectionSet> applied;
            JobContext quiet;
            for (int layer = 0; layer < model_->summary().layers; ++layer) {
                std::vector<int> block;
                bool pruned = false;
                for (size_t i = 0; i < matrices.size(); ++i)
                    if (matrices[i].layer == layer) {
                        block.push_back(int(i));
                        pruned = pruned || genes[i] != 0;
                    }
                if (!pruned) continue;
                const auto grams =
                    calibrate(*model_, sequences_, CalibrationOptions{}, quiet).gramsPerMatrix();
                std::vector<PrunableLinear*> blockLinears;
                std::vector<torch::Tensor> blockGrams;
                std::vector<double> levels;
                for (int i : block) {
                    blockLinears.push_back(linears[size_t(i)]);
                    blockGrams.push_back(grams[size_t(i)]);
                    levels.push_back(grid_[size_t(genes[size_t(i)])]);
                }
                ProjectionSetOptions options;
                options.factor.levels = grid_;
                applied.push_back(
                    ProjectionSet::build(*makeProjection("sieve"), blockLinears, blockGrams, options, quiet));
                applied.back().apply(levels);
            }
            old = logits();
            prunedOld_ = model_->currentPrunableParams();
            model_->restoreAllDense();
        }
        int passes = 0;
        const torch::Tensor streamed = sequentialLogits(genes, &passes);
        QVERIFY2(maxAbsDiff(streamed, old) < 1e-5,
                 qPrintable(QString("max diff %1").arg(maxAbsDiff(streamed, old))));
        QCOMPARE(prunedParams_, prunedOld_);
        // O(L) block forwards: one per block up to the last pruned one, plus one per pruned block.
        QVERIFY2(passes <= 2 * model_->summary().layers, qPrintable(QString::number(passes)));
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
    torch::Tensor sequentialLogits(const std::vector<int>& genes, int* passes = nullptr) {
        torch::Tensor out;
        SequentialEvaluator evaluator(*model_, sequences_, CalibrationOptions{}, grid_,
                                      [&](const JobContext&) {
                                          out = logits();
                                          prunedParams_ = model_->currentPrunableParams();
                                          return 0.5;
                                      });
        JobContext quiet;
        lastAccuracy_ = evaluator.accuracy(genes, quiet);  // what the score function said, passed through
        if (passes) *passes = evaluator.lastBlockPasses();
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
    int64_t prunedParams_ = 0, parallelParams_ = 0, prunedOld_ = 0;
    double lastAccuracy_ = 0;
};

QTEST_GUILESS_MAIN(TestSequential)
#include "test_sequential.moc"

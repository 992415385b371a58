// Layer-streamed calibration against the whole-model pass it replaces in the
// engine: the same Grams (float64, relative difference < 1e-10) and the same
// factors from them, the block-by-block forward equal to the model's own,
// and the pieces a stream relies on (the boundary states, offloading and
// placement lists) leaving the model as it was.
#include <QtTest/QtTest>

#include "core/calibration/calibrate.h"
#include "core/calibration/layer_stream.h"
#include "core/common/device_memory.h"
#include "core/common/error.h"
#include "core/engine/streamed_projection.h"
#include "core/model/model.h"
#include "core/projection/projection_method.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

ModelConfig config(int64_t hidden, int64_t intermediate, int layers) {
    ModelConfig c;
    c.modelType = "llama";
    c.hidden = hidden;
    c.intermediate = intermediate;
    c.layers = layers;
    c.heads = 4;
    c.kvHeads = 2;  // grouped-query attention, as Llama-3
    c.vocab = 97;
    c.maxPositions = 64;
    return c;
}

// Sequences of different lengths (padded batches), one empty (skipped).
std::vector<std::vector<int64_t>> sequences(int count, int64_t vocab) {
    std::vector<std::vector<int64_t>> out;
    int64_t id = 5;
    for (int s = 0; s < count; ++s) {
        std::vector<int64_t> seq;
        const int length = s == 3 ? 0 : 4 + (s * 7) % 29;
        for (int t = 0; t < length; ++t) seq.push_back((id = (id * 31 + 7) % vocab));
        out.push_back(seq);
    }
    return out;
}

double relDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).norm().item<double>() / std::max(b.norm().item<double>(), 1e-300);
}

// Collects every block's Grams, as the whole-model pass keeps them.
class Collector : public BlockVisitor {
public:
    bool wantsGrams(int) const override { return true; }
    bool changesBlock(int) const override { return false; }
    void visit(BlockGrams grams, JobContext&) override { blocks.push_back(std::move(grams)); }
    std::vector<BlockGrams> blocks;
};

// Holds a large buffer while it visits one block: the stream's peak belongs there.
class HungryVisitor : public Collector {
public:
    explicit HungryVisitor(int hungryLayer) : hungryLayer_(hungryLayer) {}
    void visit(BlockGrams grams, JobContext& context) override {
        if (grams.layer == hungryLayer_) {
            const torch::Tensor buffer = torch::ones({int64_t(kBytes / 4)});  // touched: resident
            QCOMPARE(buffer.sum().item<double>(), double(kBytes / 4));
        }
        Collector::visit(std::move(grams), context);
    }
    static constexpr int64_t kBytes = int64_t(256) << 20;

private:
    int hungryLayer_;
};

}  // namespace

class TestLayerStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void blocksComposeToTheForward() {
        auto model = Model::randomInit(config(32, 56, 3), 4, LoadOptions{DeviceChoice{"cpu"}});
        const torch::Tensor ids = torch::tensor({{3, 9, 27, 81, 50, 1}, {7, 8, 9, 0, 0, 0}}, torch::kLong);
        const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}}, torch::kLong);
        const torch::Tensor whole = model->forward(ids, mask);
        const ForwardContext context = model->maskContext(mask);
        const torch::Tensor x0 = model->embedTokens(ids);
        QVERIFY(torch::equal(model->finalLogits(model->runBlocks(x0, context, 0, 3)), whole));
        // Split at any boundary: the stream at block 1 carries everything.
        const torch::Tensor x1 = model->runBlocks(x0, context, 0, 1);
        QVERIFY(torch::equal(model->finalLogits(model->runBlocks(x1, context, 1, 3)), whole));
        QVERIFY_THROWS_EXCEPTION(InputError, model->runBlocks(x1, context, 2, 4));
        QVERIFY_THROWS_EXCEPTION(InputError, model->maskContext(torch::ones({6}, torch::kLong)));
        QVERIFY_THROWS_EXCEPTION(InputError, model->embedTokens(torch::tensor({{97}}, torch::kLong)));
    }

    void streamedGramsEqualWholeModel_data() {
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<int64_t>("maxTokens");
        QTest::addColumn<bool>("statesOnHost");
        QTest::newRow("one sequence per batch") << 1 << int64_t(0) << false;
        QTest::newRow("padded batches of 3") << 3 << int64_t(0) << false;
        QTest::newRow("padded batches of 5, states parked in host memory") << 5 << int64_t(0) << true;
        QTest::newRow("token budget cuts the split") << 4 << int64_t(60) << false;
    }
    void streamedGramsEqualWholeModel() {
        QFETCH(int, batchSize);
        QFETCH(int64_t, maxTokens);
        QFETCH(bool, statesOnHost);
        auto model = Model::randomInit(config(40, 72, 3), 9, LoadOptions{DeviceChoice{"cpu"}});
        const auto seqs = sequences(11, 97);
        CalibrationOptions options;
        options.batchSize = batchSize;
        options.maxTokens = maxTokens;
        JobContext quiet;
        const CalibrationData whole = calibrate(*model, seqs, options, quiet);

        Collector collector;
        StreamOptions stream(options);
        stream.statesOnHost = statesOnHost;
        stream.computeDevice = torch::Device(torch::kCPU);  // "offloaded": moved to the CPU and back
        std::vector<Progress> progress;
        JobContext context([&](const Progress& p) { progress.push_back(p); }, {});
        const StreamStats stats = streamLayers(*model, seqs, stream, collector, context);

        QCOMPARE(stats.tokens, whole.tokens());
        QCOMPARE(stats.sequences, whole.sequences());
        QCOMPARE(stats.blockPasses, 3);  // one pass per block: outputs made while the Grams accumulate
        QCOMPARE(int(collector.blocks.size()), 3);
        double worst = 0;
        for (const BlockGrams& block : collector.blocks) {
            QCOMPARE(block.tokens, whole.tokens());
            for (int site = 0; site < 4; ++site) {
                const torch::Tensor& streamed = block.at(InputSite(site));
                QCOMPARE(streamed.scalar_type(), torch::kDouble);
                // (Symmetric only as far as the whole pass's are: a full-square float32 product is not
                // mirrored.)
                worst = std::max(worst, relDiff(streamed, whole.gram(block.layer, InputSite(site))));
            }
        }
        QVERIFY2(worst < 1e-10, qPrintable(QString("largest relative difference %1").arg(worst)));
        QCOMPARE(progress.front().phase, std::string("calibrate"));
        QCOMPARE(progress.back().done, int64_t(3));
        for (int l = 0; l < 3; ++l) QCOMPARE(model->blockDevice(l), torch::Device(torch::kCPU));
    }

    void streamedFactorsEqualWholeModel() {
        // The engine's pass (calibrate + project block by block) against
        // ProjectionSet::build on calibrate()'s Grams: the same factors.
        auto model = Model::randomInit(config(48, 80, 2), 12, LoadOptions{DeviceChoice{"cpu"}});
        const auto seqs = sequences(9, 97);
        JobContext quiet;
        const CalibrationData whole = calibrate(*model, seqs, CalibrationOptions{}, quiet);
        StreamedProjectionOptions options;
        options.methods = {"sieve", "input-pca", "wanda"};
        options.grid = defaultLevelGrid();
        options.keepGrams = true;
        const StreamedProjection streamed = calibrateAndProject(*model, seqs, options, quiet);
        QCOMPARE(int(streamed.sets.size()), 3);
        QVERIFY(streamed.grams.has_value());
        QCOMPARE(streamed.grams->tokens(), whole.tokens());
        for (int i = 0; i < whole.matrixCount(); ++i)
            QVERIFY(relDiff(streamed.grams->gramForMatrix(i), whole.gramForMatrix(i)) < 1e-10);
        for (const auto& [name, set] : streamed.sets) {
            ProjectionSetOptions setOptions;
            setOptions.factor.levels = options.grid;
            const ProjectionSet reference = ProjectionSet::build(
                *makeProjection(name), prunableLinears(*model), whole.gramsPerMatrix(), setOptions, quiet);
            QVERIFY(set.isComplete());
            for (int i = 0; i < set.matrixCount(); ++i) {
                const Factorization& a = set.factorization(i);
                const Factorization& b = reference.factorization(i);
                QCOMPARE(a.maxRank(), b.maxRank());
                for (double level : {0.3, 0.9}) {
                    const torch::Tensor W = model->matrix(i).weight();
                    const double d = maxAbsDiff(a.weightAt(level, W), b.weightAt(level, W));
                    QVERIFY2(d < 1e-6, qPrintable(QString("%1 matrix %2 level %3: %4")
                                                      .arg(QString::fromStdString(name))
                                                      .arg(i)
                                                      .arg(level)
                                                      .arg(d)));
                }
            }
        }
    }

    void rankSlicesAreViews() {
        // The factor store's layout: a level change hands the linear views
        // of the stored factors (no copy), and an unchanged level costs nothing.
        auto model = Model::randomInit(config(48, 80, 2), 12, LoadOptions{DeviceChoice{"cpu"}});
        JobContext quiet;
        ProjectionSetOptions options;
        options.factor.levels = defaultLevelGrid();
        const ProjectionSet set =
            ProjectionSet::build(*makeProjection("weight-svd"), prunableLinears(*model), {}, options, quiet);
        std::vector<double> levels(size_t(set.matrixCount()), 0.5);
        set.apply(levels);
        for (int i = 0; i < set.matrixCount(); ++i) {
            const PrunableLinear& linear = model->matrix(i);
            QVERIFY(linear.isFactorized());
            QCOMPARE(linear.factorA().data_ptr(), set.factorization(i).A().data_ptr());
            QCOMPARE(linear.factorB().data_ptr(), set.factorization(i).B().data_ptr());
        }
        set.apply(levels);  // unchanged
        levels[0] = 0.7;
        set.apply(levels);  // one matrix changes
        const ApplyStats& stats = set.applyStats();
        QCOMPARE(stats.matrixApplies, int64_t(3 * set.matrixCount()));
        QCOMPARE(stats.inPlace, int64_t(set.matrixCount() + 1));
        QCOMPARE(stats.unchanged, int64_t(2 * set.matrixCount() - 1));
        QCOMPARE(stats.copied, int64_t(0));
        QCOMPARE(stats.hitRate(), 1.0);
        // The views compute what the copies did: B_r A_r of the stored factors.
        const torch::Tensor x = torch::randn({3, 48});
        const auto BA = set.factorization(0).factorsAt(0.7);
        QVERIFY(maxAbsDiff(model->matrix(0).forward(x), x.matmul(BA.second.t()).matmul(BA.first.t())) < 1e-5);
        set.restoreDense();
    }

    void peakIsTracedToTheStageThatRaisedIt() {
        auto model = Model::randomInit(config(32, 56, 3), 2, LoadOptions{DeviceChoice{"cpu"}});
        HungryVisitor visitor(1);
        JobContext quiet;
        resetPeakMemory("cpu");
        const StreamStats stats = streamLayers(*model, sequences(6, 97), StreamOptions{}, visitor, quiet);
        QCOMPARE(int(stats.peaks.size()), 1);
        const StreamPeak& peak = stats.peaks.front();
        QCOMPARE(QString::fromStdString(peak.device), QString("cpu"));
        QCOMPARE(peak.layer, 1);
        QCOMPARE(QString::fromStdString(peak.stage), QString("factoring"));
        QVERIFY2(peak.peak - peak.heldAtStart >= HungryVisitor::kBytes * 9 / 10,
                 qPrintable(QString("peak %1, held at start %2").arg(peak.peak).arg(peak.heldAtStart)));
    }

    void modelIsUnchangedAfterAStream() {
        auto model = Model::randomInit(config(32, 56, 3), 2, LoadOptions{DeviceChoice{"cpu"}});
        const torch::Tensor ids = torch::tensor({{3, 9, 27, 81}}, torch::kLong);
        const torch::Tensor before = model->forward(ids);
        Collector collector;
        JobContext quiet;
        streamLayers(*model, sequences(6, 97), StreamOptions{}, collector, quiet);
        QVERIFY(torch::equal(model->forward(ids), before));
        // A cancelled stream leaves no observer behind either.
        CancelToken token;
        token.cancel();
        JobContext cancelled({}, {}, token);
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, streamLayers(*model, sequences(6, 97), StreamOptions{}, collector, cancelled));
        QVERIFY(torch::equal(model->forward(ids), before));
    }

    void placementListKeepsLogits() {
        // Contiguous blocks on a placement list (every entry the CPU here: the
        // GPU check runs the same code with cuda:0,cuda:1): identical logits.
        const ModelConfig c = config(32, 56, 4);
        auto single = Model::randomInit(c, 21, LoadOptions{DeviceChoice{"cpu"}});
        auto placed =
            Model::randomInit(c, 21, LoadOptions{DeviceChoice{"cpu"}, {"cpu", "cpu", "cpu", "cpu"}});
        const torch::Tensor ids = torch::tensor({{3, 9, 27, 81, 50}, {1, 2, 3, 0, 0}}, torch::kLong);
        const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}, torch::kLong);
        QVERIFY(torch::equal(single->forward(ids, mask), placed->forward(ids, mask)));
        placed->placeBlocks(std::vector<torch::Device>(4, torch::kCPU));
        QVERIFY(torch::equal(single->forward(ids, mask), placed->forward(ids, mask)));
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 Model::randomInit(c, 21, LoadOptions{DeviceChoice{"cpu"}, {"cpu"}}));
        QVERIFY_THROWS_EXCEPTION(
            InputError,
            Model::randomInit(c, 21, LoadOptions{DeviceChoice{"cpu"}, {"cpu", "cpu", "gpu", "cpu"}}));
    }

    void placementAcrossGpuAndCpuKeepsLogitsAndGrams() {
        // Hidden states crossing devices between blocks (what several GPUs do), on a
        // machine with one: blocks alternate between cuda:0 and the CPU. float32 on
        // both; the GPU's kernels round differently, so equal within 1e-4.
        if (!compat::cudaAvailable()) QSKIP("no CUDA device: the GPU check runs this");
        const ModelConfig c = config(32, 56, 4);
        auto single = Model::randomInit(c, 21, LoadOptions{DeviceChoice{"cuda:0", DType::Float32}});
        auto placed = Model::randomInit(
            c, 21, LoadOptions{DeviceChoice{"cuda:0", DType::Float32}, {"cuda:0", "cpu", "cuda:0", "cpu"}});
        QCOMPARE(placed->blockDevice(1).str(), std::string("cpu"));
        QVERIFY(placed->blockDevice(2).is_cuda());
        const torch::Tensor ids = torch::tensor({{3, 9, 27, 81, 50}, {1, 2, 3, 0, 0}}, torch::kLong);
        const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}, torch::kLong);
        const torch::Tensor a = single->forward(ids, mask).cpu(), b = placed->forward(ids, mask).cpu();
        QVERIFY2(relDiff(b, a) < 1e-4, qPrintable(QString("logits differ by %1").arg(relDiff(b, a))));
        Collector one, two;
        JobContext quiet;
        streamLayers(*single, sequences(6, 97), StreamOptions{}, one, quiet);
        const StreamStats stats = streamLayers(*placed, sequences(6, 97), StreamOptions{}, two, quiet);
        QCOMPARE(int(two.blocks.size()), 4);
        for (size_t l = 0; l < 4; ++l)
            for (size_t s = 0; s < one.blocks[l].sites.size(); ++s) {
                const torch::Tensor& G = two.blocks[l].sites[s];
                QCOMPARE(G.device().is_cuda(), l % 2 == 0);  // each block's Grams where it ran
                QVERIFY(relDiff(G.cpu(), one.blocks[l].sites[s].cpu()) < 1e-4);
            }
        QCOMPARE(int(stats.peaks.size()), 2);  // one peak per device the blocks ran on
    }
};

QTEST_GUILESS_MAIN(TestLayerStream)
#include "test_layer_stream.moc"

// Gram accumulation against independent references: Eigen's X^T X over
// explicitly captured activations (one unpadded sequence at a time, so that
// padding cannot leak in), and for layer 0 the attention input recomputed by
// hand from the embedding and the input RMSNorm.
#include <QtTest/QtTest>

#include <Eigen/Dense>
#include <map>

#include "core/calibration/calibrate.h"
#include "core/calibration/gram_accumulator.h"
#include "core/common/error.h"
#include "core/model/model.h"

using namespace sieve;
using Mat = Eigen::MatrixXd;
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

Mat toEigen(const torch::Tensor& t) {
    torch::Tensor c = t.detach().to(torch::kCPU).to(torch::kDouble).contiguous();
    return Eigen::Map<const RowMat>(c.data_ptr<double>(), c.size(0), c.size(1));
}

ModelConfig tinyConfig() {
    ModelConfig c;
    c.modelType = "llama";
    c.hidden = 32;
    c.intermediate = 48;
    c.layers = 2;
    c.heads = 4;
    c.kvHeads = 2;  // GQA: k/v are narrower than q, they still share q's input
    c.headDim = 8;
    c.vocab = 50;
    c.maxPositions = 64;
    return c;
}

std::vector<std::vector<int64_t>> sequences() {
    // Different lengths so that batches are padded; one empty sequence (skipped).
    std::vector<std::vector<int64_t>> s;
    const int lengths[] = {5, 12, 1, 9, 0, 7, 3, 11};
    int64_t id = 1;
    for (int n : lengths) {
        std::vector<int64_t> seq;
        for (int t = 0; t < n; ++t) seq.push_back((id = (id * 17 + 5) % 50));
        s.push_back(seq);
    }
    return s;
}

// Reference Grams: every sequence alone (no padding at all), activations
// captured explicitly and multiplied in Eigen.
std::map<std::pair<int, int>, Mat> referenceGrams(Model& model, const std::vector<std::vector<int64_t>>& seqs,
                                                  int64_t* tokens) {
    std::map<std::pair<int, int>, std::vector<Mat>> captured;
    model.setInputObserver([&](int layer, InputSite site, const torch::Tensor& x) {
        captured[{layer, int(site)}].push_back(toEigen(x));
    });
    *tokens = 0;
    for (const auto& seq : seqs) {
        if (seq.empty()) continue;
        model.forward(torch::tensor(seq, torch::kLong).view({1, -1}));
        *tokens += int64_t(seq.size());
    }
    model.clearInputObserver();
    std::map<std::pair<int, int>, Mat> grams;
    for (auto& [key, xs] : captured) {
        Mat C = Mat::Zero(xs[0].cols(), xs[0].cols());
        for (const Mat& x : xs) C += x.transpose() * x;
        grams[key] = C;
    }
    return grams;
}

double relDiff(const Mat& a, const Mat& b) {
    return (a - b).norm() / std::max(b.norm(), 1e-300);
}

}  // namespace

class TestCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void accumulatorMatchesEigen_data();
    void accumulatorMatchesEigen();
    void accumulatorRejectsBadInput();
    void calibrateMatchesCapturedActivations_data();
    void calibrateMatchesCapturedActivations();
    void layerZeroGramFromEmbeddings();
    void sharedInputsShareOneGram();
    void badSplitsAreInputErrors();
    void maxTokensStopsEarly();
    void cancelLeavesModelUsable();
};

void TestCalibration::accumulatorMatchesEigen_data() {
    QTest::addColumn<int>("precision");
    QTest::addColumn<int>("H");
    QTest::addColumn<double>("tolerance");
    // H >= 256 takes the CPU lower-block-triangle path (3 and 7 blocks here).
    for (int H : {12, 400, 1000}) {
        QTest::addRow("float64 products, H %d", H) << int(GramProductPrecision::Float64) << H << 1e-12;
        QTest::addRow("float32 products, H %d", H) << int(GramProductPrecision::Float32) << H << 1e-6;
    }
}

void TestCalibration::accumulatorMatchesEigen() {
    QFETCH(int, precision);
    QFETCH(int, H);
    QFETCH(double, tolerance);
    torch::manual_seed(1);
    GramAccumulator acc(3, GramProductPrecision(precision));
    Mat ref = Mat::Zero(H, H);
    int64_t n = 0;
    for (int batch = 0; batch < 5; ++batch) {
        const torch::Tensor x = torch::randn({7 + batch, H}) + 0.5;  // non-centred, like activations
        acc.add(1, InputSite::MlpIn, x);
        const Mat xe = toEigen(x);
        ref += xe.transpose() * xe;
        n += x.size(0);
    }
    acc.add(1, InputSite::MlpIn, torch::zeros({0, H}));  // an empty batch changes nothing
    const torch::Tensor C = acc.gram(1, InputSite::MlpIn);
    QCOMPARE(C.scalar_type(), torch::kDouble);
    QVERIFY2(relDiff(toEigen(C), ref) <= tolerance, qPrintable(QString::number(relDiff(toEigen(C), ref))));
    QVERIFY(torch::equal(C, C.t()));  // exactly symmetric
    QCOMPARE(acc.tokens(1, InputSite::MlpIn), n);
    QVERIFY(!acc.has(0, InputSite::MlpIn));
    QVERIFY(!acc.has(1, InputSite::AttentionIn));
    // finish() hands over the same full matrix.
    MatrixInfo up{"model.layers.1.mlp.up_proj", 1, MatrixType::Up, 8, H, false};
    const CalibrationData data = std::move(acc).finish({up}, 5);
    QVERIFY(torch::equal(data.gramForMatrix(0), C));
}

void TestCalibration::accumulatorRejectsBadInput() {
    GramAccumulator acc(2);
    acc.add(0, InputSite::AttentionIn, torch::randn({4, 8}));
    QVERIFY_THROWS_EXCEPTION(InputError, acc.add(0, InputSite::AttentionIn, torch::randn({4, 9})));
    QVERIFY_THROWS_EXCEPTION(InputError, acc.add(2, InputSite::AttentionIn, torch::randn({4, 8})));
    QVERIFY_THROWS_EXCEPTION(InputError, acc.add(0, InputSite::AttentionIn, torch::randn({8})));
    torch::Tensor nan = torch::randn({4, 8});
    nan[2][3] = std::nan("");
    QVERIFY_THROWS_EXCEPTION(InputError, acc.add(0, InputSite::AttentionIn, nan));
    QCOMPARE(acc.tokens(0, InputSite::AttentionIn), int64_t(4));  // the bad batch was not added
    // finish() names a matrix whose input never saw a token.
    MatrixInfo q{"model.layers.0.self_attn.q_proj", 0, MatrixType::Q, 8, 8, false};
    MatrixInfo down{"model.layers.1.mlp.down_proj", 1, MatrixType::Down, 8, 16, false};
    try {
        std::move(acc).finish({q, down}, 1);
        QFAIL("finish accepted a site without tokens");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find("down_proj") != std::string::npos, e.what());
    }
}

void TestCalibration::calibrateMatchesCapturedActivations_data() {
    QTest::addColumn<int>("batchSize");
    QTest::newRow("one sequence per batch") << 1;
    QTest::newRow("padded batches of 3") << 3;
    QTest::newRow("one padded batch") << 16;
}

void TestCalibration::calibrateMatchesCapturedActivations() {
    QFETCH(int, batchSize);
    auto model = Model::randomInit(tinyConfig(), 7, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    const auto seqs = sequences();
    int64_t tokens = 0;
    const auto ref = referenceGrams(*model, seqs, &tokens);

    std::vector<Progress> progress;
    JobContext ctx([&](const Progress& p) { progress.push_back(p); }, {});
    CalibrationOptions options;
    options.batchSize = batchSize;
    options.precision = GramProductPrecision::Float64;
    const CalibrationData data = calibrate(*model, seqs, options, ctx);

    QCOMPARE(data.tokens(), tokens);
    QCOMPARE(data.sequences(), int64_t(7));
    QCOMPARE(data.layers(), 2);
    QCOMPARE(int(ref.size()), 2 * 4);
    for (const auto& [key, C] : ref) {
        const InputSite site = InputSite(key.second);
        QCOMPARE(data.siteTokens(key.first, site), tokens);
        const double d = relDiff(toEigen(data.gram(key.first, site)), C);
        // Padded batches run other kernels than single sequences: float32 rounding.
        QVERIFY2(d <= 1e-5,
                 qPrintable(QString("layer %1 site %2: %3").arg(key.first).arg(key.second).arg(d)));
    }
    // Progress: phase "calibrate", one unit per batch.
    const int64_t batches = (7 + batchSize - 1) / batchSize;
    QCOMPARE(progress.front().phase, std::string("calibrate"));
    QCOMPARE(progress.back().done, batches);
    QCOMPARE(progress.back().total, batches);
    // The Grams are all the memory calibration keeps.
    QCOMPARE(data.bytes(), int64_t(8) * 2 * (32 * 32 + 32 * 32 + 32 * 32 + 48 * 48));
}

void TestCalibration::layerZeroGramFromEmbeddings() {
    // Layer 0's attention input is RMSNorm(embed[ids]) * input_layernorm:
    // computed here from the state dict, independently of the model's forward.
    ModelConfig config = tinyConfig();
    auto model = Model::randomInit(config, 11, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    auto state = model->hfStateDict();
    // Give the norm a non-trivial weight so that it matters.
    const torch::Tensor normWeight = torch::linspace(0.5, 1.5, config.hidden);
    torch::NoGradGuard noGrad;
    for (auto& p : model->parameters())
        if (p.dim() == 1 && p.size(0) == config.hidden &&
            torch::equal(p, state["model.layers.0.input_layernorm.weight"])) {
            p.copy_(normWeight);
            break;
        }
    state = model->hfStateDict();
    const Mat E = toEigen(state.at("model.embed_tokens.weight"));
    const Eigen::VectorXd g = toEigen(state.at("model.layers.0.input_layernorm.weight").view({1, -1})).row(0);
    Mat ref = Mat::Zero(config.hidden, config.hidden);
    for (const auto& seq : sequences())
        for (int64_t id : seq) {
            Eigen::VectorXd x = E.row(id).transpose();
            x = x / std::sqrt(x.squaredNorm() / double(config.hidden) + config.rmsEps);
            x = x.cwiseProduct(g);
            ref += x * x.transpose();
        }
    JobContext ctx;
    CalibrationOptions options;
    options.batchSize = 4;
    const CalibrationData data = calibrate(*model, sequences(), options, ctx);
    const double d = relDiff(toEigen(data.gram(0, InputSite::AttentionIn)), ref);
    QVERIFY2(d <= 1e-5, qPrintable(QString::number(d)));
}

void TestCalibration::sharedInputsShareOneGram() {
    auto model = Model::randomInit(tinyConfig(), 3, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    JobContext ctx;
    const CalibrationData data = calibrate(*model, sequences(), CalibrationOptions{}, ctx);
    QCOMPARE(data.matrixCount(), 2 * 7);
    for (int layer = 0; layer < 2; ++layer) {
        auto ptr = [&](MatrixType t) { return data.gramForMatrix(layer * 7 + int(t)).data_ptr(); };
        QCOMPARE(ptr(MatrixType::Q), ptr(MatrixType::K));
        QCOMPARE(ptr(MatrixType::Q), ptr(MatrixType::V));
        QCOMPARE(ptr(MatrixType::Gate), ptr(MatrixType::Up));
        QVERIFY(ptr(MatrixType::Q) != ptr(MatrixType::O));
        QVERIFY(ptr(MatrixType::Gate) != ptr(MatrixType::Down));
        for (int t = 0; t < 7; ++t) {
            const MatrixInfo& m = data.matrices()[size_t(layer * 7 + t)];
            QCOMPARE(data.gramForMatrix(layer * 7 + t).size(0), m.cols);
        }
    }
    const auto perMatrix = data.gramsPerMatrix();
    QCOMPARE(int(perMatrix.size()), 14);
    QVERIFY_THROWS_EXCEPTION(InputError, data.gramForMatrix(14));
}

void TestCalibration::badSplitsAreInputErrors() {
    auto model = Model::randomInit(tinyConfig(), 3, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    JobContext ctx;
    QVERIFY_THROWS_EXCEPTION(InputError, calibrate(*model, {}, CalibrationOptions{}, ctx));
    QVERIFY_THROWS_EXCEPTION(InputError, calibrate(*model, {{}, {}}, CalibrationOptions{}, ctx));
    QVERIFY_THROWS_EXCEPTION(InputError, calibrate(*model, {{1, 2, 50}}, CalibrationOptions{}, ctx));
    QVERIFY_THROWS_EXCEPTION(InputError, calibrate(*model, {{1, -2}}, CalibrationOptions{}, ctx));
    CalibrationOptions zeroBatch;
    zeroBatch.batchSize = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, calibrate(*model, sequences(), zeroBatch, ctx));
}

void TestCalibration::maxTokensStopsEarly() {
    auto model = Model::randomInit(tinyConfig(), 3, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    JobContext ctx;
    CalibrationOptions options;
    options.batchSize = 2;
    options.maxTokens = 10;  // the first batch (5 + 12 tokens) reaches it
    const CalibrationData data = calibrate(*model, sequences(), options, ctx);
    QCOMPARE(data.tokens(), int64_t(17));
    QCOMPARE(data.sequences(), int64_t(2));
}

void TestCalibration::cancelLeavesModelUsable() {
    auto model = Model::randomInit(tinyConfig(), 5, LoadOptions{DeviceChoice{"cpu", DType::Float32}});
    const torch::Tensor ids = torch::tensor({3, 4, 5, 6}, torch::kLong).view({1, -1});
    const torch::Tensor before = model->forward(ids);
    CancelToken token;
    int calls = 0;
    JobContext ctx(
        [&](const Progress&) {
            if (++calls == 3) token.cancel();
        },
        {}, token);
    CalibrationOptions options;
    options.batchSize = 1;
    QVERIFY_THROWS_EXCEPTION(Cancelled, calibrate(*model, sequences(), options, ctx));
    QVERIFY(calls < 7);
    // The observer is gone (it referred to the destroyed accumulator): a
    // forward afterwards runs and gives the same logits; weights untouched.
    QVERIFY(torch::equal(model->forward(ids), before));
    for (int i = 0; i < model->matrixCount(); ++i) QVERIFY(model->matrix(i).isDense());
    // And a later calibration is complete and independent of the cancelled one.
    JobContext plain;
    const CalibrationData data = calibrate(*model, sequences(), options, plain);
    int64_t tokens = 0;
    const auto ref = referenceGrams(*model, sequences(), &tokens);
    QCOMPARE(data.tokens(), tokens);
    QVERIFY(relDiff(toEigen(data.gram(1, InputSite::MlpHidden)), ref.at({1, int(InputSite::MlpHidden)})) <=
            1e-5);
}

QTEST_APPLESS_MAIN(TestCalibration)
#include "test_calibration.moc"

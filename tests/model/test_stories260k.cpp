// stories260K, a real pretrained TinyStories Llama in llama2.c format: greedy
// decoding from BOS must reproduce the 256 ids that llama2.c's run.c produced
// (float32, temperature 0), and the logits must match transformers running
// the same weights (converted by scripts/fixtures/models.py).
#include <QtTest/QtTest>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/model/model.h"
#include "model/npy.h"

using namespace sieve;

namespace {

const std::string kModelDir = std::string(SIEVE_SHARED_DIR) + "/models/stories260K";
const std::string kFixtureDir = std::string(SIEVE_FIXTURES_DIR) + "/models/stories260k";

std::unique_ptr<Model> loadStories() {
    LoadOptions options;
    options.device.device = "cpu";
    return Model::load(kModelDir + "/stories260K.bin", options);
}

}  // namespace

class TestStories260k : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(2);
        if (!QFileInfo::exists(QString::fromStdString(kModelDir + "/stories260K.bin")))
            QSKIP("stories260K.bin not found under SIEVE_SHARED_DIR");
    }

    void greedyFromBosReproducesLlama2c() {
        std::ifstream in(kModelDir + "/greedy_from_bos.ids");
        const std::vector<int64_t> expected{std::istream_iterator<int64_t>(in),
                                            std::istream_iterator<int64_t>()};
        QCOMPARE(int(expected.size()), 256);
        const auto model = loadStories();
        QCOMPARE(model->summary().format, std::string("llama2c"));
        // run.c with steps=256: BOS at position 0, then 256 forwards, each
        // choosing the next id; it stops early only on BOS (id 1), never hit here.
        const auto generated = model->generateGreedy({{1}}, int(expected.size()), {1});
        QCOMPARE(generated.size(), size_t(1));
        QCOMPARE(generated[0], expected);
    }

    void logitsMatchTransformersConversion() {
        std::ifstream in(kFixtureDir + "/reference.json");
        const auto ref = nlohmann::json::parse(in);
        const auto prompt = ref["prompt_ids"].get<std::vector<int64_t>>();
        const torch::Tensor expected = test::readNpyFloat32(kFixtureDir + "/logits_prompt.npy");
        const auto model = loadStories();
        const torch::Tensor logits = model->forward(torch::tensor(prompt, torch::kLong).unsqueeze(0));
        QVERIFY(logits.sizes().equals(expected.sizes()));
        const double diff = (logits - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString("max abs diff %1").arg(diff)));
    }
};

QTEST_GUILESS_MAIN(TestStories260k)
#include "test_stories260k.moc"

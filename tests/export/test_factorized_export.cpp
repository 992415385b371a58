// A factorized export loads in transformers (issue 16): scripts/fixtures/export.py
// made one with the CLI for a Llama (the demo model), a Phi-3 (fused
// projections, stored unfused) and a Qwen2 (biases), loaded each with
// AutoModelForCausalLM.from_pretrained(trust_remote_code=True) through the
// modeling_sieve.py written beside it, and recorded transformers' logits. Our
// loader must compute the same from the same files, and the modeling file the
// fixtures were checked with (its sha256 is recorded) must be the one this
// build writes (else the fixtures vouch for an older loader: run the script
// again).
#include <QtTest/QtTest>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <nlohmann/json.hpp>

#include "core/engine/engine.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "core/model/safetensors.h"
#include "export_logits.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::fixtureLogits;
using sieve::test::logitsOf;
using sieve::test::maxAbsDiff;
using sieve::test::readText;

namespace {

const std::string kFixtures = SIEVE_SOURCE_DIR "/tests/fixtures/export/factorized";

// The demo model and its add task, opened in `engine`.
void openDemo(Engine& engine) {
    JobContext quiet;
    const std::string demo = SIEVE_SOURCE_DIR "/resources/demo";
    engine.openModel(demo, DeviceChoice{}, quiet);
    engine.openTask(demo + "/tasks/add.jsonl");
}

QByteArray sha256Hex(const char* text) {
    return QCryptographicHash::hash(QByteArray(text), QCryptographicHash::Sha256).toHex();
}

}  // namespace

class TestFactorizedExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { openDemo(demo_); }

    void transformersComputesWhatOurLoaderComputes_data() {
        QTest::addColumn<QString>("family");
        for (const char* family : {"llama", "llama-int8", "phi3", "qwen2"})
            QTest::newRow(family) << QString(family);
    }
    void transformersComputesWhatOurLoaderComputes() {
        QFETCH(QString, family);
        const std::string dir = kFixtures + "/" + family.toStdString();
        const nlohmann::json reference = nlohmann::json::parse(readText(dir + "/logits.json"));
        QVERIFY(isFactorizedExport(dir));
        const auto model = loadFactorizedModel(dir);
        // transformers held exactly the parameters in the file: the factors, not W.
        const ModelSummary& dense = model->summary();
        QCOMPARE(dense.totalParams - dense.prunableParams + model->currentPrunableParams(),
                 reference["parameters"].get<int64_t>());
        QVERIFY(reference["prompts"].size() >= 2);
        for (const auto& prompt : reference["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            const torch::Tensor ours = logitsOf(*model, ids);
            const torch::Tensor theirs = fixtureLogits(prompt);
            QCOMPARE(ours.sizes().vec(), theirs.sizes().vec());
            const double diff = maxAbsDiff(ours, theirs);
            QVERIFY2(diff < 1e-4,
                     qPrintable(QString("%1: max |ours - transformers| = %2").arg(family).arg(diff)));
            // The comparison is about pruned weights: the export moved the logits.
            QVERIFY(prompt["max_abs_change_from_original"].get<double>() > 1e-3);
        }
    }

    void fixturesWereCheckedWithTheLoaderThisBuildWrites_data() {
        transformersComputesWhatOurLoaderComputes_data();
    }
    void fixturesWereCheckedWithTheLoaderThisBuildWrites() {
        QFETCH(QString, family);
        const nlohmann::json reference =
            nlohmann::json::parse(readText(kFixtures + "/" + family.toStdString() + "/logits.json"));
        QVERIFY2(reference["modeling_sieve_sha256"].get<std::string>() ==
                     sha256Hex(modelingSievePy()).toStdString(),
                 "resources/export/modeling_sieve.py changed since the fixtures were made: run "
                 "python3 scripts/make_reference_fixtures.py export");
    }

    // --int8: the factors go to the file in 8 bits (int8 values, one float32
    // scale per direction), and loading them back gives the 8-bit model, whose
    // dense export (B A of the same dequantized factors) computes the same.
    void int8ExportStoresTheEightBitModel() {
        Engine& engine = demo_;
        JobContext quiet;
        RunSettings settings;
        settings.searchMethod = "sieve";
        QTemporaryDir tmp;
        const std::string floats = tmp.filePath("float").toStdString();
        const std::string int8 = tmp.filePath("int8").toStdString();
        const std::string int8Dense = tmp.filePath("int8-dense").toStdString();
        const ExportReport f = engine.exportModel(floats, ExportFormat::Factorized, 0.5, settings, quiet);
        settings.int8Factors = true;
        const ExportReport q = engine.exportModel(int8, ExportFormat::Factorized, 0.5, settings, quiet);
        engine.exportModel(int8Dense, ExportFormat::Dense, 0.5, settings, quiet);
        QCOMPARE(q.factorizedMatrices, f.factorizedMatrices);
        QCOMPARE(
            q.exportedParams, f.exportedParams + 2 * [&] {  // + a scale per direction of B and of A
                int64_t ranks = 0;
                const nlohmann::json c = nlohmann::json::parse(readText(int8 + "/config.json"));
                for (const auto& [name, rank] : c["sieve"]["factorized_ranks"].items())
                    ranks += rank.get<int64_t>();
                return ranks;
            }());
        QVERIFY2(q.exportedBytes < f.exportedBytes * 0.6,
                 qPrintable(QString("8-bit %1 bytes, float %2").arg(q.exportedBytes).arg(f.exportedBytes)));

        const nlohmann::json config = nlohmann::json::parse(readText(int8 + "/config.json"));
        QCOMPARE(config["sieve"]["factor_dtype"].get<std::string>(), std::string("int8"));
        QCOMPARE(config["sieve"]["format_version"].get<int>(), 2);
        const SafetensorsFile weights(int8 + "/model.safetensors");
        const std::string name = config["sieve"]["factorized_ranks"].items().begin().key();
        int found = 0;
        for (const auto& e : weights.entries()) {
            if (e.name == name + ".B_int8" || e.name == name + ".A_int8") {
                QCOMPARE(weights.read(e).scalar_type(), torch::kInt8);
                ++found;
            }
            QVERIFY2(e.name != name + ".B" && e.name != name + ".A", "float factors beside the 8-bit ones");
        }
        QCOMPARE(found, 2);

        const auto eightBit = loadFactorizedModel(int8);
        const auto dense = Model::load(int8Dense, LoadOptions{});
        const auto floatModel = loadFactorizedModel(floats);
        const nlohmann::json reference = nlohmann::json::parse(readText(kFixtures + "/llama/logits.json"));
        double quantizationMoved = 0;
        for (const auto& prompt : reference["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            const torch::Tensor logits = logitsOf(*eightBit, ids);
            const double diff = maxAbsDiff(logits, logitsOf(*dense, ids));
            QVERIFY2(diff < 1e-3, qPrintable(QString("max |8-bit factorized - 8-bit dense| = %1").arg(diff)));
            quantizationMoved = std::max(quantizationMoved, maxAbsDiff(logits, logitsOf(*floatModel, ids)));
        }
        QVERIFY2(quantizationMoved > 1e-4, "8-bit factors computed exactly what the float ones did");
    }

    void exportMadeHereCarriesItsLoader() {
        Engine& engine = demo_;
        JobContext quiet;
        RunSettings settings;
        settings.searchMethod = "sieve";
        QTemporaryDir tmp;
        const std::string out = tmp.filePath("factorized").toStdString();
        const ExportReport report = engine.exportModel(out, ExportFormat::Factorized, 0.5, settings, quiet);
        QVERIFY(std::find(report.files.begin(), report.files.end(), out + "/modeling_sieve.py") !=
                report.files.end());
        QCOMPARE(readText(out + "/modeling_sieve.py"), std::string(modelingSievePy()));
        // The speed of the exported form beside the dense model's, on the
        // calibration tokens up to the demo's context of 64.
        QCOMPARE(report.speedTokens, int64_t(64));
        QVERIFY(report.tokensPerSecond > 0);
        QVERIFY(report.denseTokensPerSecond > 0);
        QVERIFY(demo_.modelIsDense());  // measuring left the live model dense
        const nlohmann::json config = nlohmann::json::parse(readText(out + "/config.json"));
        QCOMPARE(config["auto_map"]["AutoModelForCausalLM"].get<std::string>(),
                 std::string("modeling_sieve.SieveFactorizedForCausalLM"));
        QCOMPARE(config["auto_map"]["AutoConfig"].get<std::string>(),
                 std::string("modeling_sieve.SieveFactorizedConfig"));
        QCOMPARE(config["sieve"]["base_model_type"].get<std::string>(), std::string("llama"));
    }

private:
    Engine demo_;  // the demo model with its add task: exports made here
};

QTEST_GUILESS_MAIN(TestFactorizedExport)
#include "test_factorized_export.moc"

// A factorized export loads in transformers (issue 16): scripts/fixtures/export.py
// made one with the CLI for a Llama (the demo model), a Phi-3 (fused
// projections, stored unfused) and a Qwen2 (biases), loaded each with
// AutoModelForCausalLM.from_pretrained(trust_remote_code=True) through the
// modeling_sieve.py written beside it, and recorded transformers' logits. Our
// loader must compute the same from the same files, and the modeling file the
// fixtures were checked with must be the one this build writes (else the
// fixtures vouch for an older loader: run the script again).
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/engine/engine.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

const std::string kFixtures = SIEVE_SOURCE_DIR "/tests/fixtures/export/factorized";

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

torch::Tensor logitsOf(const Model& model, const std::vector<int64_t>& ids) {
    torch::NoGradGuard noGrad;
    return model.forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0].to(torch::kCPU);
}

torch::Tensor fixtureLogits(const nlohmann::json& prompt) {
    const auto rows = prompt["logits"].get<std::vector<std::vector<float>>>();
    torch::Tensor t = torch::empty({int64_t(rows.size()), int64_t(rows.front().size())});
    for (size_t r = 0; r < rows.size(); ++r) t[int64_t(r)].copy_(torch::tensor(rows[r], torch::kFloat32));
    return t;
}

}  // namespace

class TestFactorizedExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void transformersComputesWhatOurLoaderComputes_data() {
        QTest::addColumn<QString>("family");
        for (const char* family : {"llama", "phi3", "qwen2"}) QTest::newRow(family) << QString(family);
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
        QVERIFY2(readText(kFixtures + "/" + family.toStdString() + "/modeling_sieve.py") == modelingSievePy(),
                 "resources/export/modeling_sieve.py changed since the fixtures were made: run "
                 "python3 scripts/make_reference_fixtures.py export");
    }

    void exportMadeHereCarriesItsLoader() {
        Engine engine;
        JobContext quiet;
        const std::string demo = SIEVE_SOURCE_DIR "/resources/demo";
        engine.openModel(demo, DeviceChoice{}, quiet);
        engine.openTask(demo + "/tasks/add.jsonl");
        RunSettings settings;
        settings.searchMethod = "sieve";
        QTemporaryDir tmp;
        const std::string out = tmp.filePath("factorized").toStdString();
        const ExportReport report = engine.exportModel(out, ExportFormat::Factorized, 0.5, settings, quiet);
        QVERIFY(std::find(report.files.begin(), report.files.end(), out + "/modeling_sieve.py") !=
                report.files.end());
        QCOMPARE(readText(out + "/modeling_sieve.py"), std::string(modelingSievePy()));
        const nlohmann::json config = nlohmann::json::parse(readText(out + "/config.json"));
        QCOMPARE(config["auto_map"]["AutoModelForCausalLM"].get<std::string>(),
                 std::string("modeling_sieve.SieveFactorizedForCausalLM"));
        QCOMPARE(config["auto_map"]["AutoConfig"].get<std::string>(),
                 std::string("modeling_sieve.SieveFactorizedConfig"));
        QCOMPARE(config["sieve"]["base_model_type"].get<std::string>(), std::string("llama"));
    }
};

QTEST_GUILESS_MAIN(TestFactorizedExport)
#include "test_factorized_export.moc"

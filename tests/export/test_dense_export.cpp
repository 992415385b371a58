// The pruned model leaves the workbench in two forms; both must compute what
// the pruned model computed. A dense export (B A multiplied back) is checked
// against transformers: scripts/fixtures/export.py made one with the CLI,
// loaded it with LlamaForCausalLM and recorded its logits; the export itself
// is kept in tests/fixtures/export/dense (the factors of a fresh export depend
// on the build's BLAS). An export made here, factorized and dense, must agree
// between its two forms and differ from the unpruned model.
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/engine/engine.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "export_logits.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::fixtureLogits;
using sieve::test::logitsOf;
using sieve::test::maxAbsDiff;
using sieve::test::readText;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kFixtures = SIEVE_SOURCE_DIR "/tests/fixtures";

nlohmann::json readJson(const std::string& path) {
    return nlohmann::json::parse(readText(path));
}

}  // namespace

class TestDenseExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        reference_ = readJson(kFixtures + "/export/dense_logits.json");
        const double level = reference_["level"].get<double>();
        JobContext quiet;
        engine_.openModel(kDemo, DeviceChoice{}, quiet);
        engine_.openTask(kDemo + "/tasks/add.jsonl");
        // What `sieve export --method sieve --level 0.5` does (the fixture's command).
        RunSettings settings;
        settings.searchMethod = "sieve";
        QVERIFY(std::find(settings.grid.begin(), settings.grid.end(), level) != settings.grid.end());
        QVERIFY(dir_.isValid());
        dense_ = dir_.filePath("dense").toStdString();
        factorized_ = dir_.filePath("factorized").toStdString();
        const ExportReport d = engine_.exportModel(dense_, ExportFormat::Dense, level, settings, quiet);
        const ExportReport f =
            engine_.exportModel(factorized_, ExportFormat::Factorized, level, settings, quiet);
        QCOMPARE(d.exportedParams, d.originalParams);  // dense: the original shapes
        QVERIFY(f.exportedParams < f.originalParams);  // factorized: B and A are smaller at level 0.5
        QVERIFY(engine_.modelIsDense());               // exporting leaves the live model unpruned
    }

    void transformersComputesWhatOurLoaderComputes() {
        LoadOptions options;
        const auto dense = Model::load(kFixtures + "/export/dense", options);
        const auto original = Model::load(kDemo, options);
        for (const auto& prompt : reference_["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            const torch::Tensor ours = logitsOf(*dense, ids);
            const torch::Tensor theirs = fixtureLogits(prompt);
            QCOMPARE(ours.sizes().vec(), theirs.sizes().vec());
            const double diff = maxAbsDiff(ours, theirs);
            qInfo("prompt of %zu tokens: max |ours - transformers| = %.2e", ids.size(), diff);
            QVERIFY2(diff < 1e-4, qPrintable(QString("max |ours - transformers| = %1").arg(diff)));
            // And the weights are the pruned ones, not the original.
            QVERIFY(maxAbsDiff(ours, logitsOf(*original, ids)) > 1e-2);
        }
    }

    void exportMadeHereIsPruned() {
        const auto dense = Model::load(dense_, LoadOptions{});
        const auto original = Model::load(kDemo, LoadOptions{});
        for (const auto& prompt : reference_["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            QVERIFY(maxAbsDiff(logitsOf(*dense, ids), logitsOf(*original, ids)) > 1e-2);
        }
    }

    void factorizedExportMatchesDense() {
        QVERIFY(isFactorizedExport(factorized_));
        QVERIFY(!isFactorizedExport(dense_));
        const auto factorized = loadFactorizedModel(factorized_);
        const auto dense = Model::load(dense_, LoadOptions{});
        QVERIFY(factorized->currentPrunableParams() < dense->currentPrunableParams());
        for (const auto& prompt : reference_["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            const double diff = maxAbsDiff(logitsOf(*factorized, ids), logitsOf(*dense, ids));
            // B (A x) against (B A) x: float32 rounding only.
            QVERIFY2(diff < 1e-3, qPrintable(QString("max |factorized - dense| = %1").arg(diff)));
        }
    }

private:
    Engine engine_;
    QTemporaryDir dir_;
    nlohmann::json reference_;
    std::string dense_, factorized_;
};

QTEST_GUILESS_MAIN(TestDenseExport)
#include "test_dense_export.moc"

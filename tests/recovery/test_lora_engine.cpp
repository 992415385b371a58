// LoRA recovery through the engine (issue 16) on the demo model: a heavily
// pruned model recovers on its held-out examples, the run is in the session
// file when it is read back, and the export (the pruned model, dense, with
// its adapters in PEFT's format) scores what the engine measured.
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <filesystem>

#include "core/engine/engine.h"
#include "core/model/model.h"
#include "core/recovery/lora.h"
#include "core/recovery/peft_adapter.h"
#include "core/session/session_file.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";

LoraSettings quickLora() {
    LoraSettings l;
    l.rank = 4;
    l.steps = 60;
    l.learningRate = 3e-3;
    return l;
}

}  // namespace

class TestLoraEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        JobContext quiet;
        engine_.openModel(kDemo, DeviceChoice{}, quiet);
        engine_.openTask(kDemo + "/tasks/add.jsonl");
    }

    void recoversAPrunedModelAndKeepsTheRunInTheSession() {
        JobContext quiet;
        const std::string session = dir_.filePath("lora.h5").toStdString();
        engine_.useSessionFile(session, &settings_);
        const std::string out = dir_.filePath("export").toStdString();
        // weight-svd at 0.7 costs the demo model most of its additions (sieve keeps them: nothing to
        // recover).
        settings_.methods = {"weight-svd"};
        const LoraRun run = engine_.lora({"ga", 0.7}, quickLora(), settings_, quiet, out);
        QVERIFY(engine_.modelIsDense());
        QCOMPARE(run.source, std::string("level:weight-svd"));
        QCOMPARE(run.level, 0.7);
        QCOMPARE(int(run.loss.size()), 60);
        QVERIFY(run.removedFraction > 0.6);
        QVERIFY(run.heldOutExamples > 0 && run.searchExamples > 0);
        QVERIFY2(run.heldOutBefore < 0.6, qPrintable(QString::number(run.heldOutBefore)));
        QVERIFY2(run.searchAfter > run.searchBefore + 0.2 && run.heldOutAfter > run.heldOutBefore + 0.2,
                 qPrintable(QString("search %1 -> %2, held-out %3 -> %4")
                                .arg(run.searchBefore)
                                .arg(run.searchAfter)
                                .arg(run.heldOutBefore)
                                .arg(run.heldOutAfter)));
        QVERIFY(run.loss.back() < 0.5 * run.loss.front());
        QCOMPARE(run.adapterParams, int64_t(4 * 4 * ((128 + 128) * 4 + (384 + 128) * 3)));

        // The session file holds the run as it was returned.
        const SessionData saved = SessionFile::load(session);
        QCOMPARE(int(saved.lora.size()), 1);
        const LoraRun& back = saved.lora.front();
        QCOMPARE(back.source, run.source);
        QCOMPARE(back.level, run.level);
        QCOMPARE(back.loss, run.loss);
        QCOMPARE(back.settings.targets, run.settings.targets);
        QCOMPARE(back.heldOutAfter, run.heldOutAfter);
        QCOMPARE(back.adapterParams, run.adapterParams);

        // The export: the pruned model (dense) plus the adapters (PEFT)
        // score on the held-out examples what the engine measured after training.
        QVERIFY(std::filesystem::exists(out + "/adapter/adapter_config.json"));
        auto model = Model::load(out);
        const auto tokenizer = Tokenizer::load(out + "/tokenizer.json");
        Task heldOut = loadTask(kDemo + "/tasks/add.jsonl");
        // The engine's held-out examples: the last half of the evaluation split (Engine::openTask).
        const size_t n = heldOut.evaluation.size();
        heldOut.evaluation.erase(
            heldOut.evaluation.begin(),
            heldOut.evaluation.end() - std::ptrdiff_t(n * TaskOptions{}.heldOutFraction + 1e-9));
        QCOMPARE(int64_t(heldOut.evaluation.size()), run.heldOutExamples);
        EvalOptions options;
        options.keepPredictions = false;
        JobContext child;
        const double pruned = evaluateTask(*model, tokenizer.get(), heldOut, options, child).score;
        QCOMPARE(loadPeftAdapter(*model, out + "/adapter"), 28);
        const double adapted = evaluateTask(*model, tokenizer.get(), heldOut, options, child).score;
        const double oneExample = 1.0 / double(run.heldOutExamples);
        QVERIFY2(std::abs(pruned - run.heldOutBefore) <= oneExample + 1e-9,
                 qPrintable(QString::number(pruned)));
        QVERIFY2(std::abs(adapted - run.heldOutAfter) <= oneExample + 1e-9,
                 qPrintable(QString::number(adapted)));

        // An export directory in use is refused before any training.
        try {
            engine_.lora({"ga", 0.7}, quickLora(), settings_, quiet, out);
            QFAIL("exported into a non-empty directory");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find(out) != std::string::npos);
        }
        QCOMPARE(int(SessionFile::load(session).lora.size()), 1);

        // A second run of the same target replaces the first.
        LoraSettings again = quickLora();
        again.steps = 5;
        engine_.lora({"ga", 0.7}, again, settings_, quiet);
        const SessionData replaced = SessionFile::load(session);
        QCOMPARE(int(replaced.lora.size()), 1);
        QCOMPARE(int(replaced.lora.front().loss.size()), 5);

        // With 8-bit factors: another run beside it (the pruned model differs), marked as such.
        RunSettings int8 = settings_;
        int8.int8Factors = true;
        const LoraRun quantized = engine_.lora({"ga", 0.7}, again, int8, quiet);
        QVERIFY(quantized.int8Factors);
        QVERIFY(quantized.loss.front() != replaced.lora.front().loss.front());
        const SessionData both = SessionFile::load(session);
        QCOMPARE(int(both.lora.size()), 2);
        QVERIFY(both.lora[0].int8Factors != both.lora[1].int8Factors);
    }

    void refusesWhatItCannotRecover() {
        JobContext quiet;
        engine_.newSession();
        try {
            engine_.lora({"ga", -1}, quickLora(), settings_, quiet);
            QFAIL("recovered a genetic search the session does not have");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("genetic") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, engine_.lora({"ga", 0.55}, quickLora(), settings_, quiet));
        RunSettings sequential = settings_;
        sequential.methods = {"sieve-sequential", "sieve"};
        sequential.searchMethod = "sieve";
        QVERIFY_THROWS_EXCEPTION(
            InputError, engine_.lora({"uniform:sieve-sequential", -1}, quickLora(), sequential, quiet));
        QVERIFY(engine_.modelIsDense());
    }

private:
    QTemporaryDir dir_;
    Engine engine_;
    RunSettings settings_;
};

QTEST_GUILESS_MAIN(TestLoraEngine)
#include "test_lora_engine.moc"

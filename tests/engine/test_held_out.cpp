// Held-out and generalisation scores through the engine's public API on the
// demo model: every result of a session (each uniform optimum, the GA's
// best) is scored on the held-out examples beside the dense model, with
// per-example results that agree with the accuracies; a result applied to
// another task scores that task's whole evaluation split; and a pruned
// model's score agrees with the same model exported as plain dense weights
// and evaluated by a second engine (another code path: B A multiplied back).
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <algorithm>
#include <numeric>

#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/export/export_report.h"
#include "core/types/statistics.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kAdd = kDemo + "/tasks/add.jsonl";
const std::string kSort = kDemo + "/tasks/sort.jsonl";

RunSettings smallRun() {
    RunSettings s;
    s.methods = {"sieve", "weight-svd"};
    s.grid = {0, 0.3, 0.6, 0.9};
    s.ga.population = 4;
    s.ga.generations = 2;
    s.ga.seed = 5;
    s.fullCurve = true;
    return s;
}

double mean(const std::vector<uint8_t>& v) {
    return v.empty() ? 0.0 : double(std::accumulate(v.begin(), v.end(), 0)) / double(v.size());
}

}  // namespace

class TestHeldOut : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        JobContext quiet;
        engine_.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        engine_.openTask(kAdd);
        engine_.uniformSweeps(smallRun(), quiet);
        engine_.genetic(smallRun(), quiet);
    }

    void everyResultIsScoredOnTheHeldOutExamples() {
        JobContext quiet;
        const std::vector<HeldOutEval> evals = engine_.heldOutAll(smallRun(), quiet);
        std::vector<std::string> sources;
        for (const HeldOutEval& e : evals) sources.push_back(e.source);
        QCOMPARE(sources, (std::vector<std::string>{"uniform:sieve", "uniform:weight-svd", "ga"}));
        const int64_t heldOut = engine_.task().heldOutExamples;
        QVERIFY(heldOut >= 20);
        const SessionData data = engine_.session().snapshot();
        QCOMPARE(data.eval.size(), evals.size());  // stored, one per result
        for (const HeldOutEval& e : evals) {
            QCOMPARE(e.examples, heldOut);
            QCOMPARE(e.split, std::string(kHeldOutSplit));
            QCOMPARE(e.metric, std::string("exact_match"));
            QCOMPARE(int64_t(e.denseCorrect.size()), heldOut);
            QCOMPARE(int64_t(e.prunedCorrect.size()), heldOut);
            // The per-example results are the accuracies' own.
            QVERIFY(std::abs(mean(e.denseCorrect) - e.denseAccuracy) < 1e-12);
            QVERIFY(std::abs(mean(e.prunedCorrect) - e.prunedAccuracy) < 1e-12);
            QCOMPARE(e.denseCorrect, evals.front().denseCorrect);  // the same examples every time
            const PairedTest t = mcnemarExact(e.denseCorrect, e.prunedCorrect);
            QCOMPARE(t.examples, heldOut);
        }
        // The removed fractions are the results' own.
        for (const UniformResult& u : data.uniform) {
            const auto it = std::find_if(evals.begin(), evals.end(), [&](const HeldOutEval& e) {
                return e.source == "uniform:" + u.method;
            });
            QVERIFY(it != evals.end());
            QCOMPARE(it->removedFraction, u.bestRemovedFraction);
            QCOMPARE(it->method, u.method);
        }
        QCOMPARE(evals.back().removedFraction, data.ga->result.best.removedFraction);
        QVERIFY(engine_.modelIsDense());
    }

    // weight-svd's uniform optimum, exported as dense weights and opened by
    // another engine, scores what the projection applied in place scored.
    void aPrunedScoreMatchesTheExportedModel() {
        JobContext quiet;
        const SessionData data = engine_.session().snapshot();
        const auto svd = std::find_if(data.uniform.begin(), data.uniform.end(),
                                      [](const UniformResult& u) { return u.method == "weight-svd"; });
        QVERIFY(svd != data.uniform.end());
        QVERIFY2(svd->bestLevel > 0, "the optimum should prune something");
        const HeldOutEval inPlace = engine_.evaluateOnTask(kSort, {false, "weight-svd"}, smallRun(), quiet);

        QTemporaryDir dir;
        RunSettings s = smallRun();
        s.searchMethod = "weight-svd";
        engine_.exportModel(dir.path().toStdString(), ExportFormat::Dense, svd->bestLevel, s, quiet);
        Engine other;
        other.openModel(dir.path().toStdString(), DeviceChoice{"cpu"}, quiet);
        TaskOptions all;
        all.heldOutFraction = 0;  // score the whole evaluation split, as evaluateOnTask does for another task
        other.openTask(kSort, all);
        const double exported = other.evaluateDense(quiet);
        // B A multiplied back rounds differently from B (A x): allow one example.
        QVERIFY2(std::abs(exported - inPlace.prunedAccuracy) <= 1.0 / double(inPlace.examples) + 1e-12,
                 qPrintable(QString("exported %1, in place %2").arg(exported).arg(inPlace.prunedAccuracy)));
    }

    void aResultIsScoredOnAnotherTask() {
        JobContext quiet;
        const HeldOutEval e = engine_.evaluateOnTask(kSort, {true, {}}, smallRun(), quiet);
        QCOMPARE(e.split, std::string(kEvaluationSplit));
        QCOMPARE(e.taskName, std::string("sort"));
        QCOMPARE(e.source, std::string("ga"));
        QVERIFY(e.examples > 0);
        QCOMPARE(int64_t(e.denseCorrect.size()), e.examples);
        // The dense score is the dense model's on sort's whole evaluation split.
        Engine dense;
        dense.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        TaskOptions all;
        all.heldOutFraction = 0;
        const TaskInfo sort = dense.openTask(kSort, all);
        QCOMPARE(e.examples, sort.searchExamples);
        QCOMPARE(e.denseAccuracy, dense.evaluateDense(quiet));
        const SessionData data = engine_.session().snapshot();
        QVERIFY(std::any_of(data.eval.begin(), data.eval.end(), [](const HeldOutEval& x) {
            return x.split == kEvaluationSplit && x.taskName == "sort" && x.source == "ga";
        }));
        // The session's own task: its held-out examples, not its evaluation split.
        const HeldOutEval own = engine_.evaluateOnTask(kAdd, {true, {}}, smallRun(), quiet);
        QCOMPARE(own.split, std::string(kHeldOutSplit));
        QCOMPARE(own.examples, engine_.task().heldOutExamples);
        QVERIFY(engine_.modelIsDense());
    }

    void unknownResultsAreClearErrors() {
        JobContext quiet;
        try {
            engine_.evaluateOnTask(kSort, {false, "input-pca"}, smallRun(), quiet);
            QFAIL("a method without a sweep was applied");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("no uniform sweep of 'input-pca'"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, parseResultSource("uniform:", "--apply"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseResultSource("best", "--apply"));
        QCOMPARE(parseResultSource("uniform:wanda", "--apply").method, std::string("wanda"));
        QVERIFY_THROWS_EXCEPTION(
            std::exception, engine_.evaluateOnTask("/nonexistent/task.jsonl", {true, {}}, smallRun(), quiet));
    }

private:
    Engine engine_;
};

QTEST_GUILESS_MAIN(TestHeldOut)
#include "test_held_out.moc"

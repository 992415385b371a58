// Engine::evaluateExamples, the playground's question, on the demo model:
// its accuracies are the engine's own (evaluateChromosome on the search
// examples, heldOut on the held-out ones), its dense answers are the ones
// transformers generates (tests/fixtures/demo/greedy.json), its prompts and
// references are the task file's lines, and it leaves the session and the
// model as they were.
#include <QtTest/QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

#include "core/common/error.h"
#include "core/engine/engine.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const QString kGreedy = QStringLiteral(SIEVE_FIXTURES_DIR "/demo/greedy.json");

RunSettings playgroundSettings() {
    RunSettings s;
    s.methods = {"sieve"};
    s.grid = {0, 0.3, 0.6, 0.9};
    return s;
}

// Every example line of a task file by line number (1-based, as TaskExample::line).
std::map<int, QJsonObject> taskLines(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) return {};
    std::map<int, QJsonObject> lines;
    int line = 0;
    while (!file.atEnd()) {
        ++line;
        const QByteArray text = file.readLine().trimmed();
        if (!text.isEmpty()) lines[line] = QJsonDocument::fromJson(text).object();
    }
    return lines;
}

// A chromosome that keeps some answers and changes others: layer 0's MLP
// at grid index `mlp0`, every other matrix at `rest`.
std::vector<int> mixedGenes(const ModelSummary& model, int rest = 2, int mlp0 = 3) {
    std::vector<int> genes(model.matrices.size(), rest);
    for (size_t i = 0; i < genes.size(); ++i)
        if (model.matrices[i].layer == 0 && model.matrices[i].type >= MatrixType::Gate) genes[i] = mlp0;
    return genes;
}

}  // namespace

class TestExampleEvaluation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void accuraciesAreTheEnginesOwn_data() {
        QTest::addColumn<QString>("task");
        QTest::addColumn<int>("rest");  // grid index of every matrix but layer 0's MLP
        QTest::addColumn<int>("mlp0");  // grid index of layer 0's gate, up and down
        QTest::newRow("capital (10 search, 10 held-out)") << QStringLiteral("capital") << 2 << 2;
        QTest::newRow("add (50 search, 50 held-out)") << QStringLiteral("add") << 2 << 3;
    }
    void accuraciesAreTheEnginesOwn() {
        QFETCH(QString, task);
        QFETCH(int, rest);
        QFETCH(int, mlp0);
        const std::string path = kDemo + "/tasks/" + task.toStdString() + ".jsonl";
        Engine engine;
        JobContext quiet;
        engine.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        engine.openTask(path);
        const RunSettings settings = playgroundSettings();
        const std::vector<int> genes = mixedGenes(engine.model(), rest, mlp0);

        const ChromosomeEvaluation e = engine.evaluateExamples(genes, settings, quiet);
        QVERIFY(engine.modelIsDense());
        QCOMPARE(e.method, std::string("sieve"));
        QCOMPARE(e.genes, genes);
        QCOMPARE(e.searchExamples, int(engine.task().searchExamples));
        QCOMPARE(e.heldOutExamples, int(engine.task().heldOutExamples));
        QCOMPARE(int(e.examples.size()), e.searchExamples + e.heldOutExamples);

        // The same numbers as the engine's search and held-out paths.
        QCOMPARE(e.searchAccuracy, engine.evaluateChromosome(genes, settings, quiet));
        QCOMPARE(e.denseSearchAccuracy, engine.baseline(quiet).a0);
        const HeldOutEval heldOut = engine.heldOut(genes, settings, quiet);
        QCOMPARE(e.heldOutAccuracy, heldOut.prunedAccuracy);
        QCOMPARE(e.denseHeldOutAccuracy, heldOut.denseAccuracy);
        QCOMPARE(e.removedFraction, heldOut.removedFraction);

        // Per example: the means are the accuracies, and "correct" is the
        // exact match of the answer with the task file's reference.
        const std::map<int, QJsonObject> lines = taskLines(path);
        double search = 0, held = 0, denseSearch = 0;
        int flipped = 0;
        for (const ExampleComparison& o : e.examples) {
            const QJsonObject line = lines.at(o.line);
            QCOMPARE(QString::fromStdString(o.prompt), line.value("prompt").toString());
            QCOMPARE(QString::fromStdString(o.reference), line.value("answer").toString());
            QCOMPARE(o.prunedCorrect, o.prunedAnswer == o.reference);
            QCOMPARE(o.denseCorrect, o.denseAnswer == o.reference);
            (o.split == ExampleSplit::Search ? search : held) += o.prunedScore;
            if (o.split == ExampleSplit::Search) denseSearch += o.denseScore;
            flipped += o.flipped() ? 1 : 0;
        }
        QCOMPARE(search / e.searchExamples, e.searchAccuracy);
        QCOMPARE(held / e.heldOutExamples, e.heldOutAccuracy);
        QCOMPARE(denseSearch / e.searchExamples, e.denseSearchAccuracy);
        QVERIFY2(flipped > 0, "the pruned model changes some answers");
        QVERIFY2(flipped < int(e.examples.size()), "and keeps others");
        qInfo("%s: search %.3f (dense %.3f), held-out %.3f (dense %.3f), %d flipped, %.3f s",
              qPrintable(task), e.searchAccuracy, e.denseSearchAccuracy, e.heldOutAccuracy,
              e.denseHeldOutAccuracy, flipped, e.seconds);
    }

    // The dense answers are transformers' greedy continuations of the same
    // prompts (the fixture holds the first 12 evaluation examples per skill:
    // the search examples come first, so capital's 11th and 12th are held out).
    void denseAnswersAreTransformers() {
        QFile file(kGreedy);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray greedy = QJsonDocument::fromJson(file.readAll()).array();
        Engine engine;
        JobContext quiet;
        engine.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        engine.openTask(kDemo + "/tasks/capital.jsonl");
        const ChromosomeEvaluation e = engine.evaluateExamples(
            std::vector<int>(engine.model().matrices.size(), 0), playgroundSettings(), quiet);
        int compared = 0, heldOutCompared = 0;
        for (const QJsonValue& v : greedy) {
            const QJsonObject g = v.toObject();
            if (g.value("skill").toString() != QLatin1String("capital")) continue;
            const int k = compared++;
            QVERIFY(k < int(e.examples.size()));
            const ExampleComparison& o = e.examples[size_t(k)];
            QCOMPARE(QString::fromStdString(o.prompt), g.value("prompt").toString());
            QCOMPARE(QString::fromStdString(o.denseAnswer), g.value("prediction").toString());
            // Every gene at level 0 is the dense model: nothing flips.
            QCOMPARE(o.prunedAnswer, o.denseAnswer);
            heldOutCompared += o.split == ExampleSplit::HeldOut ? 1 : 0;
        }
        QCOMPARE(compared, 12);
        QCOMPARE(heldOutCompared, 2);
        QCOMPARE(e.searchAccuracy, e.denseSearchAccuracy);
    }

    // A question, not a run: no result in the session, no new session, the file untouched.
    void leavesTheSessionAlone() {
        Engine engine;
        JobContext quiet;
        engine.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        engine.openTask(kDemo + "/tasks/capital.jsonl");
        RunSettings other = playgroundSettings();
        other.eps = 0.2;  // would start a new session for a run
        engine.uniform("sieve", playgroundSettings(), quiet);
        const SessionData before = engine.session().snapshot();
        engine.evaluateExamples(mixedGenes(engine.model()), other, quiet);
        const SessionData after = engine.session().snapshot();
        QCOMPARE(after.uniform.size(), before.uniform.size());
        QCOMPARE(after.provenance.eps, before.provenance.eps);
        QVERIFY(after.eval.empty());
        QVERIFY(engine.modelIsDense());
    }

    void badGenesAreRefused() {
        Engine engine;
        JobContext quiet;
        engine.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
        engine.openTask(kDemo + "/tasks/capital.jsonl");
        try {
            engine.evaluateExamples({0, 1}, playgroundSettings(), quiet);
            QFAIL("two genes for 28 matrices were accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("2 genes, the model 28 matrices")),
                     e.what());
        }
        std::vector<int> offGrid(engine.model().matrices.size(), 0);
        offGrid[5] = 4;  // the grid has 4 levels
        QVERIFY_THROWS_EXCEPTION(InputError, engine.evaluateExamples(offGrid, playgroundSettings(), quiet));
        QVERIFY(engine.modelIsDense());
    }
};

QTEST_GUILESS_MAIN(TestExampleEvaluation)
#include "test_example_evaluation.moc"

// The run rules the engine owns, through its public API on the demo model (no
// subprocess): calibration happens once and only for methods that need it,
// the search method comes from the registry's order, a genetic search resumes
// only when nothing that changes a fitness value changed, New Session and a
// new task never write into the previous session's file.
#include <QtTest/QtTest>

#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/engine/engine.h"
#include "core/session/ga_resume_key.h"
#include "core/session/session_file.h"
#include "core/types/method_registry.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kCapital = kDemo + "/tasks/capital.jsonl";
const std::string kAdd = kDemo + "/tasks/add.jsonl";

std::vector<std::string> split(const QString& list) {
    std::vector<std::string> out;
    for (const QString& part : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(part.toStdString());
    return out;
}

RunSettings smallRun() {
    RunSettings s;
    s.grid = {0, 0.3, 0.6, 0.9};
    s.ga.population = 4;
    s.ga.generations = 3;
    s.ga.patience = 10;
    s.ga.seed = 11;
    s.fullCurve = false;
    return s;
}

// What a job told its caller, collected.
struct Recorder {
    int calibrations = 0;
    std::vector<int> generations;  // indices of GenerationEvents, in order
    std::string log;
    CancelToken cancel;
    int cancelAfterGeneration = -1;
    JobContext context() {
        return JobContext(
            {},
            [this](const JobEvent& e) {
                if (std::holds_alternative<CalibrationEvent>(e)) ++calibrations;
                if (const auto* l = std::get_if<LogEvent>(&e)) log += l->text + "\n";
                if (const auto* g = std::get_if<GenerationEvent>(&e)) {
                    generations.push_back(g->generation.index);
                    if (g->generation.index == cancelAfterGeneration) cancel.cancel();
                }
            },
            cancel);
    }
};

// The demo capital skill as a four-way choice task: each question's answer
// beside three other countries' capitals, the correct one in turn at every place.
std::string writeCapitalChoiceTask(const QString& folder) {
    std::ifstream in(kCapital);
    std::string line;
    std::getline(in, line);  // the task line
    std::vector<std::pair<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        rows.emplace_back(j["prompt"].get<std::string>(), j["answer"].get<std::string>());
    }
    const std::string path = QDir(folder).filePath("capital-choice.jsonl").toStdString();
    std::ofstream out(path);
    out << R"({"task":{"kind":"choice","metric":"acc","name":"capital-choice","split":{"calibration_fraction":0.4,"seed":5}}})"
        << "\n";
    for (size_t i = 0; i < rows.size(); ++i) {
        nlohmann::json ex;
        ex["prompt"] = rows[i].first;
        std::vector<std::string> choices;
        for (size_t k = 1; k < 4; ++k) choices.push_back(rows[(i + 7 * k) % rows.size()].second);
        const size_t label = i % 4;
        choices.insert(choices.begin() + std::ptrdiff_t(label), rows[i].second);
        ex["choices"] = choices;
        ex["label"] = label;
        out << ex.dump() << "\n";
    }
    return path;
}

void openDemo(Engine& engine, const std::string& task = kCapital) {
    JobContext quiet;
    engine.openModel(kDemo, DeviceChoice{"cpu"}, quiet);
    engine.openTask(task);
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void calibratesOnceAndOnlyWhenNeeded_data() {
        QTest::addColumn<QString>("methods");
        QTest::addColumn<QString>("searchMethod");
        QTest::addColumn<int>("calibrations");
        QTest::addColumn<QString>("gaMethod");
        QTest::newRow("three methods, two need data") << "sieve,weight-svd,input-pca"
                                                      << "" << 1 << "sieve";
        QTest::newRow("input-pca ticked before sieve") << "input-pca,sieve"
                                                       << "" << 1 << "sieve";
        QTest::newRow("data-free only") << "weight-svd"
                                        << "" << 0 << "weight-svd";
        QTest::newRow("sequential calibrates block by block") << "sieve-sequential,weight-svd"
                                                              << "" << 0 << "weight-svd";
        QTest::newRow("search method named") << "weight-svd"
                                             << "wanda" << 1 << "wanda";
    }
    void calibratesOnceAndOnlyWhenNeeded() {
        QFETCH(QString, methods);
        QFETCH(QString, searchMethod);
        QFETCH(int, calibrations);
        QFETCH(QString, gaMethod);
        Engine engine;
        openDemo(engine);
        RunSettings s = smallRun();
        s.ga.generations = 1;
        s.methods = split(methods);
        s.searchMethod = searchMethod.toStdString();
        Recorder events;
        JobContext context = events.context();
        engine.runAll(s, context);
        QCOMPARE(events.calibrations, calibrations);
        const SessionData data = engine.session().snapshot();
        QVERIFY(data.ga && data.ga->complete);
        QCOMPARE(data.ga->result.method, gaMethod.toStdString());
        // The search is seeded from its own method's uniform optimum, swept when missing.
        const bool searchSwept =
            std::find(s.methods.begin(), s.methods.end(), searchMethodOf(s)) == s.methods.end();
        QCOMPARE(data.uniform.size(), s.methods.size() + (searchSwept ? 1 : 0));
        QCOMPARE(bool(data.calibration), calibrations > 0);
        QVERIFY(engine.modelIsDense());
    }

    // Early decisions and state reuse change how much is computed, never a
    // result: every fitness value, the trajectory and the best chromosome are
    // the same with each switched off. And they do save work (the log says how much).
    void speedUpsChangeNoResult_data() {
        QTest::addColumn<bool>("choice");
        QTest::newRow("choice task (packed prompts, reuse, early decisions)") << true;
        QTest::newRow("generate task (early decisions)") << false;
    }
    void speedUpsChangeNoResult() {
        QFETCH(bool, choice);
        QTemporaryDir dir;
        const std::string task = choice ? writeCapitalChoiceTask(dir.path()) : kCapital;
        RunSettings s = smallRun();
        s.grid = {0, 0.2, 0.4, 0.6, 0.8, 0.9};
        s.ga.population = 8;
        s.ga.generations = 4;
        s.ga.mutationProbability = 0.02;  // children share long prefixes with their parents
        s.speed.batchTokens = 24;         // a few examples per batch: room to decide early
        const auto runWith = [&](bool early, int64_t reuse, std::string* log) {
            Engine engine;
            openDemo(engine, task);
            RunSettings r = s;
            r.speed.earlyDecisions = early;
            r.speed.reuseBytes = reuse;
            Recorder events;
            JobContext context = events.context();
            const GaResult result = engine.genetic(r, context);
            if (log) *log = events.log;
            return result;
        };
        std::string fastLog;
        const GaResult fast = runWith(true, int64_t(64) << 20, &fastLog);
        const GaResult plain = runWith(false, 0, nullptr);
        const GaResult noReuse = runWith(true, 0, nullptr);
        const GaResult noEarly = runWith(false, int64_t(64) << 20, nullptr);
        for (const GaResult* other : {&plain, &noReuse, &noEarly}) {
            QCOMPARE(other->best.genes, fast.best.genes);
            QCOMPARE(other->generations.size(), fast.generations.size());
            for (size_t g = 0; g < fast.generations.size(); ++g) {
                const auto& a = fast.generations[g];
                const auto& b = other->generations[g];
                QCOMPARE(b.bestFitness, a.bestFitness);
                QCOMPARE(b.meanFitness, a.meanFitness);
                for (size_t i = 0; i < a.population.size(); ++i) {
                    QCOMPARE(b.population[i].genes, a.population[i].genes);
                    QCOMPARE(b.population[i].fitness, a.population[i].fitness);
                    QCOMPARE(b.population[i].feasible, a.population[i].feasible);
                }
            }
        }
        // Without early decisions every accuracy is exact; with them some
        // chromosome was decided before its last example.
        bool decidedEarly = false;
        for (const Generation& g : fast.generations)
            for (const Individual& ind : g.population) decidedEarly |= ind.scoredExamples > 0;
        for (const Generation& g : plain.generations)
            for (const Individual& ind : g.population) QCOMPARE(ind.scoredExamples, 0);
        QVERIFY2(decidedEarly, fastLog.c_str());
        QVERIFY2(fastLog.find("early decisions:") != std::string::npos, fastLog.c_str());
        if (choice) {
            const std::regex resumed("state reuse: ([1-9][0-9]*) of");
            QVERIFY2(std::regex_search(fastLog, resumed), fastLog.c_str());
        }
    }

    // The sensitivity scan resumes each variant from the dense model's states
    // before its one pruned matrix: the same accuracy for every matrix with
    // and without, and about half the block forwards saved.
    void sensitivityResumesFromDenseStates() {
        QTemporaryDir dir;
        const std::string task = writeCapitalChoiceTask(dir.path());
        RunSettings s = smallRun();
        s.speed.batchTokens = 64;  // several batches: states are kept per batch
        const auto runWith = [&](int64_t reuse, std::string* log) {
            Engine engine;
            openDemo(engine, task);
            RunSettings r = s;
            r.speed.reuseBytes = reuse;
            Recorder events;
            JobContext context = events.context();
            const SensitivityResult result = engine.sensitivity(r, context);
            *log = events.log;
            return result;
        };
        std::string reusedLog, plainLog;
        const SensitivityResult reused = runWith(int64_t(64) << 20, &reusedLog);
        const SensitivityResult plain = runWith(0, &plainLog);
        QVERIFY(!plain.accuracy.empty());
        QCOMPARE(reused.accuracy, plain.accuracy);
        QCOMPARE(reused.ranking, plain.ranking);
        const std::regex saved("sensitivity: ([0-9]+) of ([0-9]+) block forwards resumed");
        std::smatch m;
        QVERIFY2(std::regex_search(reusedLog, m, saved), reusedLog.c_str());
        // Matrices in block j resume after block j-1: of L blocks per variant
        // the mean saving is (L-1)/2 blocks, close to half.
        const double share = std::stod(m[1].str()) / std::stod(m[2].str());
        QVERIFY2(share > 0.3 && share < 0.5, reusedLog.c_str());
        QVERIFY2(plainLog.find("sensitivity: ") == std::string::npos, plainLog.c_str());
    }

    void searchMethodFollowsTheRegistryOrder() {
        QCOMPARE(defaultSearchMethod({"input-pca", "sieve"}), std::string("sieve"));
        QCOMPARE(defaultSearchMethod({"wanda", "weight-svd"}), std::string("weight-svd"));
        QCOMPARE(defaultSearchMethod({"sieve-sequential", "input-pca"}), std::string("input-pca"));
        QCOMPARE(defaultSearchMethod({"sieve-sequential"}), std::string("sieve"));
        RunSettings s;
        s.methods = {"sieve"};
        s.searchMethod = "sieve-sequential";
        QVERIFY_THROWS_EXCEPTION(InputError, validateRunSettings(s));
        s.searchMethod.clear();
        s.methods = {"sieve", "bogus"};
        QVERIFY_THROWS_EXCEPTION(InputError, validateRunSettings(s));
    }

    void resumesOnlyWithTheSameKey_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<bool>("resumes");
        QTest::addColumn<QString>("logged");
        QTest::newRow("nothing") << "" << true << "resumed the genetic search after generation 0";
        QTest::newRow("more generations") << "generations" << true << "resumed";
        QTest::newRow("patience") << "patience" << true << "resumed";
        QTest::newRow("seed") << "seed" << false << "seed 11 -> 12";
        QTest::newRow("population") << "population" << false << "population 4 -> 6";
        QTest::newRow("mutation") << "mutation" << false << "mutation_probability 0.1 -> 0.3";
        QTest::newRow("calibration tokens") << "calibration" << false << "calibration_tokens";
        QTest::newRow("eps") << "eps" << false << "new untitled session";
        QTest::newRow("grid") << "grid" << false << "new untitled session";
        QTest::newRow("task") << "task" << false << "";
    }
    void resumesOnlyWithTheSameKey() {
        QFETCH(QString, change);
        QFETCH(bool, resumes);
        QFETCH(QString, logged);
        QTemporaryDir dir;
        const std::string path = dir.filePath("resume.h5").toStdString();
        Engine engine;
        openDemo(engine);
        RunSettings s = smallRun();
        s.methods = {"sieve"};
        engine.useSessionFile(path, &s);

        // A search stopped after its first generation.
        Recorder first;
        first.cancelAfterGeneration = 0;
        JobContext interrupted = first.context();
        QVERIFY_THROWS_EXCEPTION(Cancelled, engine.genetic(s, interrupted));
        QCOMPARE(int(SessionFile::load(path).ga->result.generations.size()), 1);
        const Generation stored = SessionFile::load(path).ga->result.generations.front();

        if (change == "generations") s.ga.generations = 4;
        if (change == "patience") s.ga.patience = 2;
        if (change == "seed") s.ga.seed = 12;
        if (change == "population") s.ga.population = 6;
        if (change == "mutation") s.ga.mutationProbability = 0.3;
        if (change == "calibration") s.maxCalibrationTokens = 64;
        if (change == "eps") s.eps = 0.1;
        if (change == "grid") s.grid = {0, 0.5, 0.9};
        if (change == "task") engine.openTask(kAdd);

        Recorder second;
        JobContext context = second.context();
        const GaResult result = engine.genetic(s, context);
        QVERIFY2(second.log.find(logged.toStdString()) != std::string::npos, second.log.c_str());
        if (resumes) {
            // Generation 0 is replayed from the session, not evaluated again.
            QCOMPARE(second.generations.front(), 1);
            QCOMPARE(result.generations.front().population.size(), stored.population.size());
            for (size_t i = 0; i < stored.population.size(); ++i)
                QCOMPARE(result.generations.front().population[i].genes, stored.population[i].genes);
            QCOMPARE(engine.session().path(), path);
        } else {
            QCOMPARE(second.generations.front(), 0);
        }
        // The file keeps the first search whenever the new one went elsewhere.
        const bool sameFile = engine.session().path() == path;
        QCOMPARE(sameFile, resumes || change == "seed" || change == "population" || change == "mutation" ||
                               change == "calibration");
    }

    // The resume key's text round-trips and names what differs.
    void resumeKeyTextRoundTrips() {
        GaResumeInputs in{"sieve", 0.05, {0, 0.1, 0.25}, "m", "t", 10, 500, GaSettings{}};
        const GaResumeKey key(in);
        QVERIFY(GaResumeKey::parse(key.text()) == key);
        in.eps = 0.01;
        in.ga.seed = 7;
        const GaResumeKey other(in);
        QVERIFY(other != key);
        QCOMPARE(key.differences(other), std::string("eps 0.05 -> 0.01, seed 1234 -> 7"));
        QVERIFY(GaResumeKey() != GaResumeKey());  // no key matches nothing
    }

    void newSessionThenSaveWritesAnEmptySession() {
        QTemporaryDir dir;
        const std::string first = dir.filePath("first.h5").toStdString();
        const std::string second = dir.filePath("second.h5").toStdString();
        Engine engine;
        openDemo(engine);
        RunSettings s = smallRun();
        s.methods = {"weight-svd"};
        JobContext quiet;
        engine.useSessionFile(first, &s);
        engine.uniform("weight-svd", s, quiet);
        QVERIFY(!engine.session().snapshot().uniform.empty());

        engine.newSession();
        QVERIFY(engine.session().path().empty());
        engine.saveSession(second);
        const SessionData saved = SessionFile::load(second);
        QVERIFY(saved.uniform.empty());
        QVERIFY(!saved.ga);
        QVERIFY(!saved.baseline);
        QCOMPARE(saved.task.name, std::string("capital"));  // the same model and task
        QVERIFY(!saved.model.summary.matrices.empty());
        QCOMPARE(int(SessionFile::load(first).uniform.size()), 1);  // the first file as it was
    }

    void anotherTaskNeverWritesIntoTheOpenFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("capital.h5").toStdString();
        Engine engine;
        openDemo(engine);
        RunSettings s = smallRun();
        s.methods = {"weight-svd"};
        JobContext quiet;
        engine.useSessionFile(path, &s);
        engine.uniform("weight-svd", s, quiet);
        const SessionData before = SessionFile::load(path);

        engine.openTask(kAdd);
        QVERIFY(engine.session().path().empty());  // a new untitled session
        engine.uniform("weight-svd", s, quiet);
        QVERIFY(engine.session().hasUnsavedResults());
        const SessionData after = SessionFile::load(path);
        QCOMPARE(after.task.name, std::string("capital"));
        QCOMPARE(after.uniform.size(), before.uniform.size());
        QCOMPARE(after.provenance.modified, before.provenance.modified);
    }

    void cliSessionWithOtherSettingsIsRefused() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("eps.h5").toStdString();
        Engine engine;
        openDemo(engine);
        RunSettings s = smallRun();
        s.methods = {"weight-svd"};
        JobContext quiet;
        engine.useSessionFile(path, &s);
        engine.uniform("weight-svd", s, quiet);
        Engine again;
        openDemo(again);
        s.eps = 0.2;
        try {
            again.useSessionFile(path, &s);
            QFAIL("a session made with eps 0.05 was continued with eps 0.2");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("eps") != std::string::npos, e.what());
        }
        again.useSessionFile(path, nullptr);  // a0 alone depends on no setting
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "test_engine.moc"

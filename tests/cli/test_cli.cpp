// The CLI as a user meets it: help on every subcommand, documented exit codes
// (1 usage, 2 bad input naming the file, 3 cancelled), a whole run on the demo
// model into a session that `report --json` and the session reader agree on,
// SIGINT during a genetic search that keeps the finished generations, and a
// SIGKILLed search that a second run resumes on the same random stream.
#include <QtTest>

#include <QRegularExpression>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <csignal>

#include "core/session/session_file.h"
#include "sieve_process.h"

namespace {

using sieve::test::kSieve;
using sieve::test::Result;
using sieve::test::runSieve;
const QString kDemo = QStringLiteral(SIEVE_SOURCE_DIR "/resources/demo");
const QString kAddTask = kDemo + "/tasks/add.jsonl";

// Reads a running `sieve ga`'s output until it has reported `count` finished
// generations (or four minutes passed); returns what it read.
// Finished generations as the progress printer reports them ("generation 3:
// best ..."; the engine's per-generation speed line also names the generation).
qsizetype finishedGenerations(const QString& seen) {
    static const QRegularExpression line("generation \\d+: best ");
    qsizetype n = 0;
    for (auto it = line.globalMatch(seen); it.hasNext(); it.next()) ++n;
    return n;
}

QString waitForGenerations(QProcess& p, int count) {
    QString seen;
    QElapsedTimer t;
    t.start();
    while (finishedGenerations(seen) < count && t.elapsed() < 240000) {
        p.waitForReadyRead(1000);
        seen += QString::fromUtf8(p.readAllStandardOutput());
    }
    return seen;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpOnEverySubcommand_data() {
        QTest::addColumn<QString>("command");
        for (const char* c : {"info", "eval", "calibrate", "sweep", "ga", "sensitivity", "run", "export",
                              "report", "train-demo"})
            QTest::newRow(c) << QString::fromLatin1(c);
    }
    void helpOnEverySubcommand() {
        QFETCH(QString, command);
        const Result r = runSieve({command, "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("usage: sieve " + command), qPrintable(r.out));
        QVERIFY(r.out.contains("--help"));
    }

    // `sieve plan` for devices this machine may not have (--device-memory): the
    // last line names each kind of device in placement order, a mixed list too.
    void planNamesEachKindOfDevice() {
        const QString config = QStringLiteral(SIEVE_SOURCE_DIR "/resources/configs/llama-3.1-8b");
        const QStringList base{"plan",    "--model", config,          "--methods", "sieve",
                               "--dtype", "bf16",    "--host-memory", "200"};
        Result r = runSieve(base + QStringList{"--devices", "cuda:0,cuda:1", "--device-memory", "141"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("fits on 2 x 141 GB: yes"), qPrintable(r.out));
        r = runSieve(base + QStringList{"--devices", "cuda:0,cpu", "--device-memory", "20"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("fits on 1 x 20 GB + 1 x CPU 186.3 GiB: yes"), qPrintable(r.out));
    }

    // The allocator is chosen at link time; --version says which one malloc
    // really is (a link order that let libc's malloc win would show here).
    void versionNamesTheAllocatorTheBuildLinked() {
        const Result r = runSieve({"--version"});
        QCOMPARE(r.code, 0);
#ifdef SIEVE_EXPECT_TCMALLOC
        QVERIFY2(r.out.contains(", tcmalloc)"), qPrintable(r.out));
#else
        QVERIFY2(r.out.contains("malloc)") && !r.out.contains("tcmalloc"), qPrintable(r.out));
#endif
    }

    void usageErrorsExitOne_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << "usage: sieve";
        QTest::newRow("unknown command") << QStringList{"prune-everything"} << "unknown command";
        QTest::newRow("unknown option") << QStringList{"info", "--modle", "x"} << "unknown option --modle";
        QTest::newRow("missing required") << QStringList{"info"} << "--model PATH is required";
        QTest::newRow("not a number")
            << QStringList{"sweep", "--model", kDemo, "--task", kAddTask, "--eps", "lots"}
            << "--eps expects a number";
        // Numbers outside their range are refused, never wrapped or clamped.
        const QStringList ga{"ga", "--model", kDemo, "--task", kAddTask};
        QTest::newRow("eps above 1") << QStringList(ga) + QStringList{"--eps", "1.5"}
                                     << "--eps 1.5 is outside";
        QTest::newRow("population overflows") << QStringList(ga) + QStringList{"--population", "99999999999"}
                                              << "--population 99999999999 is outside [2, 100000]";
        QTest::newRow("population wraps to 2") << QStringList(ga) + QStringList{"--population", "4294967298"}
                                               << "--population 4294967298 is outside";
        QTest::newRow("huge beyond long long")
            << QStringList(ga) + QStringList{"--generations", "99999999999999999999999"}
            << "--generations 99999999999999999999999 is outside";
        QTest::newRow("negative seed")
            << QStringList(ga) + QStringList{"--seed", "-1"} << "--seed -1 is outside";
        QTest::newRow("negative calibration tokens")
            << QStringList(ga) + QStringList{"--calibration-tokens", "-4"}
            << "--calibration-tokens -4 is outside";
    }
    void usageErrorsExitOne() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runSieve(args);
        QCOMPARE(r.code, 1);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
    }

    void badInputExitsTwoNamingTheFile() {
        QTemporaryDir tmp;
        const QString task = tmp.filePath("broken.jsonl");
        QFile f(task);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "{\"task\": {\"name\": \"broken\", \"kind\": \"generate\", \"metric\": \"exact_match\"}}\n"
            "{\"prompt\": \"1+1=\", \"answer\": \"2\"}\n{\"prompt\": \"oops\"\n");
        f.close();
        Result r = runSieve({"eval", "--model", kDemo, "--task", task, "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("broken.jsonl") && r.err.contains("3"), qPrintable(r.err));

        r = runSieve({"info", "--model", tmp.filePath("no-such-model")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no-such-model"), qPrintable(r.err));

        r = runSieve({"run", "--model", kDemo, "--task", kAddTask, "--methods", "sieve,bogus", "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("bogus") && r.err.contains("weight-svd"), qPrintable(r.err));
        // The sequential mode has no single factorization for a GA to slice.
        r = runSieve({"ga", "--model", kDemo, "--task", kAddTask, "--method", "sieve-sequential", "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("uniform sweeps only"), qPrintable(r.err));
    }

    void infoListsEveryMatrix() {
        const Result r = runSieve({"info", "--model", kDemo, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const int layers = j["layers"].toInt();
        QVERIFY(layers > 0);
        QCOMPARE(j["matrices"].toArray().size(), layers * 7);
    }

    // A real model as published: SmolLM2-135M-Instruct's Q4_1 GGUF opens, and
    // `info` shows what its embedded tokenizer was read as.
    void infoOpensTheRealModel() {
        const QString gguf =
            QStringLiteral(SIEVE_SHARED_DIR "/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf");
        if (!QFileInfo::exists(gguf)) QSKIP("../shared/models/smollm2-135m-instruct is absent");
        Result r = runSieve({"info", "--model", gguf});
        QCOMPARE(r.code, 0);
        for (const char* expected :
             {"llama, 30 layers, hidden 576", "tokenizer.ggml.pre smollm",
              "pre-tokenizer: Sequence[Split(/\\p{N}/, Isolated)", "210 prunable matrices"})
            QVERIFY2(r.out.contains(QString::fromUtf8(expected)),
                     qPrintable(expected + QStringLiteral(" not in:\n") + r.out));
        r = runSieve({"info", "--model", gguf, "--json"});
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["layers"].toInt(), 30);
        QVERIFY(!j["tokenizer"].toArray().isEmpty());
    }

    void runWritesASessionThatReportReads() {
        QTemporaryDir tmp;
        const QString session = tmp.filePath("add.h5");
        Result r = runSieve({"run", "--model", kDemo, "--task", kAddTask, "--methods",
                             "sieve,weight-svd,sieve-sequential", "--population", "6", "--generations", "2",
                             "--session", session, "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runSieve({"report", "--session", session, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        // What the CLI reports is what the file holds.
        const sieve::SessionData data = sieve::SessionFile::load(session.toStdString());
        QVERIFY(data.baseline.has_value());
        QCOMPARE(j["baseline"].toObject()["a0"].toDouble(), data.baseline->a0);
        QCOMPARE(j["uniform"].toArray().size(), 3);
        QCOMPARE(data.uniform.back().method, std::string("sieve-sequential"));
        QCOMPARE(data.uniform.back().points.front().accuracy,
                 data.baseline->a0);  // level 0 is the dense model
        QVERIFY(data.ga && data.ga->complete);
        QCOMPARE(j["ga"].toObject()["generations"].toArray().size(), int(data.ga->result.generations.size()));
        QJsonArray genes = j["ga"].toObject()["best"].toObject()["genes"].toArray();
        QCOMPARE(genes.size(), int(data.ga->result.best.genes.size()));
        for (int i = 0; i < genes.size(); ++i)
            QCOMPARE(genes[i].toInt(), data.ga->result.best.genes[size_t(i)]);
        QCOMPARE(int(data.sensitivity.size()), 1);

        // Export both formats from the session's GA best.
        for (const char* format : {"factorized", "dense"}) {
            const QString out = tmp.filePath(format);
            r = runSieve({"export", "--model", kDemo, "--task", kAddTask, "--session", session, "--format",
                          format, "--out", out, "--quiet"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY(QFile::exists(out + "/model.safetensors"));
            QVERIFY(QFile::exists(out + "/config.json"));
            QVERIFY(QFile::exists(out + "/tokenizer.json"));
            // Reloaded, the export scores what the search measured for its best.
            r = runSieve({"eval", "--model", out, "--task", kAddTask, "--quiet"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            const QString expected = QString::number(data.ga->result.best.accuracy, 'f', 4);
            // "exact_match = 0.9600 [0.8654, 0.9890] on 50 search examples": the Wilson interval between.
            const QRegularExpression a0Line("= " + QRegularExpression::escape(expected) +
                                            R"( \[[0-9.]+, [0-9.]+\] on )" +
                                            QString::number(data.baseline->examples) + " search");
            QVERIFY2(r.out.contains(a0Line), qPrintable(format + (": " + r.out) + " expected " + expected));
        }

        // The GA's best scored on another task (generalisation): dense and
        // pruned on the same examples, stored in the session, in the report.
        r = runSieve({"eval", "--session", session, "--apply", "ga", "--task", kDemo + "/tasks/sort.jsonl",
                      "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("ga (sieve) on sort (another task: generalisation)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("McNemar p = "), qPrintable(r.out));
        const sieve::SessionData after = sieve::SessionFile::load(session.toStdString());
        const auto sort = std::find_if(after.eval.begin(), after.eval.end(),
                                       [](const sieve::HeldOutEval& e) { return e.taskName == "sort"; });
        QVERIFY(sort != after.eval.end());
        QCOMPARE(sort->split, std::string(sieve::kEvaluationSplit));
        QCOMPARE(int64_t(sort->prunedCorrect.size()), sort->examples);
        // Every result of the run was scored on the held-out examples: 3 sweeps and the GA.
        QCOMPARE(std::count_if(after.eval.begin(), after.eval.end(),
                               [](const sieve::HeldOutEval& e) { return e.split == sieve::kHeldOutSplit; }),
                 std::ptrdiff_t(4));
        r = runSieve({"report", "--session", session, "--json"});
        const QJsonArray evals = QJsonDocument::fromJson(r.out.toUtf8()).object()["eval"].toArray();
        QCOMPARE(evals.size(), int(after.eval.size()));
        for (const auto& e : evals) {
            QVERIFY(e.toObject()["mcnemar"].isObject());
            QCOMPARE(e.toObject()["pruned_interval"].toArray().size(), 2);
        }
        // Usage and input errors name what is wrong.
        r = runSieve({"eval", "--apply", "ga", "--task", kAddTask});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--apply needs --session"), qPrintable(r.err));
        r = runSieve({"eval", "--session", session, "--apply", "uniform:input-pca", "--task", kAddTask});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no uniform sweep of 'input-pca'"), qPrintable(r.err));

        // A sweep added later is scored on the held-out examples too; the
        // scores the session held stay as they were.
        r = runSieve({"sweep", "--model", kDemo, "--task", kAddTask, "--methods", "input-pca", "--session",
                      session, "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("uniform:input-pca on add (held-out)"), qPrintable(r.out));
        QVERIFY2(!r.out.contains("uniform:weight-svd on add"), qPrintable(r.out));
        const sieve::SessionData swept = sieve::SessionFile::load(session.toStdString());
        auto heldOutOf = [](const sieve::SessionData& d, const std::string& source) {
            return std::find_if(d.eval.begin(), d.eval.end(), [&](const sieve::HeldOutEval& e) {
                return e.split == sieve::kHeldOutSplit && e.source == source;
            });
        };
        QVERIFY(heldOutOf(swept, "uniform:input-pca") != swept.eval.end());
        QCOMPARE(heldOutOf(swept, "ga")->prunedCorrect, heldOutOf(after, "ga")->prunedCorrect);
        QCOMPARE(int(swept.eval.size()), int(after.eval.size()) + 1);

        // `sieve ga` alone (another method, another session): its best and
        // the uniform sweep it ran first are scored on the held-out examples.
        const QString other = tmp.filePath("add-weight-svd.h5");
        r = runSieve({"ga", "--model", kDemo, "--task", kAddTask, "--method", "weight-svd", "--population",
                      "4", "--generations", "1", "--session", other, "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const sieve::SessionData ga = sieve::SessionFile::load(other.toStdString());
        QVERIFY(heldOutOf(ga, "ga") != ga.eval.end());
        QCOMPARE(heldOutOf(ga, "ga")->method, std::string("weight-svd"));
        QVERIFY(heldOutOf(ga, "uniform:weight-svd") != ga.eval.end());
    }

    // `sweep --int8`: each method's 8-bit curve beside its float one in the
    // printed table, the session and `report` (text and JSON); Wanda, which
    // keeps masks, is told to have none.
    void sweepInt8ReportsBothCurves() {
        QTemporaryDir tmp;
        const QString session = tmp.filePath("int8.h5");
        Result r = runSieve({"sweep", "--model", kDemo, "--task", kAddTask, "--methods", "sieve,wanda",
                             "--grid", "0,0.3,0.6", "--int8", "--session", session});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2((r.out + r.err).contains("8-bit factors: wanda keeps a mask"), qPrintable(r.out + r.err));
        QVERIFY2(r.err.contains("sieve (8-bit factors) level 0.30: accuracy"), qPrintable(r.err));
        for (const QString& text : {r.out, runSieve({"report", "--session", session}).out}) {
            QVERIFY2(text.contains("sieve, 8-bit factors: largest level within eps"), qPrintable(text));
            QVERIFY2(text.contains("of their 16-bit dense size there"), qPrintable(text));
            QVERIFY2(!text.contains("wanda, 8-bit factors"), qPrintable(text));
            QVERIFY2(text.contains("8-bit  8-bit size"), qPrintable(text));
        }
        r = runSieve({"report", "--session", session, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray uniform = QJsonDocument::fromJson(r.out.toUtf8()).object()["uniform"].toArray();
        QCOMPARE(uniform.size(), 2);
        const sieve::SessionData data = sieve::SessionFile::load(session.toStdString());
        for (int i = 0; i < 2; ++i) {
            const QJsonObject u = uniform[i].toObject();
            const sieve::UniformResult& stored = data.uniform[size_t(i)];
            QCOMPARE(u["method"].toString().toStdString(), stored.method);
            QCOMPARE(u.contains("int8"), stored.method == "sieve");
            QCOMPARE(stored.int8.has_value(), stored.method == "sieve");
            if (!stored.int8) continue;
            const QJsonArray points = u["int8"].toObject()["points"].toArray();
            QCOMPARE(points.size(), int(stored.int8->points.size()));
            QCOMPARE(points.size(), 3);
            for (int k = 0; k < points.size(); ++k) {
                QCOMPARE(points[k].toObject()["accuracy"].toDouble(),
                         stored.int8->points[size_t(k)].accuracy);
                // Level 0 is dense (16-bit); 8-bit factors of at most 70 % of the parameters.
                const double size = points[k].toObject()["size_of_16bit_dense"].toDouble();
                QVERIFY(k == 0 ? size == 1.0 : size < 0.6);
            }
        }
    }

    void sigintCancelsAndKeepsFinishedGenerations() {
        QTemporaryDir tmp;
        const QString session = tmp.filePath("interrupted.h5");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);  // progress goes to stderr
        p.start(kSieve, {"ga", "--model", kDemo, "--task", kAddTask, "--population", "6", "--generations",
                         "500", "--patience", "500", "--session", session});
        QVERIFY(p.waitForStarted());
        // Wait for two finished generations, then press Ctrl-C.
        const QString seen = waitForGenerations(p, 2);
        QVERIFY2(finishedGenerations(seen) >= 2, qPrintable(seen));
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 3);
        const sieve::SessionData data = sieve::SessionFile::load(session.toStdString());
        QVERIFY(data.ga.has_value());
        QVERIFY(!data.ga->complete);
        QVERIFY(data.ga->result.generations.size() >= 2);
    }

    // Killing the process outright (no handler runs) loses at most the
    // generation in flight; running the same command again resumes and ends
    // with exactly the history of a run that was never interrupted.
    void sigkilledGaResumesOnTheSameRandomStream() {
        QTemporaryDir tmp;
        const auto gaArgs = [&](const QString& session) {
            return QStringList{"ga",           "--model",   kDemo,           "--task", kAddTask,
                               "--population", "6",         "--generations", "5",      "--patience",
                               "50",           "--session", session};
        };
        const QString reference = tmp.filePath("reference.h5");
        const Result whole = runSieve(gaArgs(reference));
        QVERIFY2(whole.code == 0, qPrintable(whole.err));

        const QString killed = tmp.filePath("killed.h5");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(kSieve, gaArgs(killed));
        QVERIFY(p.waitForStarted());
        const QString seen = waitForGenerations(p, 2);
        QVERIFY2(finishedGenerations(seen) >= 2, qPrintable(seen));
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(60000));
        const sieve::SessionData interrupted = sieve::SessionFile::load(killed.toStdString());
        QVERIFY(interrupted.ga.has_value());
        QVERIFY(!interrupted.ga->complete);
        const size_t kept = interrupted.ga->result.generations.size();
        QVERIFY2(kept >= 1 && kept < 5, qPrintable(QString("%1 generations kept").arg(kept)));

        const Result resumed = runSieve(gaArgs(killed));
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        const sieve::SessionData a = sieve::SessionFile::load(reference.toStdString());
        const sieve::SessionData b = sieve::SessionFile::load(killed.toStdString());
        QVERIFY(a.ga && b.ga && a.ga->complete && b.ga->complete);
        const auto& ga = a.ga->result.generations;
        const auto& gb = b.ga->result.generations;
        QCOMPARE(gb.size(), ga.size());
        for (size_t g = 0; g < ga.size(); ++g) {
            QCOMPARE(gb[g].population.size(), ga[g].population.size());
            for (size_t i = 0; i < ga[g].population.size(); ++i) {
                QCOMPARE(gb[g].population[i].genes, ga[g].population[i].genes);
                QCOMPARE(gb[g].population[i].accuracy, ga[g].population[i].accuracy);
                QCOMPARE(gb[g].population[i].fitness, ga[g].population[i].fitness);
            }
        }
        QCOMPARE(b.ga->result.best.genes, a.ga->result.best.genes);
        QCOMPARE(b.ga->result.best.accuracy, a.ga->result.best.accuracy);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

// `sieve ga` under mpirun, as a user on a cluster runs it: three ranks on
// this machine (oversubscribed, one thread each) give the session a single
// process gives with the same seed, generation by generation (`run`: and the
// same sensitivity scan); a worker rank
// killed mid-search ends the run with the finished generations on disk, and
// a rerun on the two ranks left resumes it to the same result.
#include <QtTest>

#include <unistd.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <csignal>

#include "core/session/session_file.h"

using namespace sieve;

namespace {

const QString kSieve = QStringLiteral(SIEVE_BINARY_DIR "/app/sieve");
const QString kMpirun = QStringLiteral(SIEVE_MPIRUN);
const QString kDemo = QStringLiteral(SIEVE_SOURCE_DIR "/resources/demo");

QStringList gaArgs(const QString& session, int generations) {
    return {"ga",
            "--model",
            kDemo,
            "--task",
            kDemo + "/tasks/add.jsonl",
            "--session",
            session,
            "--threads",
            "1",
            "--population",
            "8",
            "--generations",
            QString::number(generations),
            "--patience",
            "1000",
            "--seed",
            "11",
            "--quiet"};
}

// mpirun on one 2-core machine: more ranks than cores, no binding.
QStringList mpirun(int ranks, const QStringList& sieveArgs) {
    QStringList args = {"-np", QString::number(ranks), "--oversubscribe", "--bind-to", "none"};
    if (getuid() == 0) args << "--allow-run-as-root";  // CI containers run as root
    args << kSieve << sieveArgs;
    return args;
}

struct Run {
    int code = -1;
    QString output;
};

Run run(const QString& program, const QStringList& args, int timeoutMs = 600000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.output = "timed out: " + QString::fromUtf8(p.readAll());
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = QString::fromUtf8(p.readAll());
    return r;
}

int finishedGenerations(const QString& session) {
    if (!QFile::exists(session)) return 0;
    try {
        const SessionData d = SessionFile::load(session.toStdString());
        return d.ga ? int(d.ga->result.generations.size()) : 0;
    } catch (const std::exception&) {
        return 0;  // not written yet
    }
}

// The pid of the process started by `parent` whose MPI rank is `rank`.
pid_t rankPid(qint64 parent, int rank) {
    const QByteArray wanted = "OMPI_COMM_WORLD_RANK=" + QByteArray::number(rank);
    for (const QString& entry : QDir("/proc").entryList(QDir::Dirs)) {
        bool number = false;
        const int pid = entry.toInt(&number);
        if (!number) continue;
        QFile stat("/proc/" + entry + "/stat");
        if (!stat.open(QIODevice::ReadOnly)) continue;
        const QList<QByteArray> fields = stat.readAll().split(' ');
        if (fields.size() < 4 || fields[3].toLongLong() != parent) continue;
        QFile environ("/proc/" + entry + "/environ");
        if (!environ.open(QIODevice::ReadOnly)) continue;
        if (environ.readAll().split('\0').contains(wanted)) return pid;
    }
    return -1;
}

void compareSearches(const SessionData& a, const SessionData& b) {
    QVERIFY(a.ga && b.ga);
    const GaResult& x = a.ga->result;
    const GaResult& y = b.ga->result;
    QCOMPARE(y.generations.size(), x.generations.size());
    for (size_t g = 0; g < x.generations.size(); ++g) {
        QCOMPARE(y.generations[g].bestFitness, x.generations[g].bestFitness);
        QCOMPARE(y.generations[g].meanFitness, x.generations[g].meanFitness);
        QCOMPARE(y.generations[g].population.size(), x.generations[g].population.size());
        for (size_t i = 0; i < x.generations[g].population.size(); ++i) {
            QCOMPARE(y.generations[g].population[i].genes, x.generations[g].population[i].genes);
            QCOMPARE(y.generations[g].population[i].accuracy, x.generations[g].population[i].accuracy);
        }
    }
    QCOMPARE(y.best.genes, x.best.genes);
    QCOMPARE(y.best.accuracy, x.best.accuracy);
    QCOMPARE(y.best.removedFraction, x.best.removedFraction);
}

}  // namespace

class TestMpi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // Open MPI's TCP and shared-memory transports only: no fabric probing in a container.
        qputenv("OMPI_MCA_btl", "self,vader,tcp");
        qputenv("OMPI_MCA_rmaps_base_oversubscribe", "1");
    }

    void threeRanksGiveTheOneProcessSession() {
        const QString single = dir_.filePath("single.h5"), spread = dir_.filePath("spread.h5");
        const Run one = run(kSieve, gaArgs(single, 4));
        QVERIFY2(one.code == 0, qPrintable(one.output));
        QStringList loud = gaArgs(spread, 4);
        loud.removeAll("--quiet");
        const Run three = run(kMpirun, mpirun(3, loud));
        QVERIFY2(three.code == 0, qPrintable(three.output));
        // Every rank scored chromosomes (rank 0's load line and the workers' own); the result is printed
        // once.
        for (int rank : {0, 1, 2}) {
            const QRegularExpression load(QString("rank %1: (\\d+) evaluations").arg(rank));
            const QRegularExpressionMatch m = load.match(three.output);
            QVERIFY2(m.hasMatch() && m.captured(1).toInt() > 0, qPrintable(three.output));
        }
        QVERIFY2(three.output.contains("rank 1: scored") && three.output.contains("rank 2: scored"),
                 qPrintable(three.output));
        QCOMPARE(three.output.count("GA (sieve): best removes"), 1);
        compareSearches(SessionFile::load(single.toStdString()), SessionFile::load(spread.toStdString()));
    }

    // `run` hands out the uniform sweep of the search method, the genetic
    // search and the sensitivity scan; the factors go to the workers once
    // and serve all three.
    void runSpreadsTheSearchAndTheScan() {
        const QString single = dir_.filePath("run-single.h5"), spread = dir_.filePath("run-spread.h5");
        QStringList args = gaArgs(single, 3);
        args[0] = "run";
        const Run one = run(kSieve, args);
        QVERIFY2(one.code == 0, qPrintable(one.output));
        args = gaArgs(spread, 3);
        args[0] = "run";
        args.removeAll("--quiet");
        const Run two = run(kMpirun, mpirun(2, args));
        QVERIFY2(two.code == 0, qPrintable(two.output));
        QCOMPARE(two.output.count(QRegularExpression("cluster: sieve factors \\(.*\\) sent to 1 ranks")), 1);
        // One load line per search (the sweep, the genetic search, the scan); rank 1 scored in each.
        const QRegularExpression load("rank 1: (\\d+) evaluations");
        QRegularExpressionMatchIterator it = load.globalMatch(two.output);
        int searches = 0;
        while (it.hasNext()) {
            QVERIFY2(it.next().captured(1).toInt() > 0, qPrintable(two.output));
            ++searches;
        }
        QCOMPARE(searches, 3);
        const SessionData a = SessionFile::load(single.toStdString());
        const SessionData b = SessionFile::load(spread.toStdString());
        compareSearches(a, b);
        QCOMPARE(b.uniform.size(), size_t(1));
        QCOMPARE(b.uniform.size(), a.uniform.size());
        QCOMPARE(b.uniform[0].points.size(), a.uniform[0].points.size());
        for (size_t i = 0; i < a.uniform[0].points.size(); ++i)
            QCOMPARE(b.uniform[0].points[i].accuracy, a.uniform[0].points[i].accuracy);
        QCOMPARE(b.uniform[0].bestLevel, a.uniform[0].bestLevel);
        QCOMPARE(b.sensitivity.size(), size_t(1));
        QCOMPARE(b.sensitivity.size(), a.sensitivity.size());
        QCOMPARE(b.sensitivity[0].accuracy, a.sensitivity[0].accuracy);
        QCOMPARE(b.sensitivity[0].ranking, a.sensitivity[0].ranking);
    }

    void otherCommandsRefuseRanks() {
        const Run sweep =
            run(kMpirun, mpirun(2, {"sweep", "--model", kDemo, "--task", kDemo + "/tasks/add.jsonl"}));
        QVERIFY2(sweep.code != 0, qPrintable(sweep.output));
        QVERIFY2(sweep.output.contains("only `ga`, `sensitivity` and `run`"), qPrintable(sweep.output));
    }

    void aKilledRankEndsTheRunAndTheSearchResumes() {
        const int generations = 30;
        const QString killed = dir_.filePath("killed.h5"), single = dir_.filePath("single30.h5");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(kMpirun, mpirun(3, gaArgs(killed, generations)));
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (finishedGenerations(killed) < 2 && t.elapsed() < 400000 && p.state() == QProcess::Running)
            QTest::qWait(200);
        QVERIFY2(p.state() == QProcess::Running, "the search ended before a rank could be killed");
        const pid_t worker = rankPid(p.processId(), 1);
        QVERIFY2(worker > 0, "rank 1's process not found");
        QCOMPARE(::kill(worker, SIGKILL), 0);
        QVERIFY(p.waitForFinished(120000));
        const QString output = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0, qPrintable(output));

        // The session holds the generations finished before the kill, whole.
        const int kept = finishedGenerations(killed);
        QVERIFY2(kept >= 2 && kept < generations, qPrintable(QString::number(kept)));

        // Two ranks left: the rerun continues where it stopped, to the one-process result.
        const Run resumed = run(kMpirun, mpirun(2, gaArgs(killed, generations)));
        QVERIFY2(resumed.code == 0, qPrintable(resumed.output));
        const Run one = run(kSieve, gaArgs(single, generations));
        QVERIFY2(one.code == 0, qPrintable(one.output));
        compareSearches(SessionFile::load(single.toStdString()), SessionFile::load(killed.toStdString()));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestMpi)
#include "test_mpi.moc"

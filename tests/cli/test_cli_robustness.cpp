// `sieve` fed what a hostile or careless user would (issue 18,
// docs/reliability.md), each case with its documented exit code and a
// message naming the file, the option or the key:
//  F1 a full disk during a session save (exit 4, "no space left", no
//     temporary file, the session as it was); F2 out-of-range indices in a
//     session (report and run: exit 2); F3 a damaged session that no
//     checksum vouches for (exit 2, never a crash); F4 every numeric option
//     range-checked before anything is opened (exit 1); F5 max_new_tokens
//     past the context (prompts kept whole, a warning naming the task file);
//     F6 FIFOs and devices as --tokenizer / --task (exit 2 at once); a
//     tokenizer larger than the model; a damaged GA random state; two
//     processes writing one session (the second refused, naming the first).
#include <H5Cpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QtTest>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "core/session/file_checksum.h"
#include "core/session/session_file.h"
#include "sieve_process.h"

namespace {

using sieve::test::kSieve;
using sieve::test::Result;
using sieve::test::runProgram;
using sieve::test::runSieve;
const QString kDemo = QStringLiteral(SIEVE_SOURCE_DIR "/resources/demo");
const QString kAddTask = kDemo + "/tasks/add.jsonl";

QString quoted(const QString& s) {
    return "'" + QString(s).replace("'", "'\\''") + "'";
}

// A real demo session (baseline, sweeps, GA, sensitivity, held-out) to damage.
QString demoSession(const QString& folder) {
    const QString file = folder + "/demo.h5";
    if (!QFile::exists(file)) {
        const Result r = runSieve({"run", "--model", kDemo, "--task", kAddTask, "--population", "4",
                                   "--generations", "2", "--session", file, "--quiet"});
        if (r.code != 0) qFatal("sieve run failed: %s", qPrintable(r.err));
    }
    return file;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void setElement(const std::string& file, const std::string& dataset, hsize_t index, int64_t value) {
    {
        H5::H5File h5(file, H5F_ACC_RDWR);
        H5::DataSet ds = h5.openDataSet(dataset);
        std::vector<int64_t> values(size_t(ds.getSpace().getSimpleExtentNpoints()));
        ds.read(values.data(), H5::PredType::NATIVE_INT64);
        values.at(index) = value;
        ds.write(values.data(), H5::PredType::NATIVE_INT64);
    }
    sieve::sealSessionChecksum(file);
}

// Whether this machine lets us mount a tmpfs in a private namespace.
bool canMountTmpfs() {
    const Result r =
        runProgram("unshare", {"-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && echo ok"});
    return r.code == 0 && r.out.contains("ok");
}

// Finished generations as the progress printer reports them ("generation 3:
// best ..."; the engine's per-generation speed line also names the generation).
qsizetype finishedGenerations(const QString& seen) {
    static const QRegularExpression line("generation \\d+: best ");
    qsizetype n = 0;
    for (auto it = line.globalMatch(seen); it.hasNext(); it.next()) ++n;
    return n;
}

// Reads a running `sieve ga`'s output until it has reported `count` finished
// generations (or four minutes passed, or it ended); returns what it read.
QString waitForGenerations(QProcess& p, int count) {
    QString seen;
    QElapsedTimer t;
    t.start();
    while (finishedGenerations(seen) < count && t.elapsed() < 240000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(1000);
        seen += QString::fromUtf8(p.readAllStandardOutput());
    }
    return seen;
}

}  // namespace

class TestCliRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // ---- F4: every numeric option, every subcommand, before anything is opened -------------------

    void numericOptionsAreRangeCheckedFirst_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        // The model does not exist: the option must be refused before it is looked for.
        const QStringList task{"--model", "/no/such/model", "--task", "/no/such/task.jsonl"};
        QTest::newRow("eval --held-out 1.5") << QStringList{"eval"} + task + QStringList{"--held-out", "1.5"}
                                             << "--held-out 1.5 is outside [0, 0.99]";
        QTest::newRow("eval --held-out -0.1")
            << QStringList{"eval"} + task + QStringList{"--held-out", "-0.1"} << "--held-out -0.1 is outside";
        QTest::newRow("eval --held-out nan")
            << QStringList{"eval"} + task + QStringList{"--held-out", "nan"} << "--held-out nan is outside";
        QTest::newRow("sweep --eps inf")
            << QStringList{"sweep"} + task + QStringList{"--eps", "inf"} << "--eps inf is outside";
        QTest::newRow("ga --patience 0") << QStringList{"ga"} + task + QStringList{"--patience", "0"}
                                         << "--patience 0 is outside [1, 1000000]";
        QTest::newRow("ga --generations 0")
            << QStringList{"ga"} + task + QStringList{"--generations", "0"} << "--generations 0 is outside";
        QTest::newRow("run --seed 2^64")
            << QStringList{"run"} + task + QStringList{"--seed", "18446744073709551616"}
            << "--seed 18446744073709551616 is outside";
        QTest::newRow("calibrate --calibration-tokens 2^41")
            << QStringList{"calibrate"} + task + QStringList{"--calibration-tokens", "2199023255552"}
            << "--calibration-tokens 2199023255552 is outside";
        QTest::newRow("sensitivity --level-index 99")
            << QStringList{"sensitivity"} + task + QStringList{"--level-index", "99"}
            << "--level-index 99 is outside [-1, 9]";
        QTest::newRow("sensitivity --level-index -2")
            << QStringList{"sensitivity"} + task + QStringList{"--level-index", "-2"}
            << "--level-index -2 is outside";
        QTest::newRow("export --level 1.5")
            << QStringList{"export"} + task + QStringList{"--out", "/tmp/x", "--level", "1.5"}
            << "--level 1.5 is outside";
        QTest::newRow("export --level off the grid")
            << QStringList{"export"} + task + QStringList{"--out", "/tmp/x", "--level", "0.55"}
            << "is not on the --grid";
        QTest::newRow("train-demo --steps 0") << QStringList{"train-demo", "--out", "/tmp/x", "--steps", "0"}
                                              << "--steps 0 is outside [1, 10000000]";
        QTest::newRow("train-demo --steps 99999999999")
            << QStringList{"train-demo", "--out", "/tmp/x", "--steps", "99999999999"}
            << "--steps 99999999999 is outside";
        QTest::newRow("train-demo --threads 5000")
            << QStringList{"train-demo", "--out", "/tmp/x", "--threads", "5000"}
            << "--threads 5000 is outside [1, 1024]";
        QTest::newRow("train-demo --seed -1")
            << QStringList{"train-demo", "--out", "/tmp/x", "--seed", "-1"} << "--seed -1 is outside";
        QTest::newRow("a number with trailing text")
            << QStringList{"ga"} + task + QStringList{"--population", "24x"}
            << "--population expects an integer";
        QTest::newRow("hex is not decimal") << QStringList{"ga"} + task + QStringList{"--population", "0x10"}
                                            << "--population expects an integer";
    }
    void numericOptionsAreRangeCheckedFirst() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runSieve(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void refusedSettingsAreBadInputBeforeAnythingOpens_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList task{"--model", "/no/such/model", "--task", "/no/such/task.jsonl"};
        QTest::newRow("ga --methods bogus")
            << QStringList{"ga"} + task + QStringList{"--methods", "bogus"} << "bogus";
        QTest::newRow("export --format bogus")
            << QStringList{"export"} + task + QStringList{"--out", "/tmp/x", "--format", "bogus"}
            << "unknown export format 'bogus'";
        QString grid = "0";
        for (int i = 1; i < 2000; ++i) grid += "," + QString::number(i / 2000.0);
        QTest::newRow("a grid of 2000 levels")
            << QStringList{"sweep"} + task + QStringList{"--grid", grid} << "more than 1000";
        QTest::newRow("grid not ascending")
            << QStringList{"sweep"} + task + QStringList{"--grid", "0,0.5,0.2"} << "ascending";
    }
    void refusedSettingsAreBadInputBeforeAnythingOpens() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runSieve(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message) && !r.err.contains("/no/such"), qPrintable(r.err));
    }

    void malformedDeviceIsBadInput() {
        const Result r = runSieve({"info", "--model", kDemo, "--device", "cuda:x", "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown device 'cuda:x'"), qPrintable(r.err));
    }

    // ---- F1: a full disk --------------------------------------------------------------------------

    // The issue's reproduction: a 200 KB tmpfs, nearly full. Whichever save
    // meets the full disk (the first, a later result, a GA generation), the
    // run stops with exit 4 and "no space left on <folder>, N bytes", leaves
    // no temporary file, and the session on the disk (if one fit) still reads.
    void fullDiskStopsTheRunWithExitFour_data() {
        QTest::addColumn<int>("filler");
        QTest::newRow("almost no space") << 150000;
        QTest::newRow("room for the first saves") << 60000;
    }
    void fullDiskStopsTheRunWithExitFour() {
        QFETCH(int, filler);
        if (!canMountTmpfs()) QSKIP("cannot mount a tmpfs in a private namespace here");
        const QString folder = dir_.filePath("full-" + QString::number(filler));
        QVERIFY(QDir().mkpath(folder));
        const QString session = folder + "/new.h5";
        const QString script =
            QString(
                "mount -t tmpfs -o size=200k tmpfs %1 && head -c %2 /dev/zero > %1/filler && "
                "%3 run --model %4 --task %5 --population 4 --generations 3 --quiet --session %6; rc=$?; "
                "echo \"files: $(ls -A %1 | tr '\\n' ' ')\"; "
                "if [ -e %6 ]; then %3 report --session %6 > /dev/null && echo 'session reads'; fi; exit $rc")
                .arg(quoted(folder))
                .arg(filler)
                .arg(quoted(kSieve), quoted(kDemo), quoted(kAddTask), quoted(session));
        const Result r = runProgram("unshare", {"-rm", "sh", "-c", script});
        QCOMPARE(r.code, 4);
        QVERIFY2(
            r.err.contains("no space left on the file system of '" + folder + "'") && r.err.contains("bytes"),
            qPrintable(r.err));
        QVERIFY2(!r.out.contains(".tmp-"), qPrintable(r.out));
        if (r.out.contains("new.h5")) QVERIFY2(r.out.contains("session reads"), qPrintable(r.out));
    }

    // Without privileges: a file size limit fails the writes (EFBIG) the same
    // way, and the message says which limit.
    void fileSizeLimitStopsTheRunWithExitFour() {
        const QString session = dir_.filePath("limited.h5");
        const QString script = QString(
                                   "trap '' XFSZ; ulimit -f 48; exec %1 run --model %2 --task %3 "
                                   "--population 4 --generations 3 --quiet --session %4")
                                   .arg(quoted(kSieve), quoted(kDemo), quoted(kAddTask), quoted(session));
        const Result r = runProgram("bash", {"-c", script});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains("file size limit") && r.err.contains("limited.h5"), qPrintable(r.err));
        QVERIFY(QDir(dir_.path()).entryList({"limited.h5.tmp-*"}, QDir::Files | QDir::Hidden).isEmpty());
        QCOMPARE(runSieve({"report", "--session", session}).code, 0);  // what was saved still reads
    }

    // ---- F2, F3: sessions that lie ------------------------------------------------------------------

    void outOfRangeIndicesAreBadInput_data() {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<qint64>("value");
        QTest::newRow("matrix layer -3") << "/model/matrices/layer" << qint64(-3);
        QTest::newRow("matrix layer INT32_MAX") << "/model/matrices/layer" << qint64(2147483647);
        QTest::newRow("ranking INT32_MAX") << "/sensitivity/sieve/ranking" << qint64(2147483647);
    }
    void outOfRangeIndicesAreBadInput() {
        QFETCH(QString, dataset);
        QFETCH(qint64, value);
        const QString file = dir_.filePath("indices.h5");
        QFile::remove(file);
        QVERIFY(QFile::copy(demoSession(dir_.path()), file));
        setElement(file.toStdString(), dataset.toStdString(), 0, value);
        for (const QStringList& args :
             {QStringList{"report", "--session", file}, QStringList{"report", "--session", file, "--json"},
              QStringList{"run", "--model", kDemo, "--task", kAddTask, "--population", "4", "--generations",
                          "2", "--session", file, "--quiet"}}) {
            const Result r = runSieve(args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(file) && r.err.contains("damaged session"), qPrintable(r.err));
        }
    }

    void modelLayersHugeIsBadInput() {
        const QString file = dir_.filePath("layers.h5");
        QFile::remove(file);
        QVERIFY(QFile::copy(demoSession(dir_.path()), file));
        {
            H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
            H5::Group model = h5.openGroup("/model");
            model.removeAttr("layers");
            const int64_t huge = 2147483647;
            model.createAttribute("layers", H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR))
                .write(H5::PredType::NATIVE_INT64, &huge);
        }
        sieve::sealSessionChecksum(file.toStdString());
        const Result r = runSieve({"report", "--session", file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("layers") && r.err.contains(file), qPrintable(r.err));
    }

    // "sha256 none" and a damaged body: report and run exit 2, never crash.
    void unsealedDamagedSessionIsBadInput() {
        const QString file = dir_.filePath("unsealed.h5");
        QByteArray bytes = readFile(demoSession(dir_.path()));
        const int heap = bytes.indexOf("GCOL");
        QVERIFY(heap > 0);
        for (int i = heap + 24; i < heap + 32; ++i) bytes[i] = '\x7f';  // the first string's size
        const QByteArray block = "SIEVE-SESSION-USERBLOCK 1\nsha256 none\n";
        bytes.replace(0, 512, block + QByteArray(512 - block.size(), '\0'));
        writeFile(file, bytes);
        for (const QStringList& args :
             {QStringList{"report", "--session", file},
              QStringList{"run", "--model", kDemo, "--task", kAddTask, "--session", file, "--quiet"}}) {
            const Result r = runSieve(args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(file), qPrintable(r.err));
        }
    }

    // ---- F5 ----------------------------------------------------------------------------------------------

    void maxNewTokensPastTheContextKeepsScoringAndWarns() {
        QByteArray task = readFile(kAddTask);
        task.replace("\"max_new_tokens\":10", "\"max_new_tokens\":60");
        const QString file = dir_.filePath("add-60.jsonl");
        writeFile(file, task);
        const Result r = runSieve({"eval", "--model", kDemo, "--task", file, "--quiet"});
        QCOMPARE(r.code, 0);
        // "exact_match = 1.0000 [0.9630, 1.0000] on the evaluation split": the Wilson interval between.
        static const QRegularExpression perfect(
            R"(exact_match = 1\.0000 \[[0-9.]+, 1\.0000\] on the evaluation split)");
        QVERIFY2(r.out.contains(perfect), qPrintable(r.out));
        QVERIFY2(
            r.err.contains("warning: " + file + ": max_new_tokens 60 does not fit the model's context of 64"),
            qPrintable(r.err));
        // Once: `eval` scores the whole evaluation split and then its search part.
        QCOMPARE(r.err.count("does not fit the model's context"), 1);
    }

    // ---- F6 and the weak cases ---------------------------------------------------------------------

    void filesThatAreNotFilesAreRefusedAtOnce() {
        const QString fifo = dir_.filePath("input.fifo");
        QCOMPARE(mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        QElapsedTimer t;
        t.start();
        Result r = runSieve({"info", "--model", kDemo, "--tokenizer", fifo, "--quiet"}, 60000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(fifo) && r.err.contains("FIFO"), qPrintable(r.err));
        r = runSieve({"eval", "--model", kDemo, "--task", fifo, "--quiet"}, 60000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(fifo) && r.err.contains("FIFO"), qPrintable(r.err));
        r = runSieve({"info", "--model", kDemo, "--tokenizer", "/dev/zero", "--quiet"}, 60000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("/dev/zero") && r.err.contains("character device"), qPrintable(r.err));
        QVERIFY2(t.elapsed() < 60000, "refusing took too long");
    }

    void tokenizerLargerThanTheModelNamesBoth() {
        const QString tokenizer = QStringLiteral(SIEVE_FIXTURES_DIR "/tokenizers/llama3_small.json");
        const Result r = runSieve({"info", "--model", kDemo, "--tokenizer", tokenizer, "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(
            r.err.contains(tokenizer) && r.err.contains(kDemo) && r.err.contains("do not belong together"),
            qPrintable(r.err));
    }

    void modelTypeOfTheWrongTypeIsBadInput() {
        const QString model = dir_.filePath("model-type-7");
        QVERIFY(QDir().mkpath(model));
        QVERIFY(QFile::copy(kDemo + "/model.safetensors", model + "/model.safetensors"));
        QByteArray config = readFile(kDemo + "/config.json");
        config.replace("\"model_type\": \"llama\"", "\"model_type\": 7");
        QVERIFY(config.contains("\"model_type\": 7"));
        writeFile(model + "/config.json", config);
        const Result r = runSieve({"info", "--model", model, "--quiet"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("config.json") && r.err.contains("model_type"), qPrintable(r.err));
    }

    // A damaged random state must not resume on another stream: the search starts again, and says why.
    void damagedGaRandomStateStartsAgain_data() {
        QTest::addColumn<QString>("damage");
        QTest::newRow("random bytes") << "random";
        QTest::newRow("all zeros") << "zeros";
    }
    void damagedGaRandomStateStartsAgain() {
        QFETCH(QString, damage);
        const QString file = dir_.filePath("rng-" + damage + ".h5");
        const QStringList ga{"ga", "--model",    kDemo, "--task",    kAddTask, "--population",
                             "4",  "--patience", "50",  "--session", file};
        Result r = runSieve(ga + QStringList{"--generations", "2", "--quiet"});
        QCOMPARE(r.code, 0);
        {
            H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
            H5::DataSet states = h5.openDataSet("/ga/generations/rng_state");
            std::vector<uint8_t> bytes(size_t(states.getSpace().getSimpleExtentNpoints()));
            states.read(bytes.data(), H5::PredType::NATIVE_UINT8);
            uint32_t x = 12345;
            for (uint8_t& b : bytes)
                b = damage == "zeros" ? uint8_t('0') : uint8_t((x = x * 1103515245 + 12345) >> 24);
            states.write(bytes.data(), H5::PredType::NATIVE_UINT8);
        }
        sieve::sealSessionChecksum(file.toStdString());
        r = runSieve(ga + QStringList{"--generations", "3"});
        QCOMPARE(r.code, 0);
        const QString log = r.out + r.err;  // progress messages go to stderr
        QVERIFY2(log.contains("damaged random state") && log.contains("starts again"), qPrintable(log));
        QVERIFY2(!log.contains("resumed the genetic search"), qPrintable(log));
        QCOMPARE(sieve::SessionFile::load(file.toStdString()).ga->result.generations.size(), size_t(3));
    }

    // ---- two writers ------------------------------------------------------------------------------------

    void secondWriterOfASessionIsRefused() {
        const QString file = dir_.filePath("shared.h5");
        const QStringList ga{"ga",           "--model",   kDemo,        "--task", kAddTask,
                             "--population", "6",         "--patience", "500",    "--generations",
                             "400",          "--session", file};
        QProcess first;
        first.setProcessChannelMode(QProcess::MergedChannels);
        first.start(kSieve, ga);
        QVERIFY(first.waitForStarted());
        const QString seen = waitForGenerations(first, 2);
        QVERIFY2(finishedGenerations(seen) >= 2, qPrintable(seen));
        char host[256] = {};
        gethostname(host, sizeof(host) - 1);
        const Result second = runSieve(ga + QStringList{"--quiet"});
        QCOMPARE(second.code, 2);
        QVERIFY2(second.err.contains(
                     QString("in use by process %1 (sieve) on host %2").arg(first.processId()).arg(host)),
                 qPrintable(second.err));
        ::kill(pid_t(first.processId()), SIGINT);  // cancels, keeping what finished
        QVERIFY(first.waitForFinished(120000));
        QCOMPARE(first.exitCode(), 3);
        const sieve::SessionData kept = sieve::SessionFile::load(file.toStdString());
        QVERIFY(kept.ga && kept.ga->result.generations.size() >= 2);
        for (size_t g = 0; g < kept.ga->result.generations.size(); ++g)
            QCOMPARE(kept.ga->result.generations[g].index, int(g));  // nothing replaced, nothing lost
        QVERIFY(!QFile::exists(file + ".lock"));
    }
};

QTEST_GUILESS_MAIN(TestCliRobustness)
#include "test_cli_robustness.moc"

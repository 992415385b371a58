// Session files: round trips of every field, GA autosave (append, SIGKILL,
// resume), refusal of newer versions and damaged files, optional Gram
// matrices, NeXus conventions, h5py as an independent reader, and the
// SHA-256 content hash against FIPS 180 vectors and coreutils' sha256sum.
#include <H5Cpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "core/common/error.h"
#include "core/session/content_hash.h"
#include "core/session/session.h"
#include "core/session/session_appender.h"
#include "core/session/session_file.h"
#include "core/session/sha256.h"
#include "expect_format_error.h"
#include "session_compare.h"
#include "session_samples.h"

using namespace sieve;
using sieve::test::diffSessions;
using sieve::test::expectFormatError;
using sieve::test::sampleSession;

namespace {

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::vector<std::string> tempFilesIn(const std::string& folder) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().filename().string().find(".tmp-") != std::string::npos)
            found.push_back(entry.path());
    return found;
}

// A copy of `data` without the GA (what the engine saves before a GA starts).
SessionData withoutGa(SessionData data) {
    data.ga.reset();
    return data;
}

// Runs `body` in a forked child that then kills itself with SIGKILL, and
// checks that it died that way (exit 3: the body threw).
template <typename Body>
void runChildThatKillsItself(Body&& body) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    QVERIFY(pid >= 0);
    if (pid == 0) {
        try {
            body();
        } catch (...) {
            _exit(3);
        }
        raise(SIGKILL);
        _exit(4);
    }
    int status = 0;
    QCOMPARE(waitpid(pid, &status, 0), pid);
    QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
             qPrintable(QString("child status %1 (exit 3: the appender threw)").arg(status)));
}

// The python3 that has h5py: Debian's first (`python3` may be a pyenv one).
QString pythonWithH5py() {
    for (const QString& candidate : {QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")}) {
        QProcess probe;
        probe.start(candidate, {"-c", "import h5py"});
        if (probe.waitForFinished(60000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            return candidate;
    }
    return {};
}

struct NexusReport {
    std::vector<std::string> problems;
    int datasets = 0;
    int nxdata = 0;
};

void checkStringType(const H5::DataType& type, const std::string& where, NexusReport& report) {
    if (type.getClass() != H5T_STRING) return;
    const H5::StrType str(type.getId());
    if (!str.isVariableStr()) report.problems.push_back(where + ": fixed-length string");
    if (str.getCset() != H5T_CSET_UTF8) report.problems.push_back(where + ": string not UTF-8");
}

void checkAttributes(const H5::H5Object& object, const std::string& where, NexusReport& report) {
    for (int i = 0; i < object.getNumAttrs(); ++i) {
        H5::Attribute attr = object.openAttribute(unsigned(i));
        checkStringType(attr.getDataType(), where + "@" + attr.getName(), report);
    }
}

herr_t visitObject(hid_t, const char* name, const H5O_info_t* info, void* data) {
    auto* context = static_cast<std::pair<H5::H5File*, NexusReport*>*>(data);
    H5::H5File& file = *context->first;
    NexusReport& report = *context->second;
    const std::string path = std::string("/") + (std::string(name) == "." ? "" : name);
    if (info->type == H5O_TYPE_DATASET) {
        ++report.datasets;
        H5::DataSet ds = file.openDataSet(path);
        for (const char* attr : {"units", "long_name"})
            if (!ds.attrExists(attr)) report.problems.push_back(path + ": no '" + attr + "' attribute");
        checkStringType(ds.getDataType(), path, report);
        checkAttributes(ds, path, report);
    } else if (info->type == H5O_TYPE_GROUP) {
        H5::Group g = file.openGroup(path);
        checkAttributes(g, path, report);
        if (!g.attrExists("NX_class")) {
            report.problems.push_back(path + ": group without NX_class");
            return 0;
        }
        std::string nxClass;
        g.openAttribute("NX_class").read(g.openAttribute("NX_class").getStrType(), nxClass);
        if (nxClass != "NXdata") return 0;
        ++report.nxdata;
        auto strings = [&](const char* attrName) {
            std::vector<std::string> out;
            if (!g.attrExists(attrName)) return out;
            H5::Attribute a = g.openAttribute(attrName);
            const hssize_t n = a.getSpace().getSimpleExtentNpoints();
            std::vector<char*> buffer(static_cast<size_t>(n), nullptr);
            a.read(a.getStrType(), buffer.data());
            for (char* s : buffer) out.emplace_back(s);
            H5::DataSet::vlenReclaim(buffer.data(), a.getStrType(), a.getSpace());
            return out;
        };
        const std::vector<std::string> signal = strings("signal");
        if (signal.size() != 1 || !H5Lexists(g.getId(), signal[0].c_str(), H5P_DEFAULT))
            report.problems.push_back(path + ": NXdata without a valid 'signal'");
        for (const std::string& axis : strings("axes"))
            if (axis != "." && !H5Lexists(g.getId(), axis.c_str(), H5P_DEFAULT))
                report.problems.push_back(path + ": axis '" + axis + "' missing");
        for (const std::string& aux : strings("auxiliary_signals"))
            if (!H5Lexists(g.getId(), aux.c_str(), H5P_DEFAULT))
                report.problems.push_back(path + ": auxiliary signal '" + aux + "' missing");
    }
    return 0;
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const std::string& name) const { return (dir_.path() + "/").toStdString() + name; }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // SIEVE_KEEP_TEST_FILES=1 keeps the written sessions for h5web / HDFView.
        if (qEnvironmentVariableIsSet("SIEVE_KEEP_TEST_FILES")) {
            dir_.setAutoRemove(false);
            qInfo("session files kept in %s", qPrintable(dir_.path()));
        }
    }

    // ---- content hash ------------------------------------------------------------------

    void sha256Vectors_data() {
        QTest::addColumn<bool>("hardware");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("digest");
        // FIPS 180-2 appendix B and the empty message, through the portable
        // code and through the SHA-NI code where the CPU has it.
        for (bool hardware : {false, true}) {
            const QString path = hardware ? "sha-ni " : "portable ";
            QTest::newRow(qPrintable(path + "empty"))
                << hardware << QByteArray()
                << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
            QTest::newRow(qPrintable(path + "abc"))
                << hardware << QByteArray("abc")
                << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
            QTest::newRow(qPrintable(path + "448 bits"))
                << hardware << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
            QTest::newRow(qPrintable(path + "million a"))
                << hardware << QByteArray(1000000, 'a')
                << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        }
    }
    void sha256Vectors() {
        QFETCH(bool, hardware);
        QFETCH(QByteArray, message);
        QFETCH(QString, digest);
        if (hardware && !Sha256::hardwareAvailable()) QSKIP("this CPU has no SHA extensions");
        Sha256::setHardwareEnabled(hardware);
        QCOMPARE(QString::fromStdString(sha256Hex(message.constData(), size_t(message.size()))), digest);
        // The same message fed in uneven pieces.
        Sha256 streamed;
        std::mt19937 rng(5);
        for (int offset = 0; offset < message.size();) {
            const int piece = std::min<int>(int(rng() % 131), message.size() - offset);
            streamed.update(message.constData() + offset, size_t(piece));
            offset += piece;
        }
        QCOMPARE(QString::fromStdString(streamed.finishHex()), digest);
        Sha256::setHardwareEnabled(true);
    }

    void sha256Throughput() {
        const std::string block(size_t(64) << 20, 'x');
        std::string digests[2];
        for (bool hardware : {false, true}) {
            if (hardware && !Sha256::hardwareAvailable()) continue;
            Sha256::setHardwareEnabled(hardware);
            QElapsedTimer timer;
            timer.start();
            digests[hardware] = sha256Hex(block.data(), block.size());
            const double seconds = double(std::max<qint64>(timer.elapsed(), 1)) / 1000.0;
            qInfo("SHA-256 %s: %.0f MB/s on one core", hardware ? "SHA-NI" : "portable",
                  64.0 * 1.048576 / seconds);
        }
        Sha256::setHardwareEnabled(true);
        if (Sha256::hardwareAvailable()) QCOMPARE(digests[1], digests[0]);
    }

    void hashFileMatchesSha256sum_data() {
        QTest::addColumn<int>("size");
        for (int size : {0, 1, 55, 56, 63, 64, 65, 4 * 1024 * 1024 + 3})
            QTest::newRow(qPrintable(QString::number(size))) << size;
    }
    void hashFileMatchesSha256sum() {
        QFETCH(int, size);
        std::mt19937_64 rng(uint64_t(size) + 1);
        std::string bytes(size_t(size), '\0');
        for (char& c : bytes) c = char(rng());
        const std::string file = path("hash-" + std::to_string(size) + ".bin");
        writeBytes(file, bytes);
        QProcess sum;
        sum.start("sha256sum", {QString::fromStdString(file)});
        QVERIFY(sum.waitForFinished(60000));
        const QString expected = QString::fromUtf8(sum.readAllStandardOutput()).section(' ', 0, 0);
        QCOMPARE(expected.size(), 64);
        const FileDigest digest = hashFile(file);
        QCOMPARE(QString::fromStdString(digest.sha256), expected);
        QCOMPARE(digest.size, int64_t(size));
    }

    void hashFilesCombinedMatchesShell() {
        const std::string folder = path("model-dir");
        std::filesystem::create_directories(folder);
        std::vector<std::string> files;
        for (const char* name :
             {"model-00002-of-00002.safetensors", "model-00001-of-00002.safetensors", "config.json"}) {
            files.push_back(folder + "/" + name);
            writeBytes(files.back(), std::string(name) + std::string(100000, char(name[0])));
        }
        const ContentHash hash = hashFiles(files);
        QCOMPARE(hash.files.size(), size_t(3));
        QCOMPARE(hash.files[0].path, files[0]);  // order kept
        // The manifest is `sha256sum` output sorted by file name.
        QProcess shell;
        shell.setWorkingDirectory(QString::fromStdString(folder));
        shell.start("bash", {"-c",
                             "sha256sum model-00002-of-00002.safetensors model-00001-of-00002.safetensors "
                             "config.json | LC_ALL=C sort -k2 | sha256sum"});
        QVERIFY(shell.waitForFinished(60000));
        const QString expected =
            "sha256:" + QString::fromUtf8(shell.readAllStandardOutput()).section(' ', 0, 0);
        QCOMPARE(QString::fromStdString(hash.combined), expected);
        // Changing one byte changes the hash.
        std::string bytes = readBytes(files[2]);
        bytes[50] ^= 1;
        writeBytes(files[2], bytes);
        QVERIFY(hashFiles(files).combined != hash.combined);
        QVERIFY_EXCEPTION_THROWN(hashFiles({folder + "/missing.bin"}), InputError);
        QVERIFY_EXCEPTION_THROWN(hashFiles({}), InputError);
    }

    // ---- round trips -------------------------------------------------------------------

    void roundTrip_data() {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<int>("layers");
        QTest::addColumn<bool>("optionalParts");
        QTest::addColumn<bool>("gaComplete");
        QTest::newRow("full, 3 layers") << quint64(1) << 3 << true << true;
        QTest::newRow("full, 8 layers") << quint64(2) << 8 << true << true;
        QTest::newRow("interrupted GA") << quint64(3) << 2 << true << false;
        QTest::newRow("identity only") << quint64(4) << 2 << false << true;
    }
    void roundTrip() {
        QFETCH(quint64, seed);
        QFETCH(int, layers);
        QFETCH(bool, optionalParts);
        QFETCH(bool, gaComplete);
        test::SampleShape shape;
        shape.layers = layers;
        shape.optionalParts = optionalParts;
        shape.gaComplete = gaComplete;
        SessionData data = sampleSession(seed, shape);
        const std::string file = path("roundtrip-" + std::to_string(seed) + ".h5");
        SessionSaveOptions options;
        options.gramMatrices = true;
        const auto before = std::chrono::system_clock::now();
        SessionFile::save(file, data, options);
        SessionLoadOptions load;
        load.gramMatrices = true;
        const SessionData back = SessionFile::load(file, load);
        QVERIFY2(tempFilesIn(dir_.path().toStdString()).empty(), "a temporary file was left behind");

        // `modified` is stamped by the save: an ISO 8601 UTC time of now.
        const QDateTime modified =
            QDateTime::fromString(QString::fromStdString(back.provenance.modified), Qt::ISODate);
        QVERIFY2(modified.isValid() && modified.timeSpec() == Qt::UTC, back.provenance.modified.c_str());
        const qint64 beforeSeconds =
            std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count();
        QVERIFY(modified.toSecsSinceEpoch() >= beforeSeconds &&
                modified.toSecsSinceEpoch() <= beforeSeconds + 60);
        data.provenance.modified = back.provenance.modified;
        const std::string diff = diffSessions(data, back);
        QVERIFY2(diff.empty(), diff.c_str());

        // A second save of what was loaded writes the same content.
        SessionFile::save(file, back, options);
        const std::string again = diffSessions(back, SessionFile::load(file, load), {false, true});
        QVERIFY2(again.empty(), again.c_str());
    }

    void emptyFieldsAreFilledOnSave() {
        SessionData data = sampleSession(9, {2, 4, 2, false, true});
        data.provenance.appVersion.clear();
        data.provenance.torchVersion.clear();
        data.provenance.created.clear();
        const std::string file = path("filled.h5");
        SessionFile::save(file, data);
        const SessionData back = SessionFile::load(file);
        QVERIFY(!back.provenance.appVersion.empty());
        QVERIFY(!back.provenance.torchVersion.empty());
        QCOMPARE(back.provenance.created, back.provenance.modified);
        // Saving over it again with an empty `created` keeps the first one.
        const std::string olderCreated = "2020-01-02T03:04:05Z";
        SessionData stamped = back;
        stamped.provenance.created = olderCreated;
        SessionFile::save(file, stamped);
        SessionFile::save(file, data);  // created empty again
        QCOMPARE(SessionFile::load(file).provenance.created, olderCreated);
        struct stat info {};
        QCOMPARE(::stat(file.c_str(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0644);  // not mkstemp's private 0600
    }

    void invalidDataIsRefusedAndLeavesTheFileAlone_data() {
        QTest::addColumn<QString>("defect");
        QTest::newRow("gene off the grid") << "gene";
        QTest::newRow("short chromosome") << "short";
        QTest::newRow("population size") << "population";
        QTest::newRow("sensitivity length") << "sensitivity";
        QTest::newRow("duplicate method") << "duplicate";
        QTest::newRow("slash in method") << "slash";
        QTest::newRow("gram size") << "gram";
    }
    void invalidDataIsRefusedAndLeavesTheFileAlone() {
        QFETCH(QString, defect);
        const std::string file = path("kept.h5");
        SessionData good = sampleSession(21);
        SessionFile::save(file, good);
        const std::string bytes = readBytes(file);
        SessionData bad = good;
        Generation& gen = bad.ga->result.generations[1];
        if (defect == "gene") gen.population[2].genes[3] = int(bad.provenance.levelGrid.size());
        if (defect == "short") gen.population[0].genes.pop_back();
        if (defect == "population") gen.population.pop_back();
        if (defect == "sensitivity") bad.sensitivity[0].drop.pop_back();
        if (defect == "duplicate") bad.uniform[1].method = bad.uniform[0].method;
        if (defect == "slash") bad.uniform[1].method = "a/b";
        if (defect == "gram") bad.calibration->grams[0].values.pop_back();
        QVERIFY_EXCEPTION_THROWN(SessionFile::save(file, bad, {true, 4}), InputError);
        QVERIFY(readBytes(file) == bytes);
        QVERIFY(tempFilesIn(dir_.path().toStdString()).empty());
    }

    // ---- NeXus conventions and plots ------------------------------------------------------------

    void nexusConventions() {
        const std::string file = path("nexus.h5");
        SessionFile::save(file, sampleSession(5), {true, 4});
        H5::H5File h5(file, H5F_ACC_RDONLY);
        NexusReport report;
        std::pair<H5::H5File*, NexusReport*> context{&h5, &report};
        QVERIFY(H5Ovisit(h5.getId(), H5_INDEX_NAME, H5_ITER_INC, visitObject, &context) >= 0);
        std::string problems;
        for (const auto& p : report.problems) problems += p + "\n";
        QVERIFY2(report.problems.empty(), problems.c_str());
        QVERIFY(report.datasets > 50);
        QVERIFY(report.nxdata >= 7);  // 2 uniform, generations, best, level statistics, 2 sensitivity, eval
    }

    void heatmapsAreLayerByType() {
        const SessionData data = sampleSession(6, {4, 5, 3, true, true});
        const std::string file = path("heatmap.h5");
        SessionFile::save(file, data);
        H5::H5File h5(file, H5F_ACC_RDONLY);
        const auto read2d = [&](const char* name, hsize_t* dims) {
            H5::DataSet ds = h5.openDataSet(name);
            ds.getSpace().getSimpleExtentDims(dims);
            std::vector<double> values(size_t(dims[0] * dims[1]));
            ds.read(values.data(), H5::PredType::NATIVE_DOUBLE);
            return values;
        };
        hsize_t dims[2];
        const std::vector<double> drop = read2d("/sensitivity/weight_svd/drop_map", dims);
        QCOMPARE(dims[0], hsize_t(4));
        QCOMPARE(dims[1], hsize_t(kMatrixTypeCount));
        const SensitivityResult& s = data.sensitivity[1];
        for (size_t i = 0; i < data.model.summary.matrices.size(); ++i) {
            const MatrixInfo& m = data.model.summary.matrices[i];
            QCOMPARE(drop[size_t(m.layer) * kMatrixTypeCount + size_t(m.type)], s.drop[i]);
        }
    }

    // ---- GA autosave ---------------------------------------------------------------------------

    void appendingEqualsSavingAtOnce() {
        const SessionData full = sampleSession(31, {3, 8, 6, true, true});
        const std::string atOnce = path("at-once.h5");
        const std::string appended = path("appended.h5");
        SessionFile::save(atOnce, full);
        SessionFile::save(appended, withoutGa(full));
        SessionAppender appender(appended);
        appender.beginGa(full.ga->result.method, full.ga->result.settings, full.ga->resumeKey);
        const auto& generations = full.ga->result.generations;
        QElapsedTimer timer;
        timer.start();
        for (size_t i = 0; i < generations.size(); ++i) {
            const std::string state =
                i + 1 == generations.size() ? full.ga->rngState : test::sampleRngState(int(i) + 100);
            appender.appendGeneration(generations[i], state);
            const SessionData partial = SessionFile::load(appended);
            QCOMPARE(partial.ga->result.generations.size(), i + 1);
            QVERIFY(!partial.ga->complete);
            QCOMPARE(partial.ga->rngState, state);
            const std::string best =
                test::diffIndividual("best", generations[i].best, partial.ga->result.best);
            QVERIFY2(best.empty(), best.c_str());
        }
        qInfo("append (copy + rename + fsync): %.1f ms per generation, file %lld bytes",
              double(timer.elapsed()) / double(generations.size()),
              (long long)std::filesystem::file_size(appended));
        appender.finishGa(full.ga->result, full.ga->levelStatistics);
        const std::string diff =
            diffSessions(SessionFile::load(atOnce), SessionFile::load(appended), {false, true});
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(tempFilesIn(dir_.path().toStdString()).empty());
    }

    // A Llama-2-70B-sized chromosome (80 layers x 7 = 560 matrices), a
    // population of 32 and 50 generations: save, load and one autosave stay
    // fast enough to run after every generation.
    void largeSessionTiming() {
        SessionData data = sampleSession(33, {80, 32, 50, true, true});
        data.calibration->grams.clear();
        const std::string file = path("large.h5");
        QElapsedTimer timer;
        timer.start();
        SessionFile::save(file, data);
        const qint64 saveMs = timer.restart();
        const SessionData back = SessionFile::load(file);
        const qint64 loadMs = timer.restart();
        SessionAppender appender(file);
        Generation next = test::sampleGeneration(data, 50, 33);
        timer.restart();
        appender.appendGeneration(next, "state");
        const qint64 appendMs = timer.elapsed();
        qInfo("560 matrices, 32 x 50 GA: file %lld bytes, save %lld ms, load %lld ms, append %lld ms",
              (long long)std::filesystem::file_size(file), saveMs, loadMs, appendMs);
        data.provenance.modified = back.provenance.modified;
        const std::string diff = diffSessions(data, back);
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(SessionFile::load(file).ga->result.generations.size(), size_t(51));
    }

    // The GUI thread opens the session while the worker autosaves to it:
    // every load sees a whole number of generations, none throws.
    void loadingWhileAppendingSeesWholeGenerations() {
        const SessionData full = sampleSession(34, {3, 6, 0, true, false});
        const std::string file = path("concurrent.h5");
        SessionFile::save(file, full);
        std::atomic<bool> done{false};
        std::atomic<int> loads{0};
        std::string failure;
        std::thread reader([&] {
            try {
                while (!done) {
                    const SessionData seen = SessionFile::load(file);
                    const size_t k = seen.ga->result.generations.size();
                    if (k > 0 && seen.ga->rngState != test::sampleRngState(int(k) - 1))
                        throw std::runtime_error("random state does not match generation " +
                                                 std::to_string(k - 1));
                    ++loads;
                }
            } catch (const std::exception& e) {
                failure = e.what();
            }
        });
        SessionAppender appender(file);
        for (int g = 0; g < 15; ++g)
            appender.appendGeneration(test::sampleGeneration(full, g, 34), test::sampleRngState(g));
        done = true;
        reader.join();
        QVERIFY2(failure.empty(), failure.c_str());
        QVERIFY(loads > 0);
        QCOMPARE(SessionFile::load(file).ga->result.generations.size(), size_t(15));
    }

    void saveIntoMissingFolderIsAnInputError() {
        QVERIFY_EXCEPTION_THROWN(SessionFile::save(path("no/such/folder/s.h5"), sampleSession(35)),
                                 InputError);
    }

    void appendRefusesOutOfOrderGenerations() {
        SessionData full = sampleSession(32);
        full.calibration->grams.clear();  // not saved by default
        const std::string file = path("order.h5");
        SessionFile::save(file, full);
        SessionAppender appender(file);
        Generation wrong = full.ga->result.generations.front();  // index 0 again
        QVERIFY_EXCEPTION_THROWN(appender.appendGeneration(wrong, "x"), InputError);
        wrong.index = int(full.ga->result.generations.size());
        wrong.population.pop_back();
        QVERIFY_EXCEPTION_THROWN(appender.appendGeneration(wrong, "x"), InputError);
        const std::string diff = diffSessions(full, SessionFile::load(file), {false, true});
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY_EXCEPTION_THROWN(SessionAppender(path("absent.h5")), InputError);
    }

    void sigkillRightAfterAppendKeepsEveryGeneration_data() {
        QTest::addColumn<int>("generations");
        QTest::newRow("1 generation") << 1;
        QTest::newRow("4 generations") << 4;
    }
    void sigkillRightAfterAppendKeepsEveryGeneration() {
        QFETCH(int, generations);
        const uint64_t seed = 40 + uint64_t(generations);
        const SessionData full = sampleSession(seed, {3, 6, 0, true, false});
        const std::string file = path("killed-" + std::to_string(seed) + ".h5");
        SessionFile::save(file, full);  // GA begun, no generation yet
        runChildThatKillsItself([&] {
            SessionAppender appender(file);
            for (int g = 0; g < generations; ++g)
                appender.appendGeneration(test::sampleGeneration(full, g, seed), test::sampleRngState(g));
        });
        SessionData back = SessionFile::load(file);
        std::vector<Generation> expected;
        for (int g = 0; g < generations; ++g) expected.push_back(test::sampleGeneration(full, g, seed));
        std::string diff = test::diffGenerations(expected, back.ga->result.generations);
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(back.ga->rngState, test::sampleRngState(generations - 1));
        QVERIFY(!back.ga->complete);

        // Resume: a new process goes on from where the killed one stopped.
        SessionAppender resumed(file);
        for (int g = generations; g < generations + 2; ++g) {
            expected.push_back(test::sampleGeneration(full, g, seed));
            resumed.appendGeneration(expected.back(), test::sampleRngState(g));
        }
        GaResult final = back.ga->result;
        final.generations = expected;
        final.best = expected.back().best;
        resumed.finishGa(final, std::nullopt);
        back = SessionFile::load(file);
        diff = test::diffGenerations(expected, back.ga->result.generations);
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(back.ga->complete);
    }

    // The child appends generations as fast as it can and is killed at a
    // random moment, most likely in the middle of an append: the file must
    // open and hold a consistent prefix (generations 0..k-1 with the RNG
    // state of generation k-1).
    void sigkillAtRandomMomentsLosesAtMostOneGeneration_data() {
        QTest::addColumn<int>("delayMs");
        for (int delay : {15, 25, 40, 90, 120, 160, 250, 330, 400})
            QTest::newRow(qPrintable(QString::number(delay) + " ms")) << delay;
    }
    void sigkillAtRandomMomentsLosesAtMostOneGeneration() {
        QFETCH(int, delayMs);
        const uint64_t seed = 60 + uint64_t(delayMs);
        const SessionData full = sampleSession(seed, {4, 8, 0, true, false});
        const std::string file = path("random-kill-" + std::to_string(delayMs) + ".h5");
        SessionFile::save(file, full);
        std::fflush(nullptr);
        const pid_t pid = fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            try {
                SessionAppender appender(file);
                for (int g = 0; g < 100000; ++g)
                    appender.appendGeneration(test::sampleGeneration(full, g, seed), test::sampleRngState(g));
            } catch (...) {
                _exit(3);
            }
            _exit(0);
        }
        QThread::msleep(unsigned(delayMs));
        kill(pid, SIGKILL);
        int status = 0;
        QCOMPARE(waitpid(pid, &status, 0), pid);
        QVERIFY2(WIFSIGNALED(status), qPrintable(QString("child ended with status %1").arg(status)));

        const SessionData back = SessionFile::load(file);
        const size_t k = back.ga->result.generations.size();
        std::vector<Generation> expected;
        for (size_t g = 0; g < k; ++g) expected.push_back(test::sampleGeneration(full, int(g), seed));
        const std::string diff = test::diffGenerations(expected, back.ga->result.generations);
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(back.ga->rngState, k == 0 ? std::string() : test::sampleRngState(int(k) - 1));
        qInfo("killed after %d ms: %zu generations in the file", delayMs, k);
        // The run goes on from there (stray rows of the interrupted append dropped).
        SessionAppender resumed(file);
        resumed.appendGeneration(test::sampleGeneration(full, int(k), seed), test::sampleRngState(int(k)));
        const SessionData after = SessionFile::load(file);
        expected.push_back(test::sampleGeneration(full, int(k), seed));
        const std::string resumedDiff = test::diffGenerations(expected, after.ga->result.generations);
        QVERIFY2(resumedDiff.empty(), resumedDiff.c_str());
        QCOMPARE(after.ga->rngState, test::sampleRngState(int(k)));
        for (const std::string& temp : tempFilesIn(dir_.path().toStdString())) std::filesystem::remove(temp);
    }

    // ---- refusing files ------------------------------------------------------------------------

    void newerFormatVersionIsRefused() {
        const std::string file = path("newer.h5");
        SessionFile::save(file, sampleSession(7));
        {
            H5::H5File h5(file, H5F_ACC_RDWR);
            H5::Group root = h5.openGroup("/");
            root.removeAttr("format_version");
            const int version = SessionFile::kFormatVersion + 1;
            root.createAttribute("format_version", H5::PredType::STD_I32LE, H5::DataSpace(H5S_SCALAR))
                .write(H5::PredType::NATIVE_INT, &version);
        }
        SessionFile::reseal(file);  // as a newer app would have sealed it
        expectFormatError(file, {"version 2", "(1)", "newer"});
        QVERIFY_EXCEPTION_THROWN(SessionAppender{file}, FormatError);
    }

    // The user block holds the SHA-256 of the rest of the file, as text:
    // checked here against coreutils on the bytes after the first 512.
    void userBlockHoldsTheChecksum() {
        const std::string file = path("sealed.h5");
        SessionFile::save(file, sampleSession(15));
        const std::string head = readBytes(file).substr(0, 512);
        QVERIFY(head.rfind("SIEVE-SESSION-USERBLOCK 1\nsha256 ", 0) == 0);
        const std::string stored = head.substr(std::string("SIEVE-SESSION-USERBLOCK 1\nsha256 ").size(), 64);
        QProcess shell;
        shell.start("bash", {"-c", "tail -c +513 \"$0\" | sha256sum", QString::fromStdString(file)});
        QVERIFY(shell.waitForFinished(60000));
        QCOMPARE(QString::fromStdString(stored),
                 QString::fromUtf8(shell.readAllStandardOutput()).section(' ', 0, 0));
    }

    void externalEditIsRefusedUntilResealed() {
        const std::string file = path("edited.h5");
        const SessionData data = sampleSession(16);
        SessionFile::save(file, data);
        {
            H5::H5File h5(file, H5F_ACC_RDWR);  // a user adds a note with h5py "r+"
            H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
            h5.openGroup("/")
                .createAttribute("note", type, H5::DataSpace(H5S_SCALAR))
                .write(type, std::string("mine"));
        }
        expectFormatError(file, {"checksum mismatch"});
        QVERIFY_EXCEPTION_THROWN(SessionAppender{file}, FormatError);
        SessionLoadOptions trusting;
        trusting.verifyChecksum = false;
        QCOMPARE(SessionFile::load(file, trusting).task.name, data.task.name);
        SessionFile::reseal(file);
        QCOMPARE(SessionFile::load(file).task.name, data.task.name);
    }

    // Files written before /eval held what was applied and per-example
    // results read as before: the new fields stay empty.
    void evalWithoutPerExampleResultsReads() {
        const std::string file = path("old-eval.h5");
        const SessionData data = sampleSession(21);
        SessionFile::save(file, data);
        {
            H5::H5File h5(file, H5F_ACC_RDWR);
            H5::Group eval = h5.openGroup("/eval");
            for (const char* name : {"source", "method", "task_path", "split", "metric", "examples",
                                     "dense_correct", "pruned_correct"})
                eval.unlink(name);
        }
        SessionFile::reseal(file);
        const SessionData back = SessionFile::load(file);
        QCOMPARE(back.eval.size(), data.eval.size());
        for (size_t i = 0; i < back.eval.size(); ++i) {
            QCOMPARE(back.eval[i].taskName, data.eval[i].taskName);
            QCOMPARE(back.eval[i].prunedAccuracy, data.eval[i].prunedAccuracy);
            QVERIFY(back.eval[i].source.empty() && back.eval[i].examples == 0);
            QVERIFY(back.eval[i].denseCorrect.empty() && back.eval[i].prunedCorrect.empty());
        }
    }

    // The 8-bit curve of a uniform sweep is its own NXdata group beside the
    // float one; a sweep without one, and a file written before it existed
    // (the group removed here), read with no 8-bit curve and nothing else lost.
    void int8CurveIsOptional() {
        const std::string file = path("int8.h5");
        const SessionData data = sampleSession(23);
        QVERIFY(data.uniform.size() == 2 && data.uniform[0].int8 && !data.uniform[1].int8);
        SessionFile::save(file, data);
        const SessionData back = SessionFile::load(file);
        QVERIFY(back.uniform[0].int8 && !back.uniform[1].int8);
        QCOMPARE(back.uniform[0].int8->points.size(), data.uniform[0].int8->points.size());
        {
            H5::H5File h5(file, H5F_ACC_RDONLY);
            const H5::Group g = h5.openGroup("/uniform/" + data.uniform[0].method + "/int8");
            auto text = [&](const char* name) {
                std::string value;
                const H5::Attribute a = g.openAttribute(name);
                a.read(a.getStrType(), value);
                return value;
            };
            QCOMPARE(text("NX_class"), std::string("NXdata"));
            QCOMPARE(text("signal"), std::string("accuracy"));
            QVERIFY(text("scheme").find("absmax") != std::string::npos);
        }
        {
            H5::H5File h5(file, H5F_ACC_RDWR);
            h5.openGroup("/uniform/" + data.uniform[0].method).unlink("int8");
        }
        SessionFile::reseal(file);
        const SessionData old = SessionFile::load(file);
        SessionData expected = data;
        expected.uniform[0].int8.reset();
        expected.provenance.modified = old.provenance.modified;
        if (expected.calibration) expected.calibration->grams.clear();  // saved without them
        const std::string diff = diffSessions(expected, old);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void evalPerExampleResultsMustPair() {
        SessionData data = sampleSession(22);
        data.eval.back().prunedCorrect.pop_back();
        const std::string file = path("unpaired.h5");
        QVERIFY_EXCEPTION_THROWN(SessionFile::save(file, data), InputError);
        QVERIFY(!std::filesystem::exists(file));
    }

    // A new sweep or search replaces a result: the held-out scores of the
    // one it replaces go with it; other results keep theirs.
    void replacedResultsDropTheirScores() {
        Session session;
        session.start({}, {}, {});
        auto score = [](const std::string& source, const std::string& task) {
            HeldOutEval e;
            e.taskName = task;
            e.source = source;
            e.taskPath = "/tasks/" + task + ".jsonl";
            return e;
        };
        session.putEval(score("uniform:sieve", "arc"));
        session.putEval(score("uniform:sieve", "bbh"));
        session.putEval(score("uniform:wanda", "arc"));
        session.putEval(score("ga", "arc"));
        session.putEval(score("ga", "arc"));  // the same result and task: replaced, not added
        QCOMPARE(session.snapshot().eval.size(), size_t(4));
        UniformResult sweep;
        sweep.method = "sieve";
        sweep.points = {{0.0, 1.0, 0.0}};
        session.putUniform(sweep);
        std::vector<std::string> left;
        for (const HeldOutEval& e : session.snapshot().eval) left.push_back(e.source + " " + e.taskName);
        QCOMPARE(left, (std::vector<std::string>{"uniform:wanda arc", "ga arc"}));
        GaSession ga;
        ga.result.method = "sieve";
        session.beginGa(ga);
        QCOMPARE(session.snapshot().eval.size(), size_t(1));
        QCOMPARE(session.snapshot().eval[0].source, std::string("uniform:wanda"));
    }

    void foreignHdf5IsRefused_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("other format") << "nexus-scan";
        QTest::newRow("no format attribute") << "";
    }
    void foreignHdf5IsRefused() {
        QFETCH(QString, format);
        const std::string file = path("foreign.h5");
        {
            H5::H5File h5(file, H5F_ACC_TRUNC);
            if (!format.isEmpty()) {
                H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
                const std::string value = format.toStdString();
                h5.openGroup("/")
                    .createAttribute("format", type, H5::DataSpace(H5S_SCALAR))
                    .write(type, value);
            }
        }
        expectFormatError(file, {"not a Sieve session"});
    }

    void truncatedFileIsAClearError_data() {
        QTest::addColumn<double>("keep");
        QTest::newRow("half") << 0.5;
        QTest::newRow("90 %") << 0.9;
        QTest::newRow("99 %") << 0.99;
        QTest::newRow("first 100 bytes") << -100.0;
        QTest::newRow("empty") << 0.0;
    }
    void truncatedFileIsAClearError() {
        QFETCH(double, keep);
        const std::string file = path("truncated.h5");
        SessionFile::save(file, sampleSession(8));
        const std::string bytes = readBytes(file);
        const size_t size = keep < 0 ? size_t(-keep) : size_t(double(bytes.size()) * keep);
        writeBytes(file, bytes.substr(0, size));
        expectFormatError(file, {});
    }

    void randomBytesAreAClearError() {
        const std::string file = path("random.h5");
        std::mt19937_64 rng(99);
        std::string bytes(100000, '\0');
        for (char& c : bytes) c = char(rng());
        writeBytes(file, bytes);
        expectFormatError(file, {"not an HDF5 file"});
        QVERIFY_EXCEPTION_THROWN(SessionFile::load(path("does-not-exist.h5")), InputError);
    }

    // Bytes overwritten inside the file: loading either works or throws
    // FormatError; it never crashes (run in a child so a crash shows).
    void corruptBytesNeverCrash_data() {
        QTest::addColumn<int>("seed");
        for (int seed = 0; seed < 8; ++seed) QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }
    void corruptBytesNeverCrash() {
        QFETCH(int, seed);
        const std::string file = path("corrupt-" + std::to_string(seed) + ".h5");
        SessionFile::save(file, sampleSession(10));
        std::string bytes = readBytes(file);
        std::mt19937_64 rng{uint64_t(seed)};
        const size_t start = 512 + rng() % (bytes.size() - 1024);
        for (size_t i = 0; i < 64; ++i) bytes[start + i] = char(rng());
        writeBytes(file, bytes);
        std::fflush(nullptr);
        const pid_t pid = fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            try {
                SessionFile::load(file);
                _exit(0);
            } catch (const FormatError&) {
                _exit(1);
            } catch (...) {
                _exit(2);
            }
        }
        int status = 0;
        QCOMPARE(waitpid(pid, &status, 0), pid);
        QVERIFY2(WIFEXITED(status), qPrintable(QString("loading crashed: status %1").arg(status)));
        QVERIFY2(WEXITSTATUS(status) <= 1, "loading threw something other than FormatError");
    }

    // ---- Gram matrices ---------------------------------------------------------------------------

    void gramMatricesOptionalChunkedAndCompressed() {
        SessionData data = sampleSession(12);
        // An integer-valued Gram (activations in {-1, 0, 1}) compresses well.
        GramMatrix integer;
        integer.name = "layers.0.mlp_in";
        integer.site = InputSite::MlpIn;
        integer.rows = integer.cols = 300;
        integer.tokens = 12;
        std::mt19937 rng(3);
        std::vector<int> x(size_t(integer.tokens * integer.rows));
        for (int& v : x) v = int(rng() % 3) - 1;
        integer.values.assign(size_t(integer.rows * integer.cols), 0.0);
        for (int64_t t = 0; t < integer.tokens; ++t)
            for (int64_t i = 0; i < integer.rows; ++i)
                for (int64_t j = 0; j < integer.cols; ++j)
                    integer.values[size_t(i * integer.cols + j)] +=
                        double(x[size_t(t * integer.rows + i)] * x[size_t(t * integer.rows + j)]);
        data.calibration->grams.push_back(integer);

        const std::string without = path("no-gram.h5");
        SessionFile::save(without, data);  // off by default
        QVERIFY(SessionFile::load(without).calibration->grams.empty());

        const std::string with = path("gram.h5");
        SessionSaveOptions options;
        options.gramMatrices = true;
        SessionFile::save(with, data, options);
        QVERIFY(std::filesystem::file_size(with) > std::filesystem::file_size(without));
        {
            H5::H5File h5(with, H5F_ACC_RDONLY);
            H5::DataSet ds = h5.openDataSet("/calibration/gram/layers.0.mlp_in");
            H5::DSetCreatPropList properties = ds.getCreatePlist();
            QCOMPARE(properties.getLayout(), H5D_CHUNKED);
            std::set<H5Z_filter_t> filters;
            for (int i = 0; i < properties.getNfilters(); ++i) {
                unsigned flags = 0, config = 0;
                size_t elements = 0;
                char name[64];
                filters.insert(properties.getFilter(i, flags, elements, nullptr, sizeof name, name, config));
            }
            QVERIFY(filters.count(H5Z_FILTER_DEFLATE));
            QVERIFY(filters.count(H5Z_FILTER_SHUFFLE));
            const hsize_t raw = hsize_t(integer.rows * integer.cols) * sizeof(double);
            qInfo("integer Gram 300 x 300: %llu bytes stored of %llu raw",
                  (unsigned long long)ds.getStorageSize(), (unsigned long long)raw);
            QVERIFY(ds.getStorageSize() < raw / 2);
        }
        SessionLoadOptions load;
        load.gramMatrices = true;
        data.provenance.modified.clear();
        std::string diff = diffSessions(data, SessionFile::load(with, load), {false, true});
        QVERIFY2(diff.empty(), diff.c_str());
        // By default the Gram matrices are listed without their values.
        const SessionData listed = SessionFile::load(with);
        QCOMPARE(listed.calibration->grams.size(), data.calibration->grams.size());
        QVERIFY(listed.calibration->grams.back().values.empty());
        QCOMPARE(listed.calibration->grams.back().rows, int64_t(300));
        diff = diffSessions(data, listed, {false, false});
        QVERIFY2(diff.empty(), diff.c_str());
    }

    // ---- identity ---------------------------------------------------------------------------------

    void verifyIdentityReportsMismatches() {
        const SessionData data = sampleSession(13);
        const std::string& model = data.model.contentHash;
        const std::string& task = data.task.hash;
        QCOMPARE(verifyIdentity(data, model, task), std::string());
        QCOMPARE(verifyIdentity(data, "", ""), std::string());
        const QString modelOnly = QString::fromStdString(verifyIdentity(data, "sha256:other", task));
        QVERIFY(modelOnly.contains("model") && modelOnly.contains("sha256:other") &&
                modelOnly.contains(QString::fromStdString(model)) && !modelOnly.contains("task"));
        const QString both = QString::fromStdString(verifyIdentity(data, "sha256:m", "sha256:t"));
        QVERIFY(both.contains("model") && both.contains("task") && both.contains("sha256:t"));
    }

    // ---- an independent reader ------------------------------------------------------------------

    void h5pyReadsGaHistoryAndBest() {
        const QString python = pythonWithH5py();
        if (python.isEmpty()) QSKIP("no python3 with h5py (Debian: apt-get install python3-h5py)");
        const SessionData data = sampleSession(14, {3, 5, 4, true, true});
        const std::string file = path("h5py.h5");
        SessionFile::save(file, data);
        QProcess reader;
        reader.start(python, {QStringLiteral(SIEVE_SOURCE_DIR "/scripts/read_session.py"),
                              QString::fromStdString(file)});
        QVERIFY(reader.waitForFinished(120000));
        QVERIFY2(reader.exitCode() == 0, reader.readAllStandardError().constData());
        QJsonParseError error{};
        const QJsonObject json = QJsonDocument::fromJson(reader.readAllStandardOutput(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));

        QCOMPARE(json["format"].toString(), QString("sieve-session"));
        QCOMPARE(json["format_version"].toInt(), SessionFile::kFormatVersion);
        const QJsonObject ga = json["ga"].toObject();
        QCOMPARE(ga["method"].toString(), QString::fromStdString(data.ga->result.method));
        QCOMPARE(ga["population"].toInt(), 5);
        QCOMPARE(ga["rng_state_bytes"].toInt(), int(data.ga->rngState.size()));
        const QJsonArray generations = ga["generations"].toArray();
        QCOMPARE(generations.size(), 4);
        for (int g = 0; g < generations.size(); ++g) {
            const Generation& expected = data.ga->result.generations[size_t(g)];
            const QJsonObject gen = generations[g].toObject();
            QCOMPARE(gen["index"].toInt(), expected.index);
            QCOMPARE(gen["best_fitness"].toDouble(), expected.bestFitness);
            QCOMPARE(gen["mean_fitness"].toDouble(), expected.meanFitness);
            QCOMPARE(gen["feasible_fraction"].toDouble(), expected.feasibleFraction);
            const QJsonArray genes = gen["genes"].toArray();
            QCOMPARE(genes.size(), 5);
            for (int i = 0; i < genes.size(); ++i) {
                const QJsonArray chromosome = genes[i].toArray();
                QCOMPARE(size_t(chromosome.size()), expected.population[size_t(i)].genes.size());
                for (int m = 0; m < chromosome.size(); ++m)
                    QCOMPARE(chromosome[m].toInt(), expected.population[size_t(i)].genes[size_t(m)]);
                QCOMPARE(gen["accuracy"].toArray()[i].toDouble(), expected.population[size_t(i)].accuracy);
                QCOMPARE(gen["fitness"].toArray()[i].toDouble(), expected.population[size_t(i)].fitness);
            }
        }
        const QJsonObject best = ga["best"].toObject();
        const Individual& expectedBest = data.ga->result.best;
        QCOMPARE(best["accuracy"].toDouble(), expectedBest.accuracy);
        QCOMPARE(best["fitness"].toDouble(), expectedBest.fitness);
        const QJsonArray genes = best["genes"].toArray();
        const QJsonArray map = best["level_map"].toArray();
        QCOMPARE(map.size(), 3);
        QCOMPARE(best["matrix_type"].toArray()[6].toString(), QString("down_proj"));
        for (size_t i = 0; i < expectedBest.genes.size(); ++i) {
            QCOMPARE(genes[int(i)].toInt(), expectedBest.genes[i]);
            const MatrixInfo& m = data.model.summary.matrices[i];
            const double level = data.provenance.levelGrid[size_t(expectedBest.genes[i])];
            QCOMPARE(best["level"].toArray()[int(i)].toDouble(), level);
            QCOMPARE(map[m.layer].toArray()[int(m.type)].toDouble(), level);
        }
        // The uniform curves, and the 8-bit curve where one was swept.
        const QJsonObject uniform = json["uniform"].toObject();
        QCOMPARE(uniform.size(), int(data.uniform.size()));
        for (const UniformResult& u : data.uniform) {
            const QJsonObject curve = uniform[QString::fromStdString(u.method)].toObject();
            QCOMPARE(curve["accuracy"].toArray().size(), int(u.points.size()));
            QCOMPARE(curve.contains("int8"), u.int8.has_value());
            if (!u.int8) continue;
            const QJsonObject int8 = curve["int8"].toObject();
            QCOMPARE(int8["best_level"].toDouble(), u.int8->bestLevel);
            for (size_t k = 0; k < u.int8->points.size(); ++k) {
                QCOMPARE(int8["level"].toArray()[int(k)].toDouble(), u.int8->points[k].level);
                QCOMPARE(int8["accuracy"].toArray()[int(k)].toDouble(), u.int8->points[k].accuracy);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"

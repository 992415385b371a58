// Sessions under hostile conditions (issue 18, docs/reliability.md):
//  - a full disk or a file size limit while saving and appending: a
//    StorageError naming the folder and the bytes needed, the old file byte
//    for byte as it was, no temporary file left (F1: HDF5 used to crash in
//    H5File::~H5File);
//  - indices and sizes a file gets wrong (a matrix's layer, a sensitivity
//    ranking, the layer count): a FormatError from the reader, for every
//    consumer (F2);
//  - damage no checksum vouches for (user block "sha256 none"): read in a
//    child process, a FormatError, never a crash of the reader (F3);
//  - two writers of one session: the second is refused, naming the first's
//    process and host; a killed holder leaves nothing that blocks.
#include <H5Cpp.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <QtTest>

#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "core/common/error.h"
#include "core/session/file_checksum.h"
#include "core/session/session.h"
#include "core/session/session_appender.h"
#include "core/session/session_file.h"
#include "core/session/session_lock.h"
#include "expect_format_error.h"
#include "session_samples.h"

using namespace sieve;
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

// Runs `body` in a forked child and returns its exit status (-signal when it
// died by one). The body returns the exit code; an exception is 100.
template <typename Body>
int inChild(Body&& body) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        int code = 100;
        try {
            code = body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child: %s\n", e.what());
        }
        std::fflush(nullptr);
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// In a child: a private mount namespace with a tmpfs of `kilobytes` at
// `folder` (as root, or in a user namespace where the kernel allows one).
bool mountTinyFilesystem(const std::string& folder, int kilobytes) {
    if (geteuid() != 0) {
        const uid_t uid = geteuid();
        const gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return false;
        writeBytes("/proc/self/setgroups", "deny");
        writeBytes("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
        writeBytes("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
    } else if (unshare(CLONE_NEWNS) != 0) {
        return false;
    }
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
    const std::string size = "size=" + std::to_string(kilobytes) + "k";
    return mount("tmpfs", folder.c_str(), "tmpfs", 0, size.c_str()) == 0;
}

// Changes a session file with HDF5 directly, then seals it again: the
// checksum lets it through, so what is tested is the reader's validation.
template <typename Edit>
void editAndSeal(const std::string& file, Edit&& edit) {
    {
        H5::H5File h5(file, H5F_ACC_RDWR);
        edit(h5);
    }
    sealSessionChecksum(file);
}

void setElement(H5::H5File& file, const std::string& dataset, hsize_t index, int64_t value) {
    H5::DataSet ds = file.openDataSet(dataset);
    const hssize_t n = ds.getSpace().getSimpleExtentNpoints();
    std::vector<int64_t> values(static_cast<size_t>(n));
    ds.read(values.data(), H5::PredType::NATIVE_INT64);
    values.at(index) = value;
    ds.write(values.data(), H5::PredType::NATIVE_INT64);
}

void setDoubleElement(H5::H5File& file, const std::string& dataset, hsize_t index, double value) {
    H5::DataSet ds = file.openDataSet(dataset);
    std::vector<double> values(static_cast<size_t>(ds.getSpace().getSimpleExtentNpoints()));
    ds.read(values.data(), H5::PredType::NATIVE_DOUBLE);
    values.at(index) = value;
    ds.write(values.data(), H5::PredType::NATIVE_DOUBLE);
}

void setDoubleArrayAttributeElement(H5::H5File& file, const std::string& group, const std::string& name,
                                    hsize_t index, double value) {
    H5::Group g = file.openGroup(group);
    H5::Attribute attribute = g.openAttribute(name);
    std::vector<double> values(static_cast<size_t>(attribute.getSpace().getSimpleExtentNpoints()));
    attribute.read(H5::PredType::NATIVE_DOUBLE, values.data());
    values.at(index) = value;
    attribute.write(H5::PredType::NATIVE_DOUBLE, values.data());
}

void setIntAttribute(H5::H5File& file, const std::string& object, const std::string& name, int64_t value) {
    const auto set = [&](H5::H5Object& o) {
        o.removeAttr(name);
        o.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR))
            .write(H5::PredType::NATIVE_INT64, &value);
    };
    if (file.childObjType(object) == H5O_TYPE_DATASET) {
        H5::DataSet d = file.openDataSet(object);
        set(d);
    } else {
        H5::Group g = file.openGroup(object);
        set(g);
    }
}

// Writes "sha256 none" into the user block, as an in-place append of an older
// version left it: no checksum vouches for the file any more.
void unseal(const std::string& file) {
    std::string bytes = readBytes(file);
    const std::string block = "SIEVE-SESSION-USERBLOCK 1\nsha256 none\n";
    bytes.replace(0, kSessionUserBlockBytes,
                  block + std::string(kSessionUserBlockBytes - block.size(), '\0'));
    writeBytes(file, bytes);
}

}  // namespace

class TestSessionRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const std::string& name) const { return (dir_.path() + "/").toStdString() + name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // ---- F1: a full disk -----------------------------------------------------------------------

    // A file size limit (ulimit -f) makes every write past it fail (EFBIG),
    // as a full disk does, and needs no privileges.
    void fileSizeLimitDuringSaveIsAStorageError() {
        const std::string existing = path("limited.h5");
        SessionFile::save(existing, sampleSession(1, {2, 4, 2, false, true}));
        const std::string before = readBytes(existing);
        const SessionData big = sampleSession(2, {6, 12, 8, true, true});
        const int code = inChild([&] {
            signal(SIGXFSZ, SIG_IGN);  // the write fails instead of the process dying
            const rlimit limit{rlim_t(before.size() + 4096), rlim_t(before.size() + 4096)};
            setrlimit(RLIMIT_FSIZE, &limit);
            for (const std::string& target : {existing, path("limited-new.h5")}) {
                try {
                    SessionFile::save(target, big);
                    return 1;  // it fit: the sample is too small for this test
                } catch (const StorageError& e) {
                    const std::string message = e.what();
                    if (message.find("file size limit") == std::string::npos ||
                        message.find(target) == std::string::npos ||
                        message.find("bytes") == std::string::npos)
                        return 2;
                }
            }
            return 0;
        });
        QCOMPARE(code, 0);
        QVERIFY(readBytes(existing) == before);  // left as it was
        QVERIFY(!std::filesystem::exists(path("limited-new.h5")));
        QVERIFY(tempFilesIn(dir_.path().toStdString()).empty());
        QCOMPARE(SessionFile::load(existing).task.name, sampleSession(1, {2, 4, 2, false, true}).task.name);
    }

    // The reproduction: a 200 KB tmpfs, nearly full. Saving a new
    // session and appending generations to one that fits end in a
    // StorageError that says "no space left" and names the folder.
    void tinyFilesystemFullDuringSaveAndAppend() {
        const std::string folder = path("tiny");
        std::filesystem::create_directories(folder);
        const SessionData fits = sampleSession(3, {2, 6, 0, false, true});
        const SessionData full = sampleSession(3, {2, 6, 12, true, true});
        const int code = inChild([&] {
            if (!mountTinyFilesystem(folder, 200)) return 77;
            const std::string session = folder + "/grows.h5";
            SessionData start = fits;
            start.ga = full.ga;
            start.ga->result.generations.clear();
            start.ga->result.best = {};
            start.ga->complete = false;
            start.ga->levelStatistics.reset();
            SessionFile::save(session, start);
            const std::string saved = readBytes(session);
            // Leave room for the first appends, not for all of them.
            // (The first append allocates the history's chunks: the file grows
            // about 2.5 times, then a little per generation.)
            const size_t filler = 16 * 1024;
            writeBytes(folder + "/filler", std::string(filler, 'x'));
            std::fprintf(stderr, "session %zu bytes, filler %zu bytes\n", saved.size(), filler);
            bool refused = false;
            SessionAppender appender(session);
            for (const Generation& g : full.ga->result.generations) {
                const std::string before = readBytes(session);
                try {
                    appender.appendGeneration(g, test::sampleRngState(g.index));
                } catch (const StorageError& e) {
                    const std::string message = e.what();
                    std::fprintf(stderr, "generation %d: %s\n", g.index, e.what());
                    if (message.find("no space left on the file system of '" + folder + "'") ==
                            std::string::npos ||
                        message.find("needs") == std::string::npos)
                        return 3;
                    if (readBytes(session) != before) return 4;  // the session must be as it was
                    refused = true;
                    break;
                }
            }
            if (!refused) return 5;
            const size_t kept = SessionFile::load(session).ga->result.generations.size();
            std::fprintf(stderr, "%zu generations appended before the disk was full\n", kept);
            if (kept == 0) return 6;
            try {
                SessionFile::save(folder + "/new.h5", full);
                return 7;
            } catch (const StorageError& e) {
                if (std::string(e.what()).find("no space left") == std::string::npos) return 8;
            }
            if (!tempFilesIn(folder).empty()) return 9;
            if (std::filesystem::exists(folder + "/new.h5")) return 10;
            return 0;
        });
        if (code == 77) QSKIP("cannot mount a tmpfs here (neither root nor user namespaces)");
        QCOMPARE(code, 0);
    }

    // ---- F2: indices and sizes the reader must refuse ------------------------------------------

    void outOfRangeIndicesAreRefused_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("mention");
        QTest::newRow("matrix layer -3") << "matrix-layer:-3"
                                         << "layer -3";
        QTest::newRow("matrix layer INT32_MAX") << "matrix-layer:2147483647"
                                                << "layer 2147483647";
        QTest::newRow("sensitivity ranking INT32_MAX") << "ranking:2147483647"
                                                       << "ranking index";
        QTest::newRow("sensitivity ranking -1") << "ranking:-1"
                                                << "ranking index";
        QTest::newRow("model layers INT32_MAX") << "layers:2147483647"
                                                << "layers";
        QTest::newRow("model layers 2^32 + 3") << "layers:4294967299"
                                               << "layers";
        QTest::newRow("model layers 0 with matrices") << "layers:0"
                                                      << "layer";
        QTest::newRow("model layers one too many") << "layers:4"
                                                   << "matrices stop at layer";
        QTest::newRow("matrix rows 0") << "rows:0"
                                       << "implausible shape";
        QTest::newRow("matrix cols 2^40") << "cols:1099511627776"
                                          << "implausible shape";
        QTest::newRow("GA population INT32_MAX") << "population:2147483647"
                                                 << "population";
        QTest::newRow("gene off the grid") << "gene:99"
                                           << "off the level grid";
        QTest::newRow("gram layer 70000") << "gram-layer:70000"
                                          << "layer";
    }
    void outOfRangeIndicesAreRefused() {
        QFETCH(QString, edit);
        QFETCH(QString, mention);
        const std::string file = path("indices.h5");
        const SessionData data = sampleSession(5, {3, 4, 3, true, true});
        SessionSaveOptions withGrams;
        withGrams.gramMatrices = true;
        SessionFile::save(file, data, withGrams);
        const std::string what = edit.section(':', 0, 0).toStdString();
        const int64_t value = edit.section(':', 1).toLongLong();
        editAndSeal(file, [&](H5::H5File& h5) {
            if (what == "matrix-layer") setElement(h5, "/model/matrices/layer", 0, value);
            if (what == "rows") setElement(h5, "/model/matrices/rows", 4, value);
            if (what == "cols") setElement(h5, "/model/matrices/cols", 4, value);
            if (what == "ranking")
                setElement(h5, "/sensitivity/" + data.sensitivity.front().method + "/ranking", 0, value);
            if (what == "layers") setIntAttribute(h5, "/model", "layers", value);
            if (what == "population") setIntAttribute(h5, "/ga/settings", "population", value);
            if (what == "gene") setElement(h5, "/ga/best/genes", 2, value);
            if (what == "gram-layer")
                setIntAttribute(h5, "/calibration/gram/" + data.calibration->grams.front().name, "layer",
                                value);
        });
        expectFormatError(file, {"damaged session", mention});
    }

    // Levels are fractions removed; the report and the window turn them into
    // ranks and 8-bit sizes. A level of inf reached an undefined double-to-int
    // conversion in the report (found by the sanitizer job's session corpus).
    void nonLevelsAreRefused_data() {
        QTest::addColumn<QString>("where");
        QTest::addColumn<double>("value");
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("uniform level inf") << "uniform-level" << inf;
        QTest::newRow("uniform best level NaN") << "uniform-best" << std::nan("");
        QTest::newRow("8-bit best level inf") << "int8-best" << inf;
        QTest::newRow("8-bit level -0.5") << "int8-level" << -0.5;
        QTest::newRow("level grid 1.5") << "grid" << 1.5;
        QTest::newRow("sensitivity level -inf") << "sensitivity" << -inf;
    }
    void nonLevelsAreRefused() {
        QFETCH(QString, where);
        QFETCH(double, value);
        const std::string file = path("levels.h5");
        const SessionData data = sampleSession(6, {3, 4, 3, true, true});
        SessionFile::save(file, data);
        const std::string uniform = "/uniform/" + data.uniform.front().method;  // the one with an 8-bit curve
        QVERIFY(data.uniform.front().int8.has_value());
        editAndSeal(file, [&](H5::H5File& h5) {
            if (where == "uniform-level") setDoubleElement(h5, uniform + "/level", 1, value);
            if (where == "uniform-best") setDoubleElement(h5, uniform + "/best_level", 0, value);
            if (where == "int8-best") setDoubleElement(h5, uniform + "/int8/best_level", 0, value);
            if (where == "int8-level") setDoubleElement(h5, uniform + "/int8/level", 2, value);
            if (where == "grid") setDoubleArrayAttributeElement(h5, "/provenance", "level_grid", 3, value);
            if (where == "sensitivity")
                setDoubleElement(h5, "/sensitivity/" + data.sensitivity.front().method + "/level", 0, value);
        });
        expectFormatError(file, {"damaged session", "is not a pruning level"});
    }

    // ---- F3: damage no checksum vouches for --------------------------------------------------

    // The case: the user block says "sha256 none" and the body is
    // damaged. Whatever the damage, loading returns data or a FormatError;
    // the loading process never crashes (checked from a child of the test).
    void unsealedDamagedSessionNeverCrashes_data() {
        QTest::addColumn<int>("seed");
        for (int seed = 0; seed < 24; ++seed) QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }
    void unsealedDamagedSessionNeverCrashes() {
        QFETCH(int, seed);
        const std::string file = path("unsealed-" + std::to_string(seed) + ".h5");
        SessionFile::save(file, sampleSession(10, {3, 4, 3, true, true}));
        std::string bytes = readBytes(file);
        std::mt19937_64 rng{uint64_t(seed)};
        const size_t start = kSessionUserBlockBytes + rng() % (bytes.size() - 1024);
        for (size_t i = 0; i < 64; ++i) bytes[start + i] = char(rng());
        writeBytes(file, bytes);
        unseal(file);
        const int code = inChild([&] {
            try {
                SessionFile::load(file);
                return 0;
            } catch (const FormatError& e) {
                return std::string(e.what()).find(file) == std::string::npos ? 2 : 1;
            }
        });
        QVERIFY2(code == 0 || code == 1,
                 qPrintable(QString("loading ended with %1 (negative: a signal)").arg(code)));
    }

    // A damaged global heap (where HDF5 keeps variable-length strings) makes
    // HDF5 1.10 copy from a wild pointer (H5HG_read). Unsealed, such a file
    // is read in a child first: the crash is the child's, the caller gets a
    // FormatError that says so; sealed, the checksum refuses it before HDF5.
    void damagedGlobalHeapIsAFormatErrorNotACrash() {
        const std::string file = path("heap.h5");
        SessionFile::save(file, sampleSession(11, {2, 4, 2, true, true}));
        std::string bytes = readBytes(file);
        const size_t heap = bytes.find("GCOL");
        QVERIFY(heap != std::string::npos);
        // The collection's first object: its size field, then the string bytes.
        for (size_t i = heap + 16 + 8; i < heap + 16 + 16; ++i) bytes[i] = '\x7f';
        writeBytes(file, bytes);
        expectFormatError(file, {"checksum mismatch"});
        unseal(file);
        const int code = inChild([&] {
            try {
                SessionFile::load(file);
                return 0;
            } catch (const FormatError& e) {
                std::fprintf(stderr, "%s\n", e.what());
                return 1;
            }
        });
        QCOMPARE(code, 1);
        QVERIFY_EXCEPTION_THROWN(SessionAppender{file}, FormatError);
    }

    // ---- two writers ------------------------------------------------------------------------------

    void secondWriterIsRefusedNamingTheFirst() {
        const std::string file = path("shared.h5");
        const SessionData data = sampleSession(20, {2, 4, 2, true, true});
        SessionFile::save(file, data);
        int ready[2], release[2];
        QCOMPARE(pipe(ready), 0);
        QCOMPARE(pipe(release), 0);
        std::fflush(nullptr);
        const pid_t writer = fork();
        if (writer == 0) {
            Session session;
            session.adopt(data, file);  // holds the lock from here
            (void)!write(ready[1], "x", 1);
            char c;
            (void)!read(release[0], &c, 1);
            _exit(0);
        }
        char c;
        QCOMPARE(read(ready[0], &c, 1), ssize_t(1));
        const std::string before = readBytes(file);
        char host[256] = {};
        gethostname(host, sizeof(host) - 1);
        const QString holder = QString::fromStdString(SessionLock::holder(file));
        QVERIFY2(holder.contains(QString("process %1").arg(writer)) && holder.contains(host),
                 qPrintable(holder));
        Session mine;
        try {
            mine.adopt(data, file);
            QFAIL("a second writer was let in");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(QString("in use by process %1").arg(writer)), qPrintable(message));
            QVERIFY2(message.contains(QString("on host %1").arg(host)), qPrintable(message));
            QVERIFY2(message.contains(QString::fromStdString(file)), qPrintable(message));
        }
        QVERIFY(mine.path().empty());
        QVERIFY_EXCEPTION_THROWN(SessionFile::save(file, sampleSession(21)), InputError);
        QVERIFY_EXCEPTION_THROWN(
            SessionAppender(file).appendGeneration(data.ga->result.generations.front(), "x"), InputError);
        QVERIFY(readBytes(file) == before);  // the first writer's file, untouched
        (void)!write(release[1], "x", 1);
        int status = 0;
        waitpid(writer, &status, 0);
        mine.adopt(data, file);  // free now
        QCOMPARE(mine.path(), file);
        mine.reset();
        QVERIFY(!std::filesystem::exists(file + ".lock"));  // released and removed
        for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
    }

    // A writer killed while it holds the lock leaves its lock file behind;
    // the kernel has dropped the lock, so the next writer takes it over.
    void lockOfAKilledWriterDoesNotBlock() {
        const std::string file = path("stale.h5");
        const SessionData data = sampleSession(22, {2, 4, 2, true, true});
        SessionFile::save(file, data);
        const int code = inChild([&] {
            Session session;
            session.adopt(data, file);
            raise(SIGKILL);
            return 0;
        });
        QCOMPARE(code, -SIGKILL);
        QVERIFY(std::filesystem::exists(file + ".lock"));
        QCOMPARE(SessionLock::holder(file), std::string());
        Session next;
        next.adopt(data, file);
        SessionFile::save(file, data);  // the same process: its own lock
        QCOMPARE(SessionFile::load(file).task.name, data.task.name);
    }
};

QTEST_GUILESS_MAIN(TestSessionRobustness)
#include "test_session_robustness.moc"

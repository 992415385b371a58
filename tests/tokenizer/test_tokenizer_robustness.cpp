// Tokenizer files a hostile or careless user hands the tools (issue 18,
// docs/reliability.md): ids that would wrap, allocate gigabytes or collide,
// ids the tokenizer would emit but does not have, and files that are not
// files (a FIFO blocked `open` forever, /dev/zero read until memory ran out).
// Each is a FormatError / InputError naming the file and the cause, at once.
#include <sys/stat.h>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;
using nlohmann::json;

namespace {

json demoTokenizer() {
    std::ifstream in(SIEVE_SOURCE_DIR "/resources/demo/tokenizer.json");
    return json::parse(in);
}

}  // namespace

class TestTokenizerRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const std::string& name) const { return (dir_.path() + "/").toStdString() + name; }

    void expectRefused(const std::string& file, const QStringList& mentions) {
        QElapsedTimer timer;
        timer.start();
        try {
            Tokenizer::load(file);
            QFAIL("loading should have failed");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(QString::fromStdString(file)),
                     qPrintable("no file name in: " + message));
            for (const QString& m : mentions)
                QVERIFY2(message.contains(m, Qt::CaseInsensitive),
                         qPrintable("'" + m + "' not in: " + message));
        }
        QVERIFY2(timer.elapsed() < 10000, "refusing took more than 10 s");
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void idsAreRefusedNotWrappedOrAllocated_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("mention");
        QTest::newRow("added token id 1e9") << "added-id:1000000000"
                                            << "outside [0, 4194304)";
        QTest::newRow("added token id -1") << "added-id:-1"
                                           << "outside";
        QTest::newRow("added token id 1e9 as float") << "added-float"
                                                     << "not an integer";
        QTest::newRow("vocab id 2^32 + 37") << "vocab-id:4294967333"
                                            << "outside";
        QTest::newRow("vocab id 2^64 - 1") << "vocab-id:18446744073709551615"
                                           << "outside";
        QTest::newRow("vocab id as text") << "vocab-text"
                                          << "not an integer";
        QTest::newRow("duplicate vocab ids") << "vocab-duplicate"
                                             << "share the id";
        QTest::newRow("duplicate added token ids") << "added-duplicate"
                                                   << "share the id";
        QTest::newRow("template id past the vocabulary") << "template-id:5000"
                                                         << "outside the vocabulary";
    }
    void idsAreRefusedNotWrappedOrAllocated() {
        QFETCH(QString, edit);
        QFETCH(QString, mention);
        json t = demoTokenizer();
        const std::string what = edit.section(':', 0, 0).toStdString();
        const std::string number = edit.section(':', 1).toStdString();
        if (what == "added-id") t["added_tokens"][2]["id"] = json::parse(number);
        if (what == "added-float") t["added_tokens"][2]["id"] = 1e9;
        if (what == "vocab-id") t["model"]["vocab"]["a"] = json::parse(number);
        if (what == "vocab-text") t["model"]["vocab"]["a"] = "37";
        if (what == "vocab-duplicate") t["model"]["vocab"]["a"] = t["model"]["vocab"]["b"];
        if (what == "added-duplicate") t["added_tokens"][2]["id"] = t["added_tokens"][1]["id"];
        if (what == "template-id")
            t["post_processor"]["special_tokens"]["<s>"]["ids"][0] = json::parse(number);
        const std::string file = path("tokenizer-" + what + ".json");
        std::ofstream(file) << t.dump();
        expectRefused(file, {mention});
    }

    // The unedited demo tokenizer loads (so the rows above fail for their edit).
    void demoTokenizerLoads() {
        const std::string file = path("demo.json");
        std::ofstream(file) << demoTokenizer().dump();
        QVERIFY(Tokenizer::load(file)->vocabSize() > 0);
    }

    void filesThatAreNotFilesAreRefusedAtOnce() {
        const std::string fifo = path("tokenizer.fifo");
        QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
        expectRefused(fifo, {"FIFO", "not a regular file"});
        expectRefused("/dev/zero", {"character device"});
        // A directory whose tokenizer.json is a FIFO.
        std::filesystem::create_directories(path("model"));
        QCOMPARE(mkfifo(path("model/tokenizer.json").c_str(), 0600), 0);
        expectRefused(path("model/tokenizer.json"), {"FIFO"});
        try {
            Tokenizer::load(path("model"));
            QFAIL("a FIFO tokenizer.json was read");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("FIFO"), e.what());
        }
        // 2 GB (sparse: no disk used) is more than any tokenizer.
        const std::string huge = path("huge.json");
        std::ofstream(huge) << "{";
        std::filesystem::resize_file(huge, uintmax_t(2) << 30);
        expectRefused(huge, {"larger than a tokenizer can plausibly be"});
    }
};

QTEST_GUILESS_MAIN(TestTokenizerRobustness)
#include "test_tokenizer_robustness.moc"

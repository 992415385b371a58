// Task files a careless or hostile user hands the tools (issue 18,
// docs/reliability.md):
//  - F5: a max_new_tokens larger than the model's context used to cut every
//    prompt to (context - max_new_tokens) tokens: the demo model scored the
//    add task 1.0 at 50 and 0.0 at 60 (context 64). Prompts are now kept
//    whole, generation stops at the context length, and the result carries a
//    note naming the task file; 100000 new tokens without a stop string end.
//  - F6: a FIFO as the task (or as a split file it names) blocked `open`
//    forever, /dev/zero was read until memory ran out: both are refused at
//    once, naming the file and what it is.
#include <sys/stat.h>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;

namespace {

const std::string kDemo = std::string(SIEVE_SOURCE_DIR) + "/resources/demo";

// The add task with its header's max_new_tokens (and stop strings) replaced.
std::string addTaskWith(const std::string& folder, int maxNewTokens, bool stop) {
    std::ifstream in(kDemo + "/tasks/add.jsonl");
    std::string header, rest;
    std::getline(in, header);
    std::stringstream body;
    body << in.rdbuf();
    const std::string file =
        folder + "/add-" + std::to_string(maxNewTokens) + (stop ? "" : "-nostop") + ".jsonl";
    std::ofstream out(file);
    out << R"({"task":{"kind":"generate","max_new_tokens":)" << maxNewTokens
        << R"(,"metric":"exact_match","name":"add","split":{"calibration_fraction":0.5,"seed":2024})"
        << (stop ? R"(,"stop":["\n"])" : "") << "}}\n"
        << body.str();
    return file;
}

}  // namespace

class TestTaskRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;

    EvalResult evaluate(const std::string& taskFile, int maxExamples) {
        const Task task = loadTask(taskFile);
        EvalOptions options;
        options.maxExamples = maxExamples;
        JobContext context;
        return evaluateTask(*model_, tokenizer_.get(), task, options, context);
    }

    void expectRefused(const std::string& file, const QString& mention, const std::string& named) {
        QElapsedTimer timer;
        timer.start();
        try {
            loadTask(file);
            QFAIL("the task loaded");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(QString::fromStdString(named)),
                     qPrintable("file not named in: " + message));
            QVERIFY2(message.contains(mention), qPrintable("'" + mention + "' not in: " + message));
        }
        QVERIFY2(timer.elapsed() < 10000, "refusing took more than 10 s");
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        LoadOptions options;
        options.device.device = "cpu";
        model_ = Model::load(kDemo, options);
        tokenizer_ = Tokenizer::load(kDemo + "/tokenizer.json");
        QCOMPARE(model_->config().maxPositions, int64_t(64));  // what the numbers below assume
    }

    // ---- F5 ------------------------------------------------------------------------------------------

    void maxNewTokensBeyondTheContextKeepsPromptsWhole_data() {
        QTest::addColumn<int>("maxNewTokens");
        QTest::addColumn<bool>("noted");
        QTest::newRow("10 (the file's own)") << 10 << false;
        QTest::newRow("50") << 50 << false;
        QTest::newRow("60") << 60 << true;
        QTest::newRow("64") << 64 << true;
        QTest::newRow("1000") << 1000 << true;
    }
    void maxNewTokensBeyondTheContextKeepsPromptsWhole() {
        QFETCH(int, maxNewTokens);
        QFETCH(bool, noted);
        const std::string file = addTaskWith(dir_.path().toStdString(), maxNewTokens, true);
        const EvalResult r = evaluate(file, 40);
        // The demo model adds perfectly; a cut prompt ("74+69=" without "add ") scored 0.
        QCOMPARE(r.score, 1.0);
        QCOMPARE(!r.contextNote.empty(), noted);
        if (noted) {
            const QString note = QString::fromStdString(r.contextNote);
            QVERIFY2(note.contains(QString::fromStdString(file)) && note.contains("context of 64 tokens"),
                     qPrintable(note));
        }
    }

    // Without a stop string, 100000 new tokens used to run until the end of
    // time; generation now ends at the context length.
    void hundredThousandNewTokensWithoutStopStringEnds() {
        const std::string file = addTaskWith(dir_.path().toStdString(), 100000, false);
        QElapsedTimer timer;
        timer.start();
        const EvalResult r = evaluate(file, 8);
        QVERIFY2(timer.elapsed() < 60000, "generation did not stop at the context length");
        QVERIFY(!r.contextNote.empty());
        for (const ExampleResult& e : r.perExample) QVERIFY2(e.tokens <= 64, "generated past the context");
    }

    // ---- F6 ------------------------------------------------------------------------------------------

    void filesThatAreNotFilesAreRefusedAtOnce() {
        const std::string fifo = dir_.path().toStdString() + "/task.fifo";
        QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
        expectRefused(fifo, "FIFO", fifo);
        expectRefused("/dev/zero", "character device", "/dev/zero");
        // A task whose header names its evaluation split: a FIFO there too.
        const std::string file = dir_.path().toStdString() + "/split.jsonl";
        std::ofstream(file) << R"({"task":{"kind":"generate","metric":"exact_match","name":"s",)"
                            << R"("split":{"calibration":"task.fifo","evaluation":"task.fifo"}}})"
                            << "\n";
        expectRefused(file, "FIFO", fifo);
        const std::string huge = dir_.path().toStdString() + "/huge.jsonl";
        std::ofstream(huge) << "{";
        std::filesystem::resize_file(huge, uintmax_t(5) << 30);  // sparse
        expectRefused(huge, "plausibly", huge);
    }
};

QTEST_GUILESS_MAIN(TestTaskRobustness)
#include "test_task_robustness.moc"

// Tasks: metrics on hand-made examples (expected values worked out by hand
// and with the official SQuAD v1.1 evaluation code in Python), the seeded
// split (against a Python transcription of the documented algorithm), task
// file parsing and bad-line reporting.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/task/metrics.h"
#include "core/task/split.h"
#include "core/task/task_file.h"

using namespace sieve;

namespace {

std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& content) {
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

// (Plain literals before the class: AutoMoc's scanner trips over raw strings.)
const char* kHeader =
    "{\"task\": {\"name\": \"t\", \"kind\": \"generate\", \"max_new_tokens\": 5, \"stop\": [\"\\n\"]}}";

// The message of the InputError `f` throws, or "" when it throws none.
template <typename F>
std::string inputErrorOf(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The raw data sets as published (../shared/data), read here independently
// of scripts/make_tasks.py: text -> label.
const std::string kRaw = SIEVE_SHARED_DIR "/data";
const std::string kTasks = SIEVE_SOURCE_DIR "/resources/tasks";

std::map<std::string, int> sst2Labels(const std::string& file) {
    std::map<std::string, int> labels;
    std::istringstream in(readAll(kRaw + "/sst2/" + file));
    std::string line;
    std::getline(in, line);  // sentence<TAB>label
    while (std::getline(in, line)) {
        const size_t tab = line.rfind('\t');
        if (tab == std::string::npos) continue;
        std::string sentence = line.substr(0, tab);
        while (!sentence.empty() && sentence.back() == ' ') sentence.pop_back();
        labels[sentence] = std::stoi(line.substr(tab + 1));
    }
    return labels;
}

// A prompt "<head>TEXT<tail>" -> TEXT ("" when it is not of that form).
std::string between(const std::string& prompt, const std::string& head, const std::string& tail) {
    if (prompt.size() < head.size() + tail.size() || prompt.compare(0, head.size(), head) != 0 ||
        prompt.compare(prompt.size() - tail.size(), tail.size(), tail) != 0)
        return {};
    return prompt.substr(head.size(), prompt.size() - head.size() - tail.size());
}

}  // namespace

class TestTask : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactMatch_data() {
        QTest::addColumn<QString>("prediction");
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<double>("expected");
        QTest::newRow("equal") << "0425" << QStringList{"0425"} << 1.0;
        QTest::newRow("surrounding whitespace") << " 42\n" << QStringList{"42"} << 1.0;
        QTest::newRow("extra punctuation") << "42." << QStringList{"42"} << 0.0;
        QTest::newRow("case matters") << "paris" << QStringList{"Paris"} << 0.0;
        QTest::newRow("second answer") << "NYC" << QStringList{"New York", "NYC"} << 1.0;
        QTest::newRow("prefix only") << "042" << QStringList{"0425"} << 0.0;
    }
    void exactMatch() {
        QFETCH(QString, prediction);
        QFETCH(QStringList, answers);
        QFETCH(double, expected);
        std::vector<std::string> a;
        for (const auto& s : answers) a.push_back(s.toStdString());
        QCOMPARE(sieve::exactMatch(prediction.toStdString(), a), expected);
    }

    void contains_data() {
        QTest::addColumn<QString>("prediction");
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<double>("expected");
        QTest::newRow("inside") << "The answer is Paris." << QStringList{"Paris"} << 1.0;
        QTest::newRow("answer stripped") << "it is 7 now" << QStringList{" 7 "} << 1.0;
        QTest::newRow("absent") << "London" << QStringList{"Paris"} << 0.0;
        QTest::newRow("empty answer never matches") << "anything" << QStringList{"  "} << 0.0;
        QTest::newRow("empty prediction") << "" << QStringList{"x"} << 0.0;
    }
    void contains() {
        QFETCH(QString, prediction);
        QFETCH(QStringList, answers);
        QFETCH(double, expected);
        std::vector<std::string> a;
        for (const auto& s : answers) a.push_back(s.toStdString());
        QCOMPARE(sieve::containsAnswer(prediction.toStdString(), a), expected);
    }

    // Expected values from SQuAD v1.1's evaluate-v1.1.py f1_score (Python).
    void tokenF1_data() {
        QTest::addColumn<QString>("prediction");
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<double>("expected");
        // pred {cat, sat, on, mat}, gold {cat, on, mat}: P 3/4, R 1 -> 6/7
        QTest::newRow("articles and punctuation")
            << "The cat sat on the mat." << QStringList{"a cat on a mat"} << 0.8571428571428571;
        QTest::newRow("lower case") << "Paris, France" << QStringList{"paris"} << 0.6666666666666666;
        // multiset overlap: {new, york} of pred {new, york, new, york}, gold {new, york, city}
        QTest::newRow("repeated words")
            << "new york new york" << QStringList{"New York City"} << 0.5714285714285715;
        QTest::newRow("disjoint") << "blue" << QStringList{"red"} << 0.0;
        QTest::newRow("best of answers") << "red" << QStringList{"blue", "red"} << 1.0;
        QTest::newRow("only articles vs empty") << "the" << QStringList{""} << 1.0;
    }
    void tokenF1() {
        QFETCH(QString, prediction);
        QFETCH(QStringList, answers);
        QFETCH(double, expected);
        std::vector<std::string> a;
        for (const auto& s : answers) a.push_back(s.toStdString());
        QVERIFY(std::abs(sieve::tokenF1(prediction.toStdString(), a) - expected) < 1e-12);
    }

    void choiceAccuracy() {
        // Summed log-likelihood: the largest wins (index 1).
        QCOMPARE(argmaxChoice({-5.0, -3.0, -4.0}), 1);
        // Ties go to the first, as numpy.argmax (used by lm-evaluation-harness).
        QCOMPARE(argmaxChoice({-2.0, -2.0}), 0);
        // acc vs acc_norm disagree: -2 / 1 byte = -2 but -6 / 8 bytes = -0.75.
        QCOMPARE(argmaxChoice({-2.0, -6.0}), 0);
        QCOMPARE(argmaxChoiceNormalized({-2.0, -6.0}, {"x", "yyyyyyyy"}), 1);
        // Bytes, not characters: "é" is 2 UTF-8 bytes, so -3 / 2 = -1.5 beats -1.6 / 1.
        QCOMPARE(argmaxChoiceNormalized({-1.6, -3.0}, {"e", "\xc3\xa9"}), 1);
    }

    void perplexity() {
        // Ten tokens of probability 1/2 each: NLL = 10 ln 2, perplexity 2.
        QVERIFY(std::abs(perplexityFrom(10 * std::log(2.0), 10) - 2.0) < 1e-12);
        QVERIFY(std::abs(perplexityFrom(0.0, 5) - 1.0) < 1e-15);
        QVERIFY(std::isnan(perplexityFrom(1.0, 0)));
    }

    void cutAtStop() {
        QCOMPARE(QString::fromStdString(sieve::cutAtStop("0425\nadd", {"\n"})), QString("0425"));
        QCOMPARE(QString::fromStdString(sieve::cutAtStop("ab.cd\nx", {"\n", "."})), QString("ab"));
        QCOMPARE(QString::fromStdString(sieve::cutAtStop("abc", {"\n"})), QString("abc"));
    }

    // Expected indices from a Python transcription of the algorithm in split.h
    // (splitmix64 keys, sorted; round-half-away calibration count).
    void splitMatchesReference() {
        const SplitIndices a = splitIndices(10, 3, 0.4);
        QCOMPARE(a.calibration, (std::vector<int>{0, 4, 5, 9}));
        QCOMPARE(a.evaluation, (std::vector<int>{1, 2, 3, 6, 7, 8}));
        const SplitIndices b = splitIndices(7, 12345, 0.5);
        QCOMPARE(b.calibration, (std::vector<int>{3, 4, 5, 6}));
        QCOMPARE(b.evaluation, (std::vector<int>{0, 1, 2}));
    }

    void splitIsDeterministicAndComplete() {
        const SplitIndices a = splitIndices(500, 42, 0.3);
        const SplitIndices again = splitIndices(500, 42, 0.3);
        QCOMPARE(a.calibration, again.calibration);
        QCOMPARE(a.evaluation, again.evaluation);
        QCOMPARE(int(a.calibration.size()), 150);
        QCOMPARE(int(a.evaluation.size()), 350);
        std::vector<int> all(a.calibration);
        all.insert(all.end(), a.evaluation.begin(), a.evaluation.end());
        std::sort(all.begin(), all.end());
        for (int i = 0; i < 500; ++i) QCOMPARE(all[size_t(i)], i);
        QVERIFY(splitIndices(500, 43, 0.3).calibration != a.calibration);
        // Both sides non-empty for tiny tasks.
        QCOMPARE(int(splitIndices(2, 1, 0.01).calibration.size()), 1);
        QVERIFY(!inputErrorOf([] { splitIndices(5, 1, 1.5); }).empty());
    }

    void loadsHeaderAndSplit() {
        QTemporaryDir dir;
        std::string content = R"({"task": {"kind": "generate", "max_new_tokens": 5, "stop": ["\n"], )"
                              R"("split": {"seed": 3, "calibration_fraction": 0.4}}})"
                              "\n";
        for (int i = 0; i < 10; ++i)
            content +=
                "{\"prompt\": \"p" + std::to_string(i) + "\", \"answer\": \"a" + std::to_string(i) + "\"}\n";
        const std::string path = writeFile(dir, "t.jsonl", content);
        const Task task = loadTask(path);
        QCOMPARE(task.spec.kind, TaskKind::Generate);
        QCOMPARE(task.spec.metric, Metric::ExactMatch);
        QCOMPARE(task.spec.maxNewTokens, 5);
        QCOMPARE(task.spec.stopStrings, std::vector<std::string>{"\n"});
        // The split of the reference above: calibration = examples 0, 4, 5, 9.
        QCOMPARE(int(task.calibration.size()), 4);
        QCOMPARE(QString::fromStdString(task.calibration[1].prompt), QString("p4"));
        QCOMPARE(task.calibration[1].line, 6);  // header is line 1
        QCOMPARE(int(task.evaluation.size()), 6);
        QCOMPARE(QString::fromStdString(task.evaluation[0].answers[0]), QString("a1"));
    }

    void loadsSideCarAndKinds() {
        QTemporaryDir dir;
        const std::string path =
            writeFile(dir, "c.jsonl",
                      R"({"prompt": "Sky?", "choices": [" blue", " green"], "label": 0})"
                      "\n"
                      R"({"prompt": "Grass?", "choices": [" blue", " green"], "label": 1, "tag": "g"})"
                      "\n");
        writeFile(dir, "c.jsonl.meta.json",
                  R"({"kind": "choice", "metric": "acc_norm", "split": {"calibration_fraction": 0.5}})");
        const Task task = loadTask(path);
        QCOMPARE(task.spec.kind, TaskKind::Choice);
        QCOMPARE(task.spec.metric, Metric::AccuracyNorm);
        QCOMPARE(QString::fromStdString(task.spec.name), QString("c"));
        QCOMPARE(int(task.calibration.size() + task.evaluation.size()), 2);

        const std::string ppl =
            writeFile(dir, "p.jsonl",
                      R"({"task": {"kind": "perplexity", "metric": "next_token_accuracy"}})"
                      "\n"
                      R"({"text": "Once upon a time"})"
                      "\n"
                      R"({"ids": [1, 5, 9]})"
                      "\n");
        const Task p = loadTask(ppl, {false, 0, 0.0});  // all to evaluation
        QCOMPARE(int(p.evaluation.size()), 2);
        QCOMPARE(p.evaluation[1].ids, (std::vector<int64_t>{1, 5, 9}));
        // A metric that does not fit the kind is refused.
        const std::string bad = writeFile(dir, "b.jsonl",
                                          R"({"task": {"kind": "choice", "metric": "perplexity"}})"
                                          "\n");
        QVERIFY(inputErrorOf([&] { loadTask(bad); }).find("does not apply") != std::string::npos);
    }

    void explicitSplitFiles() {
        QTemporaryDir dir;
        writeFile(dir, "cal.jsonl",
                  R"({"prompt": "c", "answer": "1"})"
                  "\n");
        writeFile(dir, "ev.jsonl",
                  R"({"prompt": "e1", "answer": "1"})"
                  "\n"
                  R"({"prompt": "e2", "answer": "2"})"
                  "\n");
        const std::string path = writeFile(
            dir, "t.jsonl",
            R"({"task": {"kind": "generate", "split": {"calibration": "cal.jsonl", "evaluation": "ev.jsonl"}}})"
            "\n");
        const Task task = loadTask(path);
        QCOMPARE(int(task.calibration.size()), 1);
        QCOMPARE(int(task.evaluation.size()), 2);
        QVERIFY(QString::fromStdString(task.evaluation[1].file).endsWith("ev.jsonl"));
        QCOMPARE(task.evaluation[1].line, 2);
    }

    // Each kind of bad line is reported with the file and its line number.
    void badLines_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("cause");
        QTest::newRow("invalid JSON") << QByteArray(R"({"prompt": "x", "answer": )") << "invalid JSON";
        QTest::newRow("missing field") << QByteArray(R"({"prompt": "x"})") << "missing field \"answer\"";
        QTest::newRow("wrong type") << QByteArray(R"({"prompt": 7, "answer": "1"})")
                                    << "field \"prompt\" must be a string";
        QTest::newRow("non-UTF-8") << QByteArray("{\"prompt\": \"caf\xe9\", \"answer\": \"1\"}")
                                   << "not valid UTF-8";
        QTest::newRow("not an object") << QByteArray("[1, 2]") << "must be a JSON object";
        QTest::newRow("answers of wrong type")
            << QByteArray(R"({"prompt": "x", "answers": [1]})") << "array of strings";
    }
    void badLines() {
        QFETCH(QByteArray, line);
        QFETCH(QString, cause);
        QTemporaryDir dir;
        const std::string good = R"({"prompt": "ok", "answer": "1"})";
        const std::string path =
            writeFile(dir, "bad.jsonl",
                      std::string(kHeader) + "\n" + good + "\n\n" + line.toStdString() + "\n" + good + "\n");
        const std::string message = inputErrorOf([&] { loadTask(path); });
        QVERIFY2(message.find(path + ":4:") == 0, message.c_str());  // blank line 3 counts
        QVERIFY2(message.find(cause.toStdString()) != std::string::npos, message.c_str());

        TaskLoadOptions skip;
        skip.skipBadLines = true;
        skip.calibrationFraction = 0;
        const Task task = loadTask(path, skip);
        QCOMPARE(task.skippedLines, 1);
        QCOMPARE(int(task.evaluation.size()), 2);
        QCOMPARE(task.evaluation[1].line, 5);
        QVERIFY(task.skipMessages.at(0).find(":4:") != std::string::npos);
    }

    void skipCountsEveryBadLine() {
        QTemporaryDir dir;
        const std::string path =
            writeFile(dir, "bad.jsonl",
                      std::string(kHeader) + "\n{\n" + R"({"prompt": "a", "answer": "b"})" +
                          "\n{\"prompt\": 1}\n\xff\xfe\n");
        TaskLoadOptions skip;
        skip.skipBadLines = true;
        const Task task = loadTask(path, skip);
        QCOMPARE(task.skippedLines, 3);
        QCOMPARE(int(task.calibration.size() + task.evaluation.size()), 1);
    }

    void missingHeaderIsReported() {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "nohead.jsonl",
                                           R"({"prompt": "a", "answer": "b"})"
                                           "\n");
        QVERIFY(inputErrorOf([&] { loadTask(path); }).find("no task header") != std::string::npos);
        QVERIFY(inputErrorOf([&] { loadTask(path + ".absent"); }).find("no such task file") !=
                std::string::npos);
        const std::string header = writeFile(dir, "h.jsonl",
                                             R"({"task": {"kind": "generate", "max_new_tokens": "5"}})"
                                             "\n");
        const std::string m = inputErrorOf([&] { loadTask(header); });
        QVERIFY2(m.find(header + ":1") == 0 && m.find("max_new_tokens") != std::string::npos, m.c_str());
    }

    void writeAndReadBack() {
        QTemporaryDir dir;
        TaskSpec spec;
        spec.name = "round";
        spec.maxNewTokens = 7;
        spec.stopStrings = {"\n", "."};
        spec.split.seed = 9;
        std::vector<TaskExample> examples(3);
        examples[0].prompt = "a\"quoted\"";
        examples[0].answers = {"x"};
        examples[1].prompt = "caf\xc3\xa9";
        examples[1].answers = {"y", "z"};
        examples[2].promptIds = {1, 2};
        examples[2].answerIds = {{3}};
        examples[2].tag = "ids";
        const std::string path = dir.filePath("w.jsonl").toStdString();
        writeTaskFile(path, spec, examples);
        TaskLoadOptions all;
        all.calibrationFraction = 0;
        const Task task = loadTask(path, all);
        QCOMPARE(int(task.evaluation.size()), 3);
        QCOMPARE(task.spec.maxNewTokens, 7);
        QCOMPARE(task.spec.stopStrings, spec.stopStrings);
        QCOMPARE(task.evaluation[0].prompt, examples[0].prompt);
        QCOMPARE(task.evaluation[1].answers, examples[1].answers);
        QCOMPARE(task.evaluation[2].answerIds, examples[2].answerIds);
        QCOMPARE(QString::fromStdString(task.evaluation[2].tag), QString("ids"));
    }

    // The bundled real tasks (scripts/make_tasks.py) say what the published
    // data sets say: every example's text and answer are found in the raw
    // file of its split, no evaluation example is among the calibration or
    // few-shot ones, and the sizes are those resources/tasks/README.md gives.
    void bundledRealTasksAgreeWithTheRawData() {
        if (!std::filesystem::exists(kRaw + "/sst2/dev.tsv")) QSKIP("no ../shared/data here");
        // SST-2: evaluation = the whole dev split, calibration from the train sample.
        const Task sst2 = loadTask(kTasks + "/sst2.jsonl");
        QCOMPARE(int(sst2.evaluation.size()), 872);
        QCOMPARE(int(sst2.calibration.size()), 512);
        const auto dev = sst2Labels("dev.tsv");
        const auto train = sst2Labels("train-sample.tsv");
        for (const auto& [split, raw] :
             {std::pair{&sst2.evaluation, &dev}, std::pair{&sst2.calibration, &train}})
            for (const TaskExample& e : *split) {
                const std::string sentence = between(e.prompt, "Review: ", "\nSentiment:");
                QVERIFY2(raw->count(sentence), e.prompt.c_str());
                QCOMPARE(e.label, raw->at(sentence));
                QCOMPARE(e.choices, (std::vector<std::string>{" negative", " positive"}));
            }

        // ARC-Easy: evaluation from test, calibration from train.
        // (Some stems occur more than once, with other choices.)
        std::multimap<std::string, std::pair<std::vector<std::string>, int>> arc;
        for (const char* split : {"test", "train"}) {
            std::istringstream in(readAll(kRaw + "/arc_easy/" + split + ".jsonl"));
            std::string line;
            while (std::getline(in, line)) {
                if (line.find_first_not_of(" \r\n") == std::string::npos) continue;
                const auto j = nlohmann::json::parse(line);
                std::vector<std::string> texts;
                int answer = -1;
                for (const auto& c : j["question"]["choices"]) {
                    if (c["label"] == j["answerKey"]) answer = int(texts.size());
                    texts.push_back(" " + c["text"].get<std::string>());
                }
                arc.insert(
                    {std::string(split) + ":" + j["question"]["stem"].get<std::string>(), {texts, answer}});
            }
        }
        const Task arcTask = loadTask(kTasks + "/arc_easy.jsonl");
        QCOMPARE(int(arcTask.evaluation.size()), 800);
        QCOMPARE(int(arcTask.calibration.size()), 512);
        for (const auto& [split, examples] :
             {std::pair{"test", &arcTask.evaluation}, std::pair{"train", &arcTask.calibration}})
            for (const TaskExample& e : *examples) {
                const std::string key =
                    std::string(split) + ":" + between(e.prompt, "Question: ", "\nAnswer:");
                QVERIFY2(arc.count(key), e.prompt.c_str());
                const auto [first, last] = arc.equal_range(key);
                QVERIFY2(std::any_of(first, last,
                                     [&](const auto& q) {
                                         return q.second.first == e.choices && q.second.second == e.label;
                                     }),
                         e.prompt.c_str());
            }

        // BIG-Bench Hard: 200 evaluation examples of 250 (248 distinct in
        // sports_understanding), the rest calibration and three exemplars;
        // answers are the published targets.
        for (const char* name : {"boolean_expressions", "sports_understanding", "web_of_lies", "navigate"}) {
            std::map<std::string, std::string> target;
            const auto raw = nlohmann::json::parse(readAll(kRaw + "/bbh/" + name + ".json"));
            for (const auto& e : raw["examples"])
                target[e["input"].get<std::string>()] = e["target"].get<std::string>();
            const Task t = loadTask(kTasks + "/bbh_" + name + ".jsonl");
            QCOMPARE(int(t.evaluation.size()), 200);
            QCOMPARE(int(t.calibration.size()), int(target.size()) - 200 - 3);  // distinct questions
            std::set<std::string> seen;
            for (const auto* examples : {&t.evaluation, &t.calibration})
                for (const TaskExample& e : *examples) {
                    const std::string input = between(e.prompt, "Q: ", "\nA:");
                    QVERIFY2(target.count(input), e.prompt.c_str());
                    QCOMPARE(e.choices.at(size_t(e.label)), " " + target.at(input));
                    QVERIFY2(seen.insert(input).second, ("in two splits: " + input).c_str());
                }
        }
    }
};

QTEST_GUILESS_MAIN(TestTask)
#include "test_task.moc"

// Evaluation against transformers: the shipped demo model's tokenizer, logits,
// greedy generations, log-likelihoods and top-1 hits as transformers and HF
// `tokenizers` compute them (tests/fixtures/demo, scripts/fixtures/demo.py),
// the shipped model's per-skill scores, the stories260K task files, the
// calibration stream, progress and cancellation.
#include <QtTest>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/demo/demo_tasks.h"
#include "core/model/model.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;
using nlohmann::json;

namespace {

const std::string kDemo = std::string(SIEVE_SOURCE_DIR) + "/resources/demo";
const std::string kFixtures = std::string(SIEVE_FIXTURES_DIR) + "/demo";
const char* kSkills[] = {"add", "reverse", "sort", "capital", "brackets"};

json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("missing fixture " + path);
    return json::parse(in);
}

Task taskOf(TaskKind kind, Metric metric, std::vector<TaskExample> examples) {
    Task t;
    t.spec.name = "fixture";
    t.spec.kind = kind;
    t.spec.metric = metric;
    t.spec.maxNewTokens = 10;
    t.spec.stopStrings = {"\n"};
    t.evaluation = std::move(examples);
    return t;
}

}  // namespace

class TestEvaluate : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(2);
        LoadOptions load;
        load.device.device = "cpu";
        model_ = Model::load(kDemo, load);
        tokenizer_ = Tokenizer::load(kDemo);
    }

    void tokenizerMatchesHf() {
        for (const auto& t : readJson(kFixtures + "/tokens.json")) {
            const std::string text = t["text"];
            QCOMPARE(tokenizer_->encode(text, true), t["ids"].get<std::vector<int64_t>>());
            QCOMPARE(tokenizer_->encode(text, false), t["ids_plain"].get<std::vector<int64_t>>());
            QCOMPARE(tokenizer_->decode(t["ids"].get<std::vector<int64_t>>(), true), text);
        }
    }

    // The stop string "\n" is one token, so generation stops on it.
    void newlineIsOneToken() {
        QCOMPARE(tokenizer_->encode("\n", false), (std::vector<int64_t>{3}));
        QCOMPARE(tokenizer_->tokenId("\n").value_or(-1), int64_t(3));
    }

    void logitsMatchTransformers() {
        torch::NoGradGuard noGrad;
        for (const auto& item : readJson(kFixtures + "/logits.json")) {
            const auto ids = item["ids"].get<std::vector<int64_t>>();
            const auto rows = item["logits"].get<std::vector<std::vector<float>>>();
            auto expected = torch::empty({int64_t(rows.size()), int64_t(rows[0].size())});
            for (size_t i = 0; i < rows.size(); ++i) expected[int64_t(i)].copy_(torch::tensor(rows[i]));
            const auto ours = model_->forward(torch::tensor(ids).unsqueeze(0))[0];
            const double diff = (ours - expected).abs().max().item<double>();
            QVERIFY2(diff < 1e-4, ("max |logit difference| " + std::to_string(diff)).c_str());
        }
    }

    // Our batched greedy evaluation gives transformers' continuations, and
    // its exact match is the fraction where they equal the answers.
    void greedyMatchesTransformers() {
        const json greedy = readJson(kFixtures + "/greedy.json");
        std::vector<TaskExample> examples;
        int expectedCorrect = 0;
        for (const auto& g : greedy) {
            TaskExample ex;
            ex.prompt = g["prompt"];
            ex.answers = {g["answer"].get<std::string>()};
            ex.tag = g["skill"];
            expectedCorrect += g["prediction"] == g["answer"];
            examples.push_back(ex);
        }
        const Task task = taskOf(TaskKind::Generate, Metric::ExactMatch, examples);
        JobContext quiet;
        EvalOptions options;
        options.maxBatchExamples = 7;  // uneven batches with padding
        const EvalResult r = evaluateTask(*model_, tokenizer_.get(), task, options, quiet);
        QCOMPARE(r.examples, int(greedy.size()));
        for (size_t i = 0; i < greedy.size(); ++i)
            QCOMPARE(QString::fromStdString(r.perExample[i].prediction),
                     QString::fromStdString(greedy[i]["prediction"].get<std::string>()));
        QVERIFY(std::abs(r.score - double(expectedCorrect) / double(greedy.size())) < 1e-12);
        QCOMPARE(int(r.scoreByTag.size()), 5);
        QVERIFY(r.tokensPerSecond > 0);

        // The same task as token ids scores the same (the tokenizer only maps
        // the stop string "\n" to its token; ids are used as given).
        std::vector<TaskExample> idExamples;
        for (const auto& ex : examples) {
            TaskExample t;
            t.promptIds = tokenizer_->encode(ex.prompt, true);
            t.answerIds = {tokenizer_->encode(ex.answers[0], false)};
            idExamples.push_back(t);
        }
        const EvalResult ids =
            evaluateTask(*model_, tokenizer_.get(),
                         taskOf(TaskKind::Generate, Metric::ExactMatch, idExamples), options, quiet);
        QVERIFY2(std::abs(ids.score - r.score) < 1e-12,
                 (std::to_string(ids.score) + " vs " + std::to_string(r.score) + " [" +
                  ids.perExample[0].prediction + "]")
                     .c_str());
    }

    void textScoresMatchTransformers() {
        const json scores = readJson(kFixtures + "/scores.json");
        std::vector<TaskExample> examples;
        double nll = 0;
        int64_t tokens = 0, hits = 0;
        for (const auto& s : scores) {
            TaskExample ex;
            ex.text = s["text"];
            examples.push_back(ex);
            nll += s["nll"].get<double>();
            tokens += s["tokens"].get<int64_t>();
            hits += s["hits"].get<int64_t>();
        }
        JobContext quiet;
        EvalOptions options;
        options.maxBatchExamples = 4;
        const EvalResult ppl =
            evaluateTask(*model_, tokenizer_.get(),
                         taskOf(TaskKind::Perplexity, Metric::Perplexity, examples), options, quiet);
        const double expectedPpl = std::exp(nll / double(tokens));
        QVERIFY2(std::abs(ppl.score - expectedPpl) < 1e-4 * expectedPpl,
                 (std::to_string(ppl.score) + " vs " + std::to_string(expectedPpl)).c_str());
        QVERIFY(!ppl.higherIsBetter);
        for (size_t i = 0; i < scores.size(); ++i) {
            const double e = std::exp(scores[i]["nll"].get<double>() / scores[i]["tokens"].get<double>());
            QVERIFY(std::abs(ppl.perExample[i].score - e) < 1e-4 * e);
        }
        const EvalResult acc =
            evaluateTask(*model_, tokenizer_.get(),
                         taskOf(TaskKind::Perplexity, Metric::NextTokenAccuracy, examples), options, quiet);
        QCOMPARE(acc.score, double(hits) / double(tokens));
    }

    void shippedModelKeepsEverySkill_data() {
        QTest::addColumn<QString>("skill");
        for (const char* s : kSkills) QTest::newRow(s) << s;
        QTest::newRow("mixed") << "mixed";
    }
    void shippedModelKeepsEverySkill() {
        QFETCH(QString, skill);
        const Task task = loadTask(kDemo + "/tasks/" + skill.toStdString() + ".jsonl");
        JobContext quiet;
        const EvalResult r = evaluateTask(*model_, tokenizer_.get(), task, {}, quiet);
        QVERIFY2(r.score >= 0.95, (skill.toStdString() + " exact match " + std::to_string(r.score)).c_str());
        QVERIFY(r.examples >= 20);
        // The recorded training run (train-demo.json, docs/demo-model.md) states these scores.
        const json record = readJson(kDemo + "/train-demo.json");
        const double recorded = skill == "mixed"
                                    ? record["mixed_exact_match"].get<double>()
                                    : record["skill_exact_match"][skill.toStdString()].get<double>();
        QVERIFY(std::abs(recorded - r.score) < 1e-9);
    }

    void calibrationStreamIsPromptPlusAnswer() {
        const Task task = loadTask(kDemo + "/tasks/add.jsonl");
        const auto seqs = calibrationBatches(task, tokenizer_.get());
        QCOMPARE(seqs.size(), task.calibration.size());
        for (size_t i = 0; i < seqs.size(); ++i) {
            const auto& ex = task.calibration[i];
            QCOMPARE(seqs[i].front(), *tokenizer_->bosId());
            QCOMPARE(tokenizer_->decode(seqs[i], true), ex.prompt + ex.answers[0]);
        }
        QVERIFY(calibrationBatches(task, tokenizer_.get(), 5).front().size() == 5);
        // Text without a tokenizer is an input error naming file and line.
        bool threw = false;
        try {
            calibrationBatches(task, nullptr);
        } catch (const InputError& e) {
            threw = std::string(e.what()).find("add.jsonl:") != std::string::npos;
        }
        QVERIFY(threw);
    }

    void progressAndCancel() {
        const Task task = loadTask(kDemo + "/tasks/sort.jsonl");
        int64_t last = 0, total = 0;
        JobContext watching([&](const Progress& p) { last = p.done, total = p.total; }, {});
        EvalOptions options;
        options.maxBatchExamples = 16;
        const EvalResult r = evaluateTask(*model_, tokenizer_.get(), task, options, watching);
        QCOMPARE(last, int64_t(r.examples));
        QCOMPARE(total, int64_t(r.examples));

        CancelToken cancel;
        int calls = 0;
        JobContext cancelling(
            [&](const Progress&) {
                if (++calls == 2) cancel.cancel();
            },
            {}, cancel);
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 evaluateTask(*model_, tokenizer_.get(), task, options, cancelling));
    }

    void storiesTasks() {
        const std::string dir = std::string(SIEVE_SOURCE_DIR) + "/resources/stories260k/";
        const Task next = loadTask(dir + "stories-next-token.jsonl");
        const Task ppl = loadTask(dir + "stories-perplexity.jsonl");
        QCOMPARE(int(next.calibration.size() + next.evaluation.size()), 176);
        QCOMPARE(next.spec.metric, Metric::NextTokenAccuracy);
        QCOMPARE(ppl.spec.metric, Metric::Perplexity);
        QCOMPARE(int(next.calibration.size()), 88);
        for (size_t i = 0; i < next.evaluation.size(); ++i)
            QCOMPARE(next.evaluation[i].text, ppl.evaluation[i].text);
        for (const auto* split : {&next.calibration, &next.evaluation})
            for (const auto& ex : *split) QVERIFY(ex.text.find("<|endoftext|>") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestEvaluate)
#include "test_evaluate.moc"

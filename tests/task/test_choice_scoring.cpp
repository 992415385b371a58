// Choice questions scored from one reading of their prompt (packed rows:
// prompt, then every choice, each choice seeing the prompt and itself) give
// the log-likelihoods of one row per prompt + choice, to float tolerance and
// with the same chosen answer: on the demo model, and on the real
// SmolLM2-135M-Instruct with ARC-Easy questions. And the scorer's contract the
// searches build on: any order of the examples gives every example the same
// score, and the bounds after each batch always contain the final value.
#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/model/model.h"
#include "core/task/log_sum_exp.h"
#include "core/task/packed_choices.h"
#include "core/task/task_scorer.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kSmol = SIEVE_SHARED_DIR "/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf";
const std::string kArc = SIEVE_SHARED_DIR "/data/arc_easy/test.jsonl";

// Capital-city questions on the demo model: its own skill, with distractors.
Task demoChoiceTask() {
    const std::vector<std::pair<std::string, std::string>> capitals = {
        {"france", "paris"}, {"italy", "rome"}, {"spain", "madrid"},   {"japan", "tokyo"},
        {"egypt", "cairo"},  {"peru", "lima"},  {"chile", "santiago"}, {"kenya", "nairobi"}};
    Task t;
    t.spec.name = "demo-capitals";
    t.spec.kind = TaskKind::Choice;
    t.spec.metric = Metric::Accuracy;
    for (size_t i = 0; i < capitals.size(); ++i) {
        TaskExample ex;
        ex.prompt = "capital " + capitals[i].first + "=";
        for (size_t k = 0; k < 4; ++k) ex.choices.push_back(capitals[(i + k * 3) % capitals.size()].second);
        ex.label = 0;
        ex.line = int(i) + 1;
        t.evaluation.push_back(ex);
    }
    return t;
}

Task arcTask(int questions) {
    Task t;
    t.spec.name = "arc-easy";
    t.spec.kind = TaskKind::Choice;
    t.spec.metric = Metric::Accuracy;
    std::ifstream in(kArc);
    std::string line;
    while (int(t.evaluation.size()) < questions && std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        TaskExample ex;
        ex.prompt = "Question: " + j["question"]["stem"].get<std::string>() + "\nAnswer:";
        int k = 0;
        for (const auto& c : j["question"]["choices"]) {
            ex.choices.push_back(" " + c["text"].get<std::string>());
            if (c["label"] == j["answerKey"]) ex.label = k;
            ++k;
        }
        ex.line = int(t.evaluation.size()) + 1;
        t.evaluation.push_back(ex);
    }
    return t;
}

// Packed log-likelihoods against one row per (prompt, choice); returns the largest difference.
double compareWithRowPerChoice(const Model& model, const Tokenizer& tokenizer, const Task& task) {
    std::vector<ChoiceQuestion> questions;
    for (const TaskExample& ex : task.evaluation) {
        ChoiceQuestion q;
        q.prompt = promptTokens(ex, task.spec, &tokenizer);
        for (const auto& c : ex.choices)
            q.continuations.push_back(continuationTokens(ex.prompt, c, &tokenizer));
        questions.push_back(q);
    }
    const PackedChoices packed = packChoices(questions, model.device());
    const torch::Tensor hidden =
        model.runBlocks(model.embedTokens(packed.ids), model.packedContext(packed.positions, packed.allowed),
                        0, model.blockCount());
    const std::vector<double> ll = choiceLogLikelihoods(model, hidden, packed);
    double worst = 0;
    for (size_t q = 0; q < questions.size(); ++q) {
        std::vector<std::vector<int64_t>> prompts(questions[q].continuations.size(), questions[q].prompt);
        const std::vector<double> rows = model.continuationLogLikelihood(prompts, questions[q].continuations);
        const std::vector<double> mine(ll.begin() + packed.firstPair[q],
                                       ll.begin() + packed.firstPair[q] + std::ptrdiff_t(rows.size()));
        for (size_t c = 0; c < rows.size(); ++c) worst = std::max(worst, std::abs(rows[c] - mine[c]));
        const auto argmax = [](const std::vector<double>& v) {
            return std::max_element(v.begin(), v.end()) - v.begin();
        };
        if (argmax(rows) != argmax(mine)) {
            qWarning("question %zu: row-per-choice picks %ld, packed %ld", q, long(argmax(rows)),
                     long(argmax(mine)));
            return 1e9;
        }
    }
    return worst;
}

}  // namespace

class TestChoiceScoring : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void packedEqualsRowPerChoiceOnTheDemoModel() {
        const auto model = Model::load(kDemo, LoadOptions{DeviceChoice{"cpu"}});
        const auto tokenizer = Tokenizer::load(kDemo);
        const double worst = compareWithRowPerChoice(*model, *tokenizer, demoChoiceTask());
        QVERIFY2(worst < 1e-4, qPrintable(QString("max |log-likelihood difference| %1").arg(worst)));
    }

    // The scorer's own log-sum-exp (an AVX-512 kernel where the CPU has it,
    // libtorch elsewhere) against float64 on SmolLM2-wide rows and on edge
    // cases: a row shorter than a vector, -inf entries, a NaN, +inf.
    void logSumExpMatchesFloat64() {
        torch::manual_seed(11);
        const torch::Tensor wide = torch::randn({9, 49152}) * 4 + torch::randn({9, 1}) * 20;
        const torch::Tensor narrow = torch::randn({5, 3}) * 30;
        for (const torch::Tensor& logits : {wide, narrow}) {
            for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
                const torch::Tensor x = logits.to(dtype);
                const torch::Tensor expected = x.to(torch::kDouble).logsumexp(-1);
                const torch::Tensor got = logSumExpRows(x);
                QCOMPARE(got.scalar_type(), torch::kFloat32);
                const double error = (got.to(torch::kDouble) - expected).abs().max().item<double>();
                const double scale = expected.abs().max().item<double>();
                QVERIFY2(error <= 1e-6 * scale + 1e-6,
                         qPrintable(QString("error %1 at scale %2").arg(error).arg(scale)));
            }
        }
        const float inf = std::numeric_limits<float>::infinity();
        torch::Tensor edge = torch::zeros({4, 40});
        edge[0].fill_(-inf);  // every logit -inf: -inf
        edge[1][7] = -inf;    // one -inf: the others count
        edge[2][39] = std::nanf("");
        edge[3][0] = inf;
        const torch::Tensor got = logSumExpRows(edge);
        QCOMPARE(got[0].item<float>(), -inf);
        QVERIFY(std::abs(got[1].item<double>() - std::log(39.0)) < 1e-6);
        QVERIFY(std::isnan(got[2].item<float>()));
        QCOMPARE(got[3].item<float>(), inf);
    }

    // The blocks compute the real tokens of a pack only: its context names
    // them (prompt and choices, not the padding after the shorter question).
    void packedContextSkipsPadding() {
        const auto model = Model::load(kDemo, LoadOptions{DeviceChoice{"cpu"}});
        const std::vector<ChoiceQuestion> questions{{{5, 6, 7}, {{8}, {9, 10}}}, {{11}, {{12}}}};
        const PackedChoices packed = packChoices(questions, model->device());
        QCOMPARE(packed.ids.size(1), int64_t(6));  // 3 + 1 + 2 tokens in the longer row
        const ForwardContext ctx = model->packedContext(packed.positions, packed.allowed);
        QVERIFY(ctx.validRows.defined());
        const std::vector<int64_t> rows(ctx.validRows.data_ptr<int64_t>(),
                                        ctx.validRows.data_ptr<int64_t>() + ctx.validRows.numel());
        QCOMPARE(rows,
                 (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));  // row 1: prompt + choice, then padding
        // Without padding every row is real: nothing to skip.
        const PackedChoices full = packChoices({questions[0]}, model->device());
        QVERIFY(!model->packedContext(full.positions, full.allowed).validRows.defined());
    }

    void packedEqualsRowPerChoiceOnSmolLm2() {
        if (!QFileInfo::exists(QString::fromStdString(kSmol)))
            QSKIP("../shared/models/smollm2-135m-instruct is absent");
        const auto model = Model::load(kSmol, LoadOptions{DeviceChoice{"cpu"}});
        const auto tokenizer = Tokenizer::load(kSmol);
        const double worst = compareWithRowPerChoice(*model, *tokenizer, arcTask(12));
        // Summed over a choice's tokens, in float32: a few 1e-4 of a log-likelihood of ~-20.
        QVERIFY2(worst < 2e-3, qPrintable(QString("max |log-likelihood difference| %1").arg(worst)));
    }

    void everyOrderScoresEveryExampleTheSame() {
        const auto model = Model::load(kDemo, LoadOptions{DeviceChoice{"cpu"}});
        const auto tokenizer = Tokenizer::load(kDemo);
        const Task task = demoChoiceTask();
        ScorerOptions options;
        options.batchTokens = 48;  // several batches
        TaskScorer scorer(*model, tokenizer.get(), task, options);
        JobContext quiet;
        std::vector<ExampleOutcome> first, second;
        const TaskScore a = scorer.score(quiet, {}, &first);
        std::vector<double> key;
        for (size_t i = 0; i < first.size(); ++i) key.push_back(-double(i));  // reversed
        scorer.orderBy(key);
        std::vector<double> bounds;
        const TaskScore b = scorer.score(
            quiet,
            [&](const TaskScore& s) {
                bounds.push_back(s.lowerBound());
                bounds.push_back(s.upperBound());
                return false;
            },
            &second);
        QCOMPARE(a.value(), b.value());
        QVERIFY(bounds.size() >= 6);  // at least three batches
        for (size_t i = 0; i < first.size(); ++i) {
            QCOMPARE(second[i].correct, first[i].correct);
            QVERIFY(std::abs(second[i].margin - first[i].margin) < 1e-4);
        }
        for (size_t i = 0; i + 1 < bounds.size(); i += 2) {
            QVERIFY(bounds[i] <= b.value() + 1e-12);
            QVERIFY(bounds[i + 1] >= b.value() - 1e-12);
        }
        // A stop after the first batch scores only that batch.
        const TaskScore c = scorer.score(quiet, [](const TaskScore& s) { return s.scored > 0; });
        QVERIFY(c.scored > 0 && c.scored < c.total);
        QVERIFY(!c.complete());
    }
};

QTEST_GUILESS_MAIN(TestChoiceScoring)
#include "test_choice_scoring.moc"

#include "core/task/evaluator.h"

#include <chrono>

#include "core/task/metrics.h"
#include "core/task/task_scorer.h"

namespace sieve {

namespace {

// The metric over a set of outcomes: the weighted mean of their scores, or the
// corpus perplexity exp(sum nll / sum tokens).
struct Sum {
    double weighted = 0, weight = 0, nll = 0;
    int64_t tokens = 0;
    void add(const ExampleOutcome& o, bool perplexity) {
        // Next-token accuracy counts hits: weight * score is the hit count.
        weighted += perplexity ? 0.0 : o.weight * o.score;
        weight += o.weight;
        nll += o.nll;
        tokens += o.tokens;
    }
    double value(Metric metric) const {
        if (metric == Metric::Perplexity) return perplexityFrom(nll, tokens);
        return weight > 0 ? weighted / weight : 0.0;
    }
};

}  // namespace

EvalResult evaluateTask(const Model& model, const Tokenizer* tokenizer, const Task& task,
                        const EvalOptions& options, JobContext& context) {
    const auto start = std::chrono::steady_clock::now();
    ScorerOptions scorerOptions;
    scorerOptions.calibrationSplit = options.calibrationSplit;
    scorerOptions.maxExamples = options.maxExamples;
    scorerOptions.maxNewTokens = options.maxNewTokens;
    scorerOptions.batchTokens = options.batchTokens;
    scorerOptions.maxBatchExamples = options.maxBatchExamples;
    scorerOptions.keepPredictions = options.keepPredictions;
    const TaskScorer scorer(model, tokenizer, task, scorerOptions);

    EvalResult result;
    result.task = task.spec.name;
    result.metric = metricName(task.spec.metric);
    result.higherIsBetter = higherIsBetter(task.spec.metric);
    result.examples = scorer.examples();
    context.beginPhase("evaluate", result.examples, task.spec.name);
    std::vector<ExampleOutcome> outcomes;
    const TaskScore score = scorer.score(
        context,
        [&](const TaskScore& s) {
            context.advance(s.scored, std::to_string(s.scored) + "/" + std::to_string(s.total));
            return false;
        },
        &outcomes);
    context.advance(score.scored, std::to_string(score.scored) + "/" + std::to_string(score.total));

    const bool perplexity = task.spec.metric == Metric::Perplexity;
    Sum total;
    std::map<std::string, Sum> byTag;
    const auto& split = scorer.split();
    for (size_t i = 0; i < outcomes.size(); ++i) {
        const ExampleOutcome& o = outcomes[i];
        ExampleResult r;
        r.index = int(i);
        r.line = split[i].line;
        r.tag = split[i].tag;
        r.score = o.score;
        r.correct = o.correct;
        r.tokens = o.tokens;
        r.margin = o.margin;
        r.prediction = o.prediction;
        result.perExample.push_back(std::move(r));
        total.add(o, perplexity);
        if (!split[i].tag.empty()) byTag[split[i].tag].add(o, perplexity);
    }
    // The complete score as the scorer summed it (in its order), so that a
    // search scoring through TaskScorer sees exactly this number as a0.
    result.score = perplexity ? total.value(task.spec.metric) : score.value();
    for (const auto& [tag, sum] : byTag) result.scoreByTag[tag] = sum.value(task.spec.metric);
    result.promptTokens = score.promptTokens;
    result.generatedTokens = score.generatedTokens;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double s = std::max(result.seconds, 1e-9);
    result.tokensPerSecond = double(result.promptTokens + result.generatedTokens) / s;
    result.examplesPerSecond = double(result.examples) / s;
    return result;
}

}  // namespace sieve

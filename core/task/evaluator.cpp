#include "core/task/evaluator.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/common/error.h"
#include "core/common/torch_compat.h"
#include "core/model/model.h"
#include "core/task/metrics.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

namespace sieve {

namespace {

using Clock = std::chrono::steady_clock;

// Token ids as space-separated words (" 5 17 3 "), so that the string metrics
// apply unchanged to token-id examples: equality is id equality, and " 17 "
// occurs only at a token boundary.
std::string idsAsWords(const std::vector<int64_t>& ids) {
    std::string s = " ";
    for (int64_t id : ids) s += std::to_string(id) + " ";
    return s;
}

double scoreGenerated(Metric metric, const std::string& prediction, const std::vector<std::string>& answers) {
    switch (metric) {
        case Metric::ExactMatch:
            return exactMatch(prediction, answers);
        case Metric::Contains:
            return containsAnswer(prediction, answers);
        case Metric::TokenF1:
            return tokenF1(prediction, answers);
        default:
            throw InputError(std::string("metric ") + metricName(metric) + " does not score generations");
    }
}

// Example indices in batches of similar length (less padding), each batch in
// ascending index order so that results are reported in file order.
std::vector<std::vector<int>> lengthBatches(const std::vector<size_t>& lengths, int batchSize) {
    std::vector<int> order(lengths.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return lengths[a] < lengths[b]; });
    std::vector<std::vector<int>> batches;
    for (size_t i = 0; i < order.size(); i += size_t(batchSize))
        batches.emplace_back(order.begin() + std::ptrdiff_t(i),
                             order.begin() + std::ptrdiff_t(std::min(order.size(), i + size_t(batchSize))));
    return batches;
}

std::vector<int64_t> stopTokensFor(const TaskSpec& spec, const Tokenizer* tokenizer, const Model& model) {
    std::vector<int64_t> stops(model.config().eosTokenIds.begin(), model.config().eosTokenIds.end());
    if (tokenizer) {
        if (auto eos = tokenizer->eosId()) stops.push_back(*eos);
        for (const auto& s : spec.stopStrings) {
            if (auto id = tokenizer->tokenId(s)) {
                stops.push_back(*id);
                continue;
            }
            const auto ids = tokenizer->encode(s, false);
            if (ids.size() == 1) stops.push_back(ids[0]);
        }
    }
    std::sort(stops.begin(), stops.end());
    stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
    return stops;
}

// The text the new tokens add after the prompt: decode(prompt + new) minus
// decode(prompt), which keeps a leading space that decoding alone would strip.
std::string decodeContinuation(const Tokenizer& tokenizer, const std::vector<int64_t>& prompt,
                               const std::vector<int64_t>& generated) {
    std::vector<int64_t> all = prompt;
    all.insert(all.end(), generated.begin(), generated.end());
    const std::string full = tokenizer.decode(all, true);
    const std::string head = tokenizer.decode(prompt, true);
    if (full.size() >= head.size() && full.compare(0, head.size(), head) == 0)
        return full.substr(head.size());
    return tokenizer.decode(generated, true);
}

struct Accumulator {
    // Per tag: sum of scores and count (mean metrics), or NLL / correct / tokens (token metrics).
    struct Sum {
        double score = 0, nll = 0;
        int64_t count = 0, correct = 0, tokens = 0;
    };
    std::map<std::string, Sum> byTag;
    Sum total;
    void add(const std::string& tag, double score, double nll = 0, int64_t correct = 0, int64_t tokens = 0) {
        for (Sum* s : {&total, tag.empty() ? nullptr : &byTag[tag]}) {
            if (!s) continue;
            s->score += score;
            s->nll += nll;
            s->count += 1;
            s->correct += correct;
            s->tokens += tokens;
        }
    }
    static double value(Metric metric, const Sum& s) {
        if (metric == Metric::Perplexity) return perplexityFrom(s.nll, s.tokens);
        if (metric == Metric::NextTokenAccuracy) return s.tokens ? double(s.correct) / double(s.tokens) : 0.0;
        return s.count ? s.score / double(s.count) : 0.0;
    }
};

// Which prompts leave max_new_tokens no room in the model's context, for
// one note naming the task file instead of a silent cut.
struct GenerationFit {
    int64_t crowded = 0, cut = 0, longest = 0;
    const TaskExample* longestExample = nullptr;

    void add(const TaskExample& example, int64_t promptLength, int maxNew, int64_t context) {
        if (promptLength + maxNew > context + 1) ++crowded;
        if (promptLength > context) ++cut;
        if (promptLength > longest) {
            longest = promptLength;
            longestExample = &example;
        }
    }
    std::string note(int maxNew, int64_t context) const {
        if (crowded == 0) return {};
        std::string text = longestExample->file + ": max_new_tokens " + std::to_string(maxNew) +
                           " does not fit the model's context of " + std::to_string(context) +
                           " tokens after " + std::to_string(crowded) +
                           " of the prompts (the longest, line " + std::to_string(longestExample->line) +
                           ", has " + std::to_string(longest) +
                           " tokens): generation stops at the context length";
        if (cut > 0)
            text += "; " + std::to_string(cut) + " prompts longer than the context were cut to their last " +
                    std::to_string(context) + " tokens";
        return text;
    }
};

class Evaluation {
public:
    Evaluation(const Model& model, const Tokenizer* tokenizer, const Task& task, const EvalOptions& options,
               JobContext& context)
        : model_(model), tokenizer_(tokenizer), task_(task), options_(options), context_(context) {
        const auto& split = task.split(options.calibrationSplit);
        const size_t n =
            options.maxExamples > 0 ? std::min(split.size(), size_t(options.maxExamples)) : split.size();
        examples_.assign(split.begin(), split.begin() + std::ptrdiff_t(n));
        result_.task = task.spec.name;
        result_.metric = metricName(task.spec.metric);
        result_.higherIsBetter = higherIsBetter(task.spec.metric);
        result_.examples = int(n);
        result_.perExample.resize(n);
        for (size_t i = 0; i < n; ++i) {
            result_.perExample[i].index = int(i);
            result_.perExample[i].line = examples_[i].line;
            result_.perExample[i].tag = examples_[i].tag;
        }
    }

    EvalResult run() {
        torch::NoGradGuard noGrad;
        const auto start = Clock::now();
        context_.beginPhase("evaluate", result_.examples, task_.spec.name);
        switch (task_.spec.kind) {
            case TaskKind::Generate:
                runGenerate();
                break;
            case TaskKind::Choice:
                runChoice();
                break;
            case TaskKind::Perplexity:
                runPerplexity();
                break;
        }
        result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const double s = std::max(result_.seconds, 1e-9);
        result_.tokensPerSecond = double(result_.promptTokens + result_.generatedTokens) / s;
        result_.examplesPerSecond = double(result_.examples) / s;
        result_.score = Accumulator::value(task_.spec.metric, acc_.total);
        for (const auto& [tag, sum] : acc_.byTag)
            result_.scoreByTag[tag] = Accumulator::value(task_.spec.metric, sum);
        return std::move(result_);
    }

private:
    int batchSize() const { return std::max(1, options_.batchSize); }
    int64_t maxPositions() const { return std::max<int64_t>(2, model_.config().maxPositions); }

    void reportBatch(int done) {
        context_.advance(done, std::to_string(done) + "/" + std::to_string(result_.examples));
    }

    void runGenerate() {
        const TaskSpec& spec = task_.spec;
        const int maxNew = options_.maxNewTokens > 0 ? options_.maxNewTokens : spec.maxNewTokens;
        const auto stops = stopTokensFor(spec, tokenizer_, model_);
        std::vector<std::vector<int64_t>> prompts;
        std::vector<size_t> lengths;
        // A prompt is kept whole and generation stops at the context length
        // (generateGreedy); only a prompt longer than the context itself is
        // cut, to its end.
        const int64_t context = maxPositions();
        GenerationFit fit;
        for (const auto& ex : examples_) {
            auto p = promptTokens(ex, spec, tokenizer_);
            fit.add(ex, int64_t(p.size()), maxNew, context);
            if (int64_t(p.size()) > context) p.erase(p.begin(), p.end() - context);
            lengths.push_back(p.size());
            prompts.push_back(std::move(p));
        }
        result_.contextNote = fit.note(maxNew, context);
        int done = 0;
        for (const auto& batch : lengthBatches(lengths, batchSize())) {
            std::vector<std::vector<int64_t>> batchPrompts;
            for (int i : batch) batchPrompts.push_back(prompts[i]);
            auto generated = model_.generateGreedy(batchPrompts, maxNew, stops);
            // A row ends at its first stop token (excluded), whatever the
            // generator returns after it.
            for (auto& g : generated) {
                auto it = std::find_first_of(g.begin(), g.end(), stops.begin(), stops.end());
                g.erase(it, g.end());
            }
            for (size_t b = 0; b < batch.size(); ++b) {
                const int i = batch[b];
                const TaskExample& ex = examples_[i];
                std::string prediction;
                std::vector<std::string> answers;
                if (!ex.answerIds.empty()) {
                    prediction = idsAsWords(generated[b]);
                    for (const auto& a : ex.answerIds) answers.push_back(idsAsWords(a));
                } else {
                    prediction = cutAtStop(decodeContinuation(*tokenizer_, prompts[i], generated[b]),
                                           spec.stopStrings);
                    answers = ex.answers;
                }
                ExampleResult& r = result_.perExample[i];
                r.score = scoreGenerated(spec.metric, prediction, answers);
                r.correct = r.score >= 1.0 - 1e-12;
                r.tokens = int64_t(generated[b].size());
                if (options_.keepPredictions) r.prediction = prediction;
                result_.promptTokens += int64_t(prompts[i].size());
                result_.generatedTokens += r.tokens;
                acc_.add(ex.tag, r.score);
            }
            done += int(batch.size());
            reportBatch(done);
        }
    }

    void runChoice() {
        const TaskSpec& spec = task_.spec;
        std::vector<size_t> lengths;
        for (const auto& ex : examples_) lengths.push_back(ex.prompt.size());
        int done = 0;
        for (const auto& batch : lengthBatches(lengths, batchSize())) {
            std::vector<std::vector<int64_t>> contexts, continuations;
            for (int i : batch) {
                const TaskExample& ex = examples_[i];
                const auto context = promptTokens(ex, spec, tokenizer_);
                for (const auto& choice : ex.choices) {
                    contexts.push_back(context);
                    continuations.push_back(
                        continuationTokens(spec.fewShotPrefix + ex.prompt, choice, tokenizer_));
                    result_.promptTokens += int64_t(context.size() + continuations.back().size());
                }
            }
            const auto ll = model_.continuationLogLikelihood(contexts, continuations);
            size_t k = 0;
            for (int i : batch) {
                const TaskExample& ex = examples_[i];
                std::vector<double> mine(ll.begin() + std::ptrdiff_t(k),
                                         ll.begin() + std::ptrdiff_t(k + ex.choices.size()));
                k += ex.choices.size();
                const int chosen = spec.metric == Metric::AccuracyNorm
                                       ? argmaxChoiceNormalized(mine, ex.choices)
                                       : argmaxChoice(mine);
                ExampleResult& r = result_.perExample[i];
                r.correct = chosen == ex.label;
                r.score = r.correct ? 1.0 : 0.0;
                if (options_.keepPredictions && chosen >= 0) r.prediction = ex.choices[chosen];
                acc_.add(ex.tag, r.score);
            }
            done += int(batch.size());
            reportBatch(done);
        }
    }

    void runPerplexity() {
        std::vector<std::vector<int64_t>> texts;
        std::vector<size_t> lengths;
        for (const auto& ex : examples_) {
            auto ids = textTokens(ex, tokenizer_);
            if (int64_t(ids.size()) > maxPositions()) ids.resize(size_t(maxPositions()));
            if (ids.size() < 2)
                throw InputError(exampleLocation(ex) +
                                 ": the text is too short to score (fewer than 2 tokens)");
            lengths.push_back(ids.size());
            texts.push_back(std::move(ids));
        }
        int done = 0;
        for (const auto& batch : lengthBatches(lengths, batchSize())) {
            // Keep the float32 logits of one forward under ~256 MB whatever the vocabulary.
            const int64_t T = int64_t(lengths[batch.back()]);
            const int64_t rowsPerForward =
                std::max<int64_t>(1, (int64_t(1) << 26) / (T * model_.config().vocab));
            for (size_t from = 0; from < batch.size(); from += size_t(rowsPerForward)) {
                const size_t to = std::min(batch.size(), from + size_t(rowsPerForward));
                scoreTexts(std::vector<int>(batch.begin() + std::ptrdiff_t(from),
                                            batch.begin() + std::ptrdiff_t(to)),
                           texts);
            }
            done += int(batch.size());
            reportBatch(done);
        }
    }

    // Teacher-forced scoring of right-padded texts: log p(token t+1 | tokens <= t) and top-1 hits.
    void scoreTexts(const std::vector<int>& rows, const std::vector<std::vector<int64_t>>& texts) {
        int64_t T = 0;
        for (int i : rows) T = std::max<int64_t>(T, int64_t(texts[i].size()));
        const int64_t B = int64_t(rows.size());
        auto ids = torch::zeros({B, T}, torch::kLong);
        auto mask = torch::zeros({B, T}, torch::kLong);
        for (int64_t b = 0; b < B; ++b) {
            const auto& t = texts[rows[b]];
            const int64_t n = int64_t(t.size());
            ids[b].slice(0, 0, n).copy_(torch::from_blob(const_cast<int64_t*>(t.data()), {n}, torch::kLong));
            mask[b].slice(0, 0, n).fill_(1);
        }
        const auto logits = model_.forward(ids.to(model_.device()), mask.to(model_.device()));  // [B, T, V]
        const auto head = logits.slice(1, 0, T - 1).to(torch::kFloat32);
        const auto target = ids.slice(1, 1, T).to(logits.device());
        const auto logp =
            torch::log_softmax(head, -1).gather(2, target.unsqueeze(-1)).squeeze(-1);  // [B, T-1]
        const auto hit = head.argmax(-1).eq(target);
        const auto valid = mask.slice(1, 1, T).to(logits.device()).to(torch::kBool);
        const auto nll = (-logp).masked_fill(~valid, 0.0).sum(1).to(torch::kDouble).cpu();
        const auto hits = hit.logical_and(valid).sum(1).cpu();
        for (int64_t b = 0; b < B; ++b) {
            const int i = rows[b];
            const int64_t scored = int64_t(texts[i].size()) - 1;
            const double exNll = nll[b].item<double>();
            const int64_t exHits = hits[b].item<int64_t>();
            ExampleResult& r = result_.perExample[i];
            r.tokens = scored;
            if (task_.spec.metric == Metric::Perplexity) {
                r.score = perplexityFrom(exNll, scored);
            } else {
                r.score = double(exHits) / double(scored);
                r.correct = exHits == scored;
            }
            result_.promptTokens += int64_t(texts[i].size());
            acc_.add(examples_[i].tag, r.score, exNll, exHits, scored);
        }
    }

    const Model& model_;
    const Tokenizer* tokenizer_;
    const Task& task_;
    const EvalOptions& options_;
    JobContext& context_;
    std::vector<TaskExample> examples_;
    EvalResult result_;
    Accumulator acc_;
};

}  // namespace

EvalResult evaluateTask(const Model& model, const Tokenizer* tokenizer, const Task& task,
                        const EvalOptions& options, JobContext& context) {
    if (task.spec.kind == TaskKind::Generate && !tokenizer) {
        for (const auto& ex : task.split(options.calibrationSplit))
            if (ex.answerIds.empty())
                throw InputError(exampleLocation(ex) +
                                 ": the example holds text but the model has no tokenizer");
    }
    return Evaluation(model, tokenizer, task, options, context).run();
}

}  // namespace sieve

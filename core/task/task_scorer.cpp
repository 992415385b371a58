#include "core/task/task_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/task/block_state_cache.h"
#include "core/task/metrics.h"
#include "core/task/packed_choices.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

namespace sieve {

namespace {

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

}  // namespace

struct TaskScorer::Impl {
    const Model& model;
    const Tokenizer* tokenizer;
    const Task& task;
    ScorerOptions options;
    std::vector<TaskExample> examples;  // the split (or its first maxExamples)

    // Prepared once: per example, what the model reads, and its weight.
    std::vector<std::vector<int64_t>> prompts;  // generate, choice: the prompt; perplexity: the text
    std::vector<ChoiceQuestion> questions;      // choice
    std::vector<double> weights;
    std::vector<int64_t> cost;   // tokens a row of this example takes (for batching)
    std::vector<int64_t> stops;  // generate
    int maxNew = 0;
    std::string contextNote;  // generate: prompts and maxNew that do not fit the context
    double totalWeight = 0;

    std::vector<int> order;                                     // scorer order: example indices
    std::vector<std::vector<int>> batches;                      // consecutive runs of `order`
    mutable std::vector<std::unique_ptr<PackedChoices>> packs;  // choice: per batch, built on first use

    Impl(const Model& m, const Tokenizer* t, const Task& tk, const ScorerOptions& o)
        : model(m), tokenizer(t), task(tk), options(o) {
        const auto& split = task.split(options.calibrationSplit);
        const size_t n =
            options.maxExamples > 0 ? std::min(split.size(), size_t(options.maxExamples)) : split.size();
        examples.assign(split.begin(), split.begin() + std::ptrdiff_t(n));
        prepare();
        // Default order: by length (less padding), ties in split order.
        order.resize(examples.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return cost[size_t(a)] < cost[size_t(b)]; });
        rebatch();
    }

    int64_t maxPositions() const { return std::max<int64_t>(2, model.config().maxPositions); }

    void prepare() {
        const TaskSpec& spec = task.spec;
        weights.assign(examples.size(), 1.0);
        switch (spec.kind) {
            case TaskKind::Generate: {
                if (!tokenizer)
                    for (const auto& ex : examples)
                        if (ex.answerIds.empty())
                            throw InputError(exampleLocation(ex) +
                                             ": the example holds text but the model has no tokenizer");
                maxNew = options.maxNewTokens > 0 ? options.maxNewTokens : spec.maxNewTokens;
                stops = stopTokensFor(spec, tokenizer, model);
                prepareGenerate();
                break;
            }
            case TaskKind::Choice: {
                for (const auto& ex : examples) {
                    ChoiceQuestion q;
                    q.prompt = promptTokens(ex, spec, tokenizer);
                    int64_t length = int64_t(q.prompt.size());
                    for (const auto& choice : ex.choices) {
                        q.continuations.push_back(
                            continuationTokens(spec.fewShotPrefix + ex.prompt, choice, tokenizer));
                        length += int64_t(q.continuations.back().size());
                    }
                    cost.push_back(length);
                    questions.push_back(std::move(q));
                }
                break;
            }
            case TaskKind::Perplexity: {
                for (size_t i = 0; i < examples.size(); ++i) {
                    auto ids = textTokens(examples[i], tokenizer);
                    if (int64_t(ids.size()) > maxPositions()) ids.resize(size_t(maxPositions()));
                    if (ids.size() < 2)
                        throw InputError(exampleLocation(examples[i]) +
                                         ": the text is too short to score (fewer than 2 tokens)");
                    cost.push_back(int64_t(ids.size()));
                    // Next-token accuracy is a mean over tokens: an example weighs its scored tokens.
                    if (spec.metric != Metric::Perplexity) weights[i] = double(ids.size() - 1);
                    prompts.push_back(std::move(ids));
                }
                break;
            }
        }
        totalWeight = std::accumulate(weights.begin(), weights.end(), 0.0);
    }

    // A prompt is kept whole and generation stops at the context length
    // (Model::generateGreedy): cutting every prompt to make room for
    // maxNew tokens changed what the model was asked. Only a prompt longer
    // than the context itself is cut, to its end; either is noted once.
    void prepareGenerate() {
        const int64_t context = maxPositions();
        GenerationFit fit;
        for (const auto& ex : examples) {
            auto p = promptTokens(ex, task.spec, tokenizer);
            fit.add(ex, int64_t(p.size()), maxNew, context);
            if (int64_t(p.size()) > context) p.erase(p.begin(), p.end() - context);
            // A row never grows past the context (+ the last token, never read
            // back), however large maxNew is: batch by what it can take.
            cost.push_back(std::min(int64_t(p.size()) + maxNew, context + 1));
            prompts.push_back(std::move(p));
        }
        contextNote = fit.note(maxNew, context);
    }

    // Consecutive examples of `order` while the padded batch (rows x longest)
    // stays within the token budget; the perplexity path further keeps the
    // float32 logits of one forward under ~256 MB whatever the vocabulary.
    void rebatch() {
        batches.clear();
        packs.clear();
        const int64_t budget = std::max<int64_t>(1, options.batchTokens);
        const int64_t vocab = std::max<int64_t>(1, model.config().vocab);
        std::vector<int> current;
        int64_t longest = 0;
        for (int i : order) {
            const int64_t nextLongest = std::max(longest, cost[size_t(i)]);
            bool fits = int64_t(current.size() + 1) * nextLongest <= budget &&
                        (options.maxBatchExamples <= 0 || int(current.size()) < options.maxBatchExamples);
            if (task.spec.kind == TaskKind::Perplexity)
                fits = fits && int64_t(current.size() + 1) * nextLongest * vocab <= (int64_t(1) << 26);
            if (!current.empty() && !fits) {
                batches.push_back(std::move(current));
                current.clear();
                longest = 0;
            }
            current.push_back(i);
            longest = std::max(longest, cost[size_t(i)]);
        }
        if (!current.empty()) batches.push_back(std::move(current));
        packs.resize(batches.size());
    }

    // `weighted` is weight * score, given exactly where it is a count (next-token hits).
    void record(int i, ExampleOutcome o, TaskScore& s, std::vector<ExampleOutcome>* outcomes,
                double weighted = -1) const {
        o.scored = true;
        o.weight = weights[size_t(i)];
        s.scoreSum += weighted >= 0 ? weighted : o.weight * o.score;
        s.scoredWeight += o.weight;
        s.scored += 1;
        if (outcomes) (*outcomes)[size_t(i)] = std::move(o);
    }

    void scoreGenerate(const std::vector<int>& batch, TaskScore& s,
                       std::vector<ExampleOutcome>* outcomes) const {
        const TaskSpec& spec = task.spec;
        std::vector<std::vector<int64_t>> rows;
        for (int i : batch) rows.push_back(prompts[size_t(i)]);
        auto generated = model.generateGreedy(rows, maxNew, stops);
        for (size_t b = 0; b < batch.size(); ++b) {
            // A row ends at its first stop token (excluded), whatever the generator returns after it.
            auto& g = generated[b];
            g.erase(std::find_first_of(g.begin(), g.end(), stops.begin(), stops.end()), g.end());
            const int i = batch[b];
            const TaskExample& ex = examples[size_t(i)];
            std::string prediction;
            std::vector<std::string> answers;
            if (!ex.answerIds.empty()) {
                prediction = idsAsWords(g);
                for (const auto& a : ex.answerIds) answers.push_back(idsAsWords(a));
            } else {
                prediction =
                    cutAtStop(decodeContinuation(*tokenizer, prompts[size_t(i)], g), spec.stopStrings);
                answers = ex.answers;
            }
            ExampleOutcome o;
            o.score = scoreGenerated(spec.metric, prediction, answers);
            o.correct = o.score >= 1.0 - 1e-12;
            o.tokens = int64_t(g.size());
            if (options.keepPredictions) o.prediction = prediction;
            s.promptTokens += int64_t(prompts[size_t(i)].size());
            s.generatedTokens += o.tokens;
            record(i, std::move(o), s, outcomes);
        }
    }

    void scoreChoice(int batchIndex, TaskScore& s, std::vector<ExampleOutcome>* outcomes,
                     const BlockReuse& reuse) const {
        const TaskSpec& spec = task.spec;
        const std::vector<int>& batch = batches[size_t(batchIndex)];
        auto& pack = packs[size_t(batchIndex)];
        if (!pack) {
            std::vector<ChoiceQuestion> qs;
            for (int i : batch) qs.push_back(questions[size_t(i)]);
            pack = std::make_unique<PackedChoices>(packChoices(qs, model.device()));
        }
        const ForwardContext ctx = model.packedContext(pack->positions, pack->allowed);
        const int blocks = model.blockCount();
        torch::Tensor x;
        int from = 0;
        if (reuse.cache && reuse.blockKeys) {
            const int resumed = reuse.cache->find(batchIndex, *reuse.blockKeys, &x);
            from = resumed + 1;
        }
        if (from == 0) x = model.embedTokens(pack->ids);
        for (int b = from; b < blocks; ++b) {
            x = model.runBlocks(std::move(x), ctx, b, b + 1);
            if (reuse.cache && reuse.blockKeys && b + 1 < blocks && b < reuse.storeBefore)
                reuse.cache->store(batchIndex, b, (*reuse.blockKeys)[size_t(b)], x);
        }
        if (reuse.cache) reuse.cache->countRun(blocks - from);
        const std::vector<double> ll = choiceLogLikelihoods(model, x, *pack);
        s.promptTokens += pack->tokens;
        for (size_t q = 0; q < batch.size(); ++q) {
            const int i = batch[q];
            const TaskExample& ex = examples[size_t(i)];
            const std::vector<double> mine(
                ll.begin() + pack->firstPair[q],
                ll.begin() + pack->firstPair[q] + std::ptrdiff_t(ex.choices.size()));
            const int chosen = spec.metric == Metric::AccuracyNorm ? argmaxChoiceNormalized(mine, ex.choices)
                                                                   : argmaxChoice(mine);
            ExampleOutcome o;
            o.correct = chosen == ex.label;
            o.score = o.correct ? 1.0 : 0.0;
            std::vector<double> sorted = mine;
            std::sort(sorted.begin(), sorted.end(), std::greater<>());
            o.margin = sorted.size() > 1 ? sorted[0] - sorted[1] : std::numeric_limits<double>::infinity();
            if (options.keepPredictions && chosen >= 0) o.prediction = ex.choices[size_t(chosen)];
            record(i, std::move(o), s, outcomes);
        }
    }

    // Teacher-forced scoring of right-padded texts: log p(token t+1 | tokens <= t) and top-1 hits.
    void scoreTexts(const std::vector<int>& rows, TaskScore& s, std::vector<ExampleOutcome>* outcomes) const {
        int64_t T = 0;
        for (int i : rows) T = std::max<int64_t>(T, int64_t(prompts[size_t(i)].size()));
        const int64_t B = int64_t(rows.size());
        auto ids = torch::zeros({B, T}, torch::kLong);
        auto mask = torch::zeros({B, T}, torch::kLong);
        for (int64_t b = 0; b < B; ++b) {
            const auto& t = prompts[size_t(rows[size_t(b)])];
            const int64_t n = int64_t(t.size());
            ids[b].slice(0, 0, n).copy_(torch::from_blob(const_cast<int64_t*>(t.data()), {n}, torch::kLong));
            mask[b].slice(0, 0, n).fill_(1);
        }
        const auto logits = model.forward(ids.to(model.device()), mask.to(model.device()));  // [B, T, V]
        const auto head = logits.slice(1, 0, T - 1).to(torch::kFloat32);
        const auto target = ids.slice(1, 1, T).to(logits.device());
        const auto logp =
            torch::log_softmax(head, -1).gather(2, target.unsqueeze(-1)).squeeze(-1);  // [B, T-1]
        const auto hit = head.argmax(-1).eq(target);
        const auto valid = mask.slice(1, 1, T).to(logits.device()).to(torch::kBool);
        const auto nll = (-logp).masked_fill(~valid, 0.0).sum(1).to(torch::kDouble).cpu();
        const auto hits = hit.logical_and(valid).sum(1).cpu();
        for (int64_t b = 0; b < B; ++b) {
            const int i = rows[size_t(b)];
            const int64_t scored = int64_t(prompts[size_t(i)].size()) - 1;
            ExampleOutcome o;
            o.nll = nll[b].item<double>();
            const int64_t exHits = hits[b].item<int64_t>();
            o.tokens = scored;
            if (task.spec.metric == Metric::Perplexity) {
                o.score = perplexityFrom(o.nll, scored);
            } else {
                o.score = double(exHits) / double(scored);
                o.correct = exHits == scored;
            }
            s.promptTokens += int64_t(prompts[size_t(i)].size());
            record(i, std::move(o), s, outcomes,
                   task.spec.metric == Metric::Perplexity ? -1 : double(exHits));
        }
    }
};

TaskScorer::TaskScorer(const Model& model, const Tokenizer* tokenizer, const Task& task,
                       const ScorerOptions& options)
    : impl_(std::make_unique<Impl>(model, tokenizer, task, options)) {}
TaskScorer::~TaskScorer() = default;

int TaskScorer::examples() const {
    return int(impl_->examples.size());
}
const Task& TaskScorer::task() const {
    return impl_->task;
}
const std::vector<TaskExample>& TaskScorer::split() const {
    return impl_->examples;
}
const std::string& TaskScorer::contextNote() const {
    return impl_->contextNote;
}

void TaskScorer::orderBy(const std::vector<double>& key) {
    Impl& d = *impl_;
    if (key.size() != d.examples.size())
        throw InputError("TaskScorer::orderBy: " + std::to_string(key.size()) + " keys for " +
                         std::to_string(d.examples.size()) + " examples");
    std::iota(d.order.begin(), d.order.end(), 0);
    std::stable_sort(d.order.begin(), d.order.end(),
                     [&](int a, int b) { return key[size_t(a)] < key[size_t(b)]; });
    d.rebatch();
}

TaskScore TaskScorer::score(const JobContext& context, const ScoreStop& stop,
                            std::vector<ExampleOutcome>* outcomes, const BlockReuse& reuse) const {
    const Impl& d = *impl_;
    compat::InferenceGuard inference;
    TaskScore s;
    s.total = int(d.examples.size());
    s.totalWeight = d.totalWeight;
    if (outcomes) outcomes->assign(d.examples.size(), ExampleOutcome{});
    for (size_t b = 0; b < d.batches.size(); ++b) {
        if (stop && stop(s)) break;
        context.throwIfCancelled();
        switch (d.task.spec.kind) {
            case TaskKind::Generate:
                d.scoreGenerate(d.batches[b], s, outcomes);
                break;
            case TaskKind::Choice:
                d.scoreChoice(int(b), s, outcomes, reuse);
                break;
            case TaskKind::Perplexity:
                d.scoreTexts(d.batches[b], s, outcomes);
                break;
        }
    }
    return s;
}

}  // namespace sieve

#pragma once
// A task split prepared once for scoring a model, and the many pruned
// variants of it a search tries: examples tokenized once, in a fixed order,
// in fixed batches of about `batchTokens` tokens. Every variant is scored on
// the same batches in the same order, so an example's score never depends on
// what else was scored. That is what lets a search stop a variant as soon as
// its feasibility is certain (a ScoreStop) and resume blocks from stored
// hidden states (BlockStateCache) without changing any result.
//
// Choice questions are scored from one reading of their prompt
// (core/task/packed_choices.h); generations are greedy, batched; texts are
// teacher-forced. evaluateTask (evaluator.h) is this scorer run to the end.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/task/task.h"
#include "core/types/job.h"

namespace sieve {

class Model;
class Tokenizer;
class BlockStateCache;

struct ScorerOptions {
    bool calibrationSplit = false;  // score the calibration split instead of the evaluation split
    int maxExamples = 0;            // 0 = all of the split (else the first N, in file order)
    int maxNewTokens = 0;           // > 0 overrides the task's max_new_tokens
    // A batch holds examples until its padded rows would exceed this many
    // tokens (always at least one example): batches sized by tokens, not by
    // examples, so long prompts do not blow up memory and short ones fill a GEMM.
    int64_t batchTokens = 4096;
    int maxBatchExamples = 0;      // > 0: also at most this many examples per batch
    bool keepPredictions = false;  // decoded predictions per example (generate, choice)
};

// What scoring established so far. The metric is a weighted mean of example
// scores in [0, 1] (weight 1 per example; the tokens of a text for
// next-token accuracy), so after some examples the final value is bounded.
struct TaskScore {
    double scoreSum = 0;      // sum of weight * score over the scored examples (in scorer order)
    double scoredWeight = 0;  // sum of the scored examples' weights
    double totalWeight = 0;   // sum of every example's weight
    int scored = 0;
    int total = 0;
    int64_t promptTokens = 0;     // tokens read
    int64_t generatedTokens = 0;  // tokens produced (generate)
    bool complete() const { return scored == total; }
    // The metric over every example (complete) or over those scored so far.
    double value() const { return scoredWeight > 0 ? scoreSum / scoredWeight : 0.0; }
    // Bounds of the final value given what is scored: unscored examples score 0 or 1.
    double lowerBound() const { return totalWeight > 0 ? scoreSum / totalWeight : 0.0; }
    double upperBound() const {
        return totalWeight > 0 ? (scoreSum + totalWeight - scoredWeight) / totalWeight : 0.0;
    }
};

// Per example, in split order (index = position in the split).
struct ExampleOutcome {
    bool scored = false;
    double score = 0;
    double weight = 1;
    bool correct = false;
    double nll = 0;          // texts: summed negative log-likelihood
    int64_t tokens = 0;      // tokens generated (generate) or scored (texts)
    double margin = 0;       // choice: best minus second-best log-likelihood
    std::string prediction;  // with keepPredictions
};

// Asked after each batch: true stops scoring (the rest is not needed).
using ScoreStop = std::function<bool(const TaskScore& soFar)>;

// Which hidden states of a variant's forward may be reused: `blockKeys[k]`
// names the variant's blocks 0..k (e.g. their pruning levels); two variants
// with equal keys up to k compute equal states after block k.
struct BlockReuse {
    BlockStateCache* cache = nullptr;
    const std::vector<std::vector<int>>* blockKeys = nullptr;
    // States after blocks >= storeBefore are not kept: the caller knows no
    // later variant shares them (the sensitivity scan: past a variant's one
    // pruned matrix no other variant agrees with it).
    int storeBefore = std::numeric_limits<int>::max();
};

class TaskScorer {
public:
    // `tokenizer` may be null when every example carries token ids.
    TaskScorer(const Model& model, const Tokenizer* tokenizer, const Task& task,
               const ScorerOptions& options = {});
    ~TaskScorer();
    TaskScorer(const TaskScorer&) = delete;
    TaskScorer& operator=(const TaskScorer&) = delete;

    int examples() const;
    const Task& task() const;
    const std::vector<TaskExample>& split() const;
    // Generate: not empty when prompts and max_new_tokens do not fit the
    // model's context (generation stops at the context length; a prompt
    // longer than the context is cut to its end). Names the task file.
    const std::string& contextNote() const;
    // Re-batches the examples in ascending `key` order (ties in split order),
    // e.g. the dense model's choice margins, least certain first.
    void orderBy(const std::vector<double>& key);

    // Scores the model as it is now, batch by batch, until every example is
    // scored or `stop` says the rest is not needed. `outcomes` (optional)
    // receives each scored example's outcome, in split order.
    TaskScore score(const JobContext& context, const ScoreStop& stop = {},
                    std::vector<ExampleOutcome>* outcomes = nullptr, const BlockReuse& reuse = {}) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sieve

#pragma once
// Evaluation of a model on a task: greedy generation with max new tokens and
// stop strings, choice log-likelihoods (each prompt read once for all its
// choices), or teacher-forced text scoring. Returns the score, each example's
// result and the throughput. A job: progress per batch, cancellable between
// batches; it leaves the model as it found it (evaluation never changes
// weights). It is core/task/task_scorer.h run to the end, so searches that
// score through a TaskScorer see the very same numbers.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/task/task.h"
#include "core/types/job.h"

namespace sieve {

class Model;
class Tokenizer;

struct EvalOptions {
    bool calibrationSplit = false;  // score the calibration split instead of the evaluation split
    int64_t batchTokens = 4096;     // tokens per forward / generate call (see ScorerOptions)
    int maxBatchExamples = 0;       // > 0: also at most this many examples per call
    int maxExamples = 0;            // 0 = all of the split (else the first N, in file order)
    int maxNewTokens = 0;           // > 0 overrides the task's max_new_tokens
    bool keepPredictions = true;    // store decoded predictions per example
};

struct ExampleResult {
    int index = 0;  // in the split
    int line = 0;   // in its file
    std::string tag;
    double score = 0;        // 1/0 for exact match, contains, acc; F1; next-token accuracy; perplexity
    bool correct = false;    // score == 1 for the accuracy-like metrics; false for perplexity
    std::string prediction;  // generated text (generate), chosen choice (choice)
    int64_t tokens = 0;      // tokens scored or generated for this example
    double margin = 0;       // choice: best minus second-best log-likelihood
};

struct EvalResult {
    std::string task;
    std::string metric;
    bool higherIsBetter = true;
    double score = 0;  // mean of per-example scores; corpus perplexity for perplexity
    int examples = 0;
    std::vector<ExampleResult> perExample;
    std::map<std::string, double> scoreByTag;  // the same metric per tag (skills of a mixed task)
    int64_t promptTokens = 0;                  // tokens the model read
    int64_t generatedTokens = 0;               // tokens it produced (generate)
    double seconds = 0;
    double tokensPerSecond = 0;  // (read + generated) / seconds
    double examplesPerSecond = 0;
};

// `tokenizer` may be null when every example carries token ids.
EvalResult evaluateTask(const Model& model, const Tokenizer* tokenizer, const Task& task,
                        const EvalOptions& options, JobContext& context);

}  // namespace sieve

#pragma once
// A task: examples plus the metric that scores a model on them. LLM-Sieve
// asks how much of a model *this task* needs, so the task is a first-class
// object: the calibration split feeds the Gram matrices, the evaluation split
// decides whether a pruned model still keeps (1 - eps) a0. Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sieve {

// What an example holds and how a model is asked about it.
enum class TaskKind {
    Generate,    // prompt -> greedy continuation, compared with the answer(s)
    Choice,      // prompt + choices, the most likely choice is the model's answer
    Perplexity,  // a text scored token by token (teacher-forced)
};

enum class Metric {
    ExactMatch,         // generate: stripped prediction equals an answer
    Contains,           // generate: an answer occurs in the prediction
    TokenF1,            // generate: SQuAD-style bag-of-words F1, best answer
    Accuracy,           // choice: argmax of the summed log-likelihood (lm-eval "acc")
    AccuracyNorm,       // choice: argmax of log-likelihood / UTF-8 bytes of the choice ("acc_norm")
    Perplexity,         // perplexity: exp(mean negative log-likelihood per token); lower is better
    NextTokenAccuracy,  // perplexity: teacher-forced top-1 accuracy against the real next token
};

const char* taskKindName(TaskKind kind);  // "generate", "choice", "perplexity"
const char* metricName(Metric metric);    // "exact_match", "contains", "token_f1", "acc", ...
// Throws InputError naming `where` and the allowed values.
TaskKind parseTaskKind(const std::string& name, const std::string& where);
Metric parseMetric(const std::string& name, const std::string& where);
bool metricAllowedFor(TaskKind kind, Metric metric);
bool higherIsBetter(Metric metric);  // false only for perplexity

// One example. Which fields are filled depends on the kind; token-id
// variants (`*Ids`) serve models without a tokenizer.
struct TaskExample {
    int line = 0;      // 1-based line in `file` (for messages and the GUI)
    std::string file;  // the file the example came from
    std::string tag;   // optional "tag" field (e.g. the skill of a mixed task)
    // generate
    std::string prompt;
    std::vector<std::string> answers;
    std::vector<int64_t> promptIds;
    std::vector<std::vector<int64_t>> answerIds;
    // choice (prompt above)
    std::vector<std::string> choices;
    int label = -1;
    // perplexity
    std::string text;
    std::vector<int64_t> ids;

    bool usesIds() const { return !promptIds.empty() || !ids.empty(); }
};

// How a task file is split into calibration and evaluation examples.
struct SplitSpec {
    uint64_t seed = 0;
    double calibrationFraction = 0.5;
    // Explicit split files (relative to the task file's folder). When set,
    // the task file itself holds no examples of its own split.
    std::string calibrationFile;
    std::string evaluationFile;
    bool explicitFiles() const { return !calibrationFile.empty() || !evaluationFile.empty(); }
};

struct TaskSpec {
    std::string name;
    TaskKind kind = TaskKind::Generate;
    Metric metric = Metric::ExactMatch;
    std::string fewShotPrefix;  // prepended to every prompt (and to texts of choice tasks)
    int maxNewTokens = 32;
    std::vector<std::string> stopStrings;  // generation stops at the first one (excluded)
    SplitSpec split;
};

struct Task {
    TaskSpec spec;
    std::string file;  // the task file (or the side-car's data file)
    std::vector<TaskExample> calibration;
    std::vector<TaskExample> evaluation;
    int skippedLines = 0;                   // bad lines skipped when asked to
    std::vector<std::string> skipMessages;  // the first few reasons, for the log

    const std::vector<TaskExample>& split(bool calibrationSplit) const {
        return calibrationSplit ? calibration : evaluation;
    }
};

}  // namespace sieve

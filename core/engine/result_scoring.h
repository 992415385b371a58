#pragma once
// The pieces of a held-out or generalisation score that do not need the
// engine's state: which chromosome a session result stands for, the files
// that make a task, and a dense and a pruned evaluation of the same examples
// turned into one HeldOutEval (with per-example results for a paired test).
// Internal to the engine.
#include <string>
#include <vector>

#include "core/session/session_data.h"
#include "core/task/evaluator.h"
#include "core/task/task.h"

namespace sieve {

// The chromosome and method a session result applies: the genetic search's
// best, or every matrix at a uniform sweep's optimum. InputError naming what
// the session lacks.
struct AppliedResult {
    ResultSource source;
    std::string method;
    std::vector<int> genes;  // grid index per matrix
};
AppliedResult resolveResult(const SessionData& session, const ResultSource& source, const LevelGrid& grid,
                            size_t matrices);

// The task file and the split files it names (what identifies a task).
std::vector<std::string> taskFiles(const std::string& path, const TaskSpec& spec);

// The dense and the pruned model's results on the same examples. Per-example
// correctness is kept for proportion metrics (isProportionMetric).
HeldOutEval pairedScore(const EvalResult& dense, const EvalResult& pruned);

}  // namespace sieve

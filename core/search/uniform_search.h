#pragma once
// Uniform pruning: every matrix at the same level. Binary search on the grid
// for the largest level that keeps accuracy >= (1 - eps) a0 (accuracy is
// assumed to fall with the level, as the paper observes), then optionally the
// remaining grid points for the accuracy-vs-pruning curve. With the full
// curve, the optimum is the largest feasible level on it (measured accuracy
// need not be monotone); without it, the binary search's answer.
#include <string>

#include "core/search/pruning_problem.h"

namespace sieve {

struct UniformSearchOptions {
    std::string method;     // recorded in the result and the events
    bool fullCurve = true;  // also evaluate the grid points the binary search skipped
    // The sweep of the method's 8-bit factors (the evaluator applies them):
    // said in the phase and in every UniformPointEvent.
    bool int8Factors = false;
};

UniformResult uniformSearch(const PruningProblem& problem, ChromosomeEvaluator& evaluator,
                            const UniformSearchOptions& options, JobContext& context);

}  // namespace sieve

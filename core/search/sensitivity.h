#pragma once
// Bottleneck discovery by single-matrix sensitivity: prune one matrix at a
// time to a high level, everything else dense, and record the accuracy drop.
#include <string>

#include "core/search/pruning_problem.h"

namespace sieve {

struct SensitivityOptions {
    std::string method;
    int levelIndex = -1;  // grid index; -1 = the highest level of the grid
};

SensitivityResult singleMatrixSensitivity(const PruningProblem& problem, ChromosomeEvaluator& evaluator,
                                          const SensitivityOptions& options, JobContext& context);

}  // namespace sieve

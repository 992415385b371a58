#include "core/search/sensitivity.h"

#include <algorithm>
#include <numeric>

#include "core/common/error.h"

namespace sieve {

SensitivityResult singleMatrixSensitivity(const PruningProblem& problem, ChromosomeEvaluator& evaluator,
                                          const SensitivityOptions& options, JobContext& context) {
    const int level = options.levelIndex < 0 ? problem.levelCount() - 1 : options.levelIndex;
    if (level <= 0 || level >= problem.levelCount())
        throw InputError("sensitivity level index " + std::to_string(level) + " is outside the grid (1.." +
                         std::to_string(problem.levelCount() - 1) + ")");
    const int n = problem.matrixCount();
    SensitivityResult result;
    result.method = options.method;
    result.level = problem.grid()[level];
    context.beginPhase("sensitivity " + options.method, n);
    result.accuracy.assign(size_t(n), 0.0);
    result.drop.assign(size_t(n), 0.0);
    // The last matrix first: every variant's blocks before its one pruned
    // matrix are the dense model's, so a variant deep in the model computes
    // the dense states that the variants after it in the batch can resume
    // from (an evaluator with state reuse keeps them). One batch, so that an
    // evaluator over several processes scores it as a work queue. Neither the
    // order nor the spreading changes a value.
    std::vector<std::vector<int>> batch(size_t(n), std::vector<int>(size_t(n), 0));
    for (int k = 0; k < n; ++k) batch[size_t(k)][size_t(n - 1 - k)] = level;
    const auto matrixOf = [n](size_t k) { return n - 1 - int(k); };
    int finished = 0;
    const std::vector<double> accuracies = evaluator.accuracies(batch, context, [&](size_t k, double acc) {
        const int i = matrixOf(k);
        context.emit(SensitivityEvent{options.method, i, acc});
        context.advance(++finished, problem.matrices()[size_t(i)].name);
    });
    for (size_t k = 0; k < batch.size(); ++k) {
        const int i = matrixOf(k);
        result.accuracy[size_t(i)] = accuracies[k];
        result.drop[size_t(i)] = problem.a0() - accuracies[k];
    }
    result.ranking.resize(n);
    std::iota(result.ranking.begin(), result.ranking.end(), 0);
    std::stable_sort(result.ranking.begin(), result.ranking.end(),
                     [&](int a, int b) { return result.drop[a] > result.drop[b]; });
    return result;
}

}  // namespace sieve

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
    // the dense states that the variants before it can resume from (an
    // evaluator with state reuse keeps them). The order changes no value.
    for (int done = 0; done < n; ++done) {
        const int i = n - 1 - done;
        std::vector<int> genes(n, 0);
        genes[i] = level;
        const double acc = evaluator.accuracy(genes, context);
        result.accuracy[size_t(i)] = acc;
        result.drop[size_t(i)] = problem.a0() - acc;
        context.emit(SensitivityEvent{options.method, i, acc});
        context.advance(done + 1, problem.matrices()[i].name);
    }
    result.ranking.resize(n);
    std::iota(result.ranking.begin(), result.ranking.end(), 0);
    std::stable_sort(result.ranking.begin(), result.ranking.end(),
                     [&](int a, int b) { return result.drop[a] > result.drop[b]; });
    return result;
}

}  // namespace sieve

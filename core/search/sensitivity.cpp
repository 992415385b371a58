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
    for (int i = 0; i < n; ++i) {
        std::vector<int> genes(n, 0);
        genes[i] = level;
        const double acc = evaluator.accuracy(genes, context);
        result.accuracy.push_back(acc);
        result.drop.push_back(problem.a0() - acc);
        context.emit(SensitivityEvent{options.method, i, acc});
        context.advance(i + 1, problem.matrices()[i].name);
    }
    result.ranking.resize(n);
    std::iota(result.ranking.begin(), result.ranking.end(), 0);
    std::stable_sort(result.ranking.begin(), result.ranking.end(),
                     [&](int a, int b) { return result.drop[a] > result.drop[b]; });
    return result;
}

}  // namespace sieve

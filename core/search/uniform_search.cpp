#include "core/search/uniform_search.h"

#include <algorithm>
#include <map>
#include <vector>

namespace sieve {

UniformResult uniformSearch(const PruningProblem& problem, ChromosomeEvaluator& evaluator,
                            const UniformSearchOptions& options, JobContext& context) {
    const int n = problem.levelCount();
    std::map<int, double> accuracyAt;  // level index -> accuracy, each evaluated once
    // ceil(log2(n)) probes for the binary search, plus the rest of the curve.
    int expected = 0;
    while ((1 << expected) < n) ++expected;
    context.beginPhase("uniform " + options.method + (options.int8Factors ? " (8-bit factors)" : ""),
                       options.fullCurve ? n - 1 : expected);

    auto evaluate = [&](int index) {
        auto found = accuracyAt.find(index);
        if (found != accuracyAt.end()) return found->second;
        const double acc =
            index == 0 ? problem.a0() : evaluator.accuracy(problem.uniformChromosome(index), context);
        accuracyAt[index] = acc;
        UniformPoint point{problem.grid()[index], acc,
                           problem.removedFraction(problem.uniformChromosome(index))};
        if (index != 0) {
            context.emit(UniformPointEvent{options.method, point, options.int8Factors});
            context.advance(static_cast<int64_t>(accuracyAt.size()) - (accuracyAt.count(0) ? 1 : 0),
                            "level " + std::to_string(point.level));
        }
        return acc;
    };

    accuracyAt[0] = problem.a0();
    if (options.fullCurve) {
        // Every level at once: one batch, which an evaluator over several
        // processes hands out as a work queue. The binary search below then
        // reads the measured points, so the result is the one-by-one result.
        std::vector<std::vector<int>> batch;
        for (int i = 1; i < n; ++i) batch.push_back(problem.uniformChromosome(i));
        int64_t finished = 0;
        const std::vector<double> accuracies =
            evaluator.accuracies(batch, context, [&](size_t k, double acc) {
                const int index = int(k) + 1;
                const UniformPoint point{problem.grid()[index], acc, problem.removedFraction(batch[k])};
                context.emit(UniformPointEvent{options.method, point, options.int8Factors});
                context.advance(++finished, "level " + std::to_string(point.level));
            });
        for (int i = 1; i < n; ++i) accuracyAt[i] = accuracies[size_t(i - 1)];
    }

    // Invariant: level `lo` is feasible (0, dense, always is); `hi` is the
    // smallest index known infeasible (n when none is).
    int lo = 0, hi = n;
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        if (problem.feasible(evaluate(mid)))
            lo = mid;
        else
            hi = mid;
    }
    if (options.fullCurve) {
        // With the whole curve in hand the optimum is read from it: accuracy
        // measured on a finite set of examples need not fall monotonically,
        // and the binary search can stop below a feasible higher level that
        // the plot shows. (Picking the best of many noisy points favours
        // luck: the held-out check of each optimum says how much.)
        for (int i = n - 1; i > lo; --i)
            if (problem.feasible(accuracyAt[i])) {
                lo = i;
                break;
            }
    }

    UniformResult result;
    result.method = options.method;
    for (const auto& [index, acc] : accuracyAt)
        result.points.push_back(UniformPoint{problem.grid()[index], acc,
                                             problem.removedFraction(problem.uniformChromosome(index))});
    result.bestLevel = problem.grid()[lo];
    result.bestAccuracy = accuracyAt[lo];
    result.bestRemovedFraction = problem.removedFraction(problem.uniformChromosome(lo));
    return result;
}

}  // namespace sieve

#pragma once
// What every search optimises: one level per matrix on a grid, accuracy kept
// >= (1 - eps) a0, as many parameters removed as possible. Torch-free: the
// searches only see an evaluator that maps a chromosome to an accuracy.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/types/job.h"
#include "core/types/matrix_info.h"
#include "core/types/results.h"

namespace sieve {

class PruningProblem;

// What the genetic search needs to know of a chromosome: whether it is
// feasible. The accuracy is over the examples scored: all of them, or fewer
// when the evaluator stopped as soon as feasibility was certain.
struct Verdict {
    double accuracy = 0;
    bool feasible = false;
    int scoredExamples = 0;  // 0 = every example (the accuracy is exact)
};

// Applies a chromosome (level index per matrix) to the model and measures the
// task metric on the evaluation split. Implementations restore nothing: the
// search decides what is applied next, and the engine restores dense at the end.
class ChromosomeEvaluator {
public:
    virtual ~ChromosomeEvaluator() = default;
    virtual double accuracy(const std::vector<int>& genes, const JobContext& context) = 0;
    // The genetic search's question. The default scores every example; an
    // evaluator may stop once the answer is certain (the engine's does).
    virtual Verdict verdict(const std::vector<int>& genes, const PruningProblem& problem,
                            const JobContext& context);
    // The verdicts of a generation's new chromosomes, in order; `done(i)` is
    // called as each one is known (in any order, never concurrently). The
    // default asks verdict() one by one; an evaluator spread over several
    // processes hands them out as a work queue (core/cluster).
    virtual std::vector<Verdict> verdicts(const std::vector<std::vector<int>>& batch,
                                          const PruningProblem& problem, const JobContext& context,
                                          const std::function<void(size_t)>& done);
    // Exact accuracies (every example scored) of a batch, in order, for scans
    // that need the number and not only feasibility (sensitivity);
    // `done(i, accuracy)` as each one is known, like verdicts()' done. The
    // default asks accuracy() one by one.
    virtual std::vector<double> accuracies(const std::vector<std::vector<int>>& batch,
                                           const JobContext& context,
                                           const std::function<void(size_t, double)>& done);
};

class PruningProblem {
public:
    // Throws InputError for eps outside (0, 1), a0 <= 0, an invalid grid or no matrices.
    PruningProblem(std::vector<MatrixInfo> matrices, LevelGrid grid, double a0, double eps);

    const std::vector<MatrixInfo>& matrices() const { return matrices_; }
    int matrixCount() const { return static_cast<int>(matrices_.size()); }
    const LevelGrid& grid() const { return grid_; }
    int levelCount() const { return static_cast<int>(grid_.size()); }
    double a0() const { return a0_; }
    double eps() const { return eps_; }
    double threshold() const { return (1.0 - eps_) * a0_; }  // smallest feasible accuracy
    int64_t prunableParams() const { return totalParams_; }

    // Fraction of the prunable parameters removed by a chromosome (exact counts).
    double removedFraction(const std::vector<int>& genes) const;
    bool feasible(double accuracy) const { return accuracy >= threshold() - 1e-12; }
    // Feasible: the fraction removed (>= 0). Infeasible: minus the fraction
    // removed (< 0: an infeasible chromosome removes something, the dense one
    // is feasible by definition), so every feasible chromosome beats every
    // infeasible one, and among infeasible ones the one that prunes less, the
    // nearer to the dense model, wins. The fitness needs no accuracy beyond
    // feasibility, so an evaluation may stop as soon as that is certain
    // without changing any fitness value (docs/architecture.md).
    double fitness(const std::vector<int>& genes, bool feasible) const;
    Individual makeIndividual(std::vector<int> genes, double accuracy) const;
    Individual makeIndividual(std::vector<int> genes, const Verdict& verdict) const;
    std::vector<int> uniformChromosome(int levelIndex) const {
        return std::vector<int>(matrices_.size(), levelIndex);
    }

private:
    std::vector<MatrixInfo> matrices_;
    LevelGrid grid_;
    double a0_ = 0;
    double eps_ = 0;
    int64_t totalParams_ = 0;
};

}  // namespace sieve

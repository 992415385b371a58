#include "core/search/pruning_problem.h"

#include <string>

#include "core/common/error.h"

namespace sieve {

PruningProblem::PruningProblem(std::vector<MatrixInfo> matrices, LevelGrid grid, double a0, double eps)
    : matrices_(std::move(matrices)), grid_(std::move(grid)), a0_(a0), eps_(eps) {
    if (!(eps > 0.0 && eps < 1.0)) throw InputError("eps must be in (0, 1), got " + std::to_string(eps));
    if (!(a0 > 0.0))
        throw InputError("the unpruned accuracy a0 is " + std::to_string(a0) +
                         ": nothing to preserve (is the task's metric right for this model?)");
    if (matrices_.empty()) throw InputError("the model has no prunable matrices");
    validateLevelGrid(grid_);
    for (const auto& m : matrices_) totalParams_ += m.params();
}

double PruningProblem::removedFraction(const std::vector<int>& genes) const {
    if (genes.size() != matrices_.size())
        throw InputError("chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(matrices_.size()) + " matrices");
    int64_t kept = 0;
    for (size_t i = 0; i < genes.size(); ++i)
        kept += paramsAtLevel(matrices_[i].rows, matrices_[i].cols, grid_.at(genes[i]));
    return 1.0 - double(kept) / double(totalParams_);
}

Verdict ChromosomeEvaluator::verdict(const std::vector<int>& genes, const PruningProblem& problem,
                                     const JobContext& context) {
    Verdict v;
    v.accuracy = accuracy(genes, context);
    v.feasible = problem.feasible(v.accuracy);
    return v;
}

std::vector<Verdict> ChromosomeEvaluator::verdicts(const std::vector<std::vector<int>>& batch,
                                                   const PruningProblem& problem, const JobContext& context,
                                                   const std::function<void(size_t)>& done) {
    std::vector<Verdict> out;
    out.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        out.push_back(verdict(batch[i], problem, context));
        if (done) done(i);
    }
    return out;
}

std::vector<double> ChromosomeEvaluator::accuracies(const std::vector<std::vector<int>>& batch,
                                                    const JobContext& context,
                                                    const std::function<void(size_t, double)>& done) {
    std::vector<double> out;
    out.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        out.push_back(accuracy(batch[i], context));
        if (done) done(i, out.back());
    }
    return out;
}

double PruningProblem::fitness(const std::vector<int>& genes, bool isFeasible) const {
    const double removed = removedFraction(genes);
    return isFeasible ? removed : -removed;
}

Individual PruningProblem::makeIndividual(std::vector<int> genes, double accuracy) const {
    Verdict v;
    v.accuracy = accuracy;
    v.feasible = feasible(accuracy);
    return makeIndividual(std::move(genes), v);
}

Individual PruningProblem::makeIndividual(std::vector<int> genes, const Verdict& verdict) const {
    Individual ind;
    ind.removedFraction = removedFraction(genes);
    ind.accuracy = verdict.accuracy;
    ind.feasible = verdict.feasible;
    ind.scoredExamples = verdict.scoredExamples;
    ind.fitness = verdict.feasible ? ind.removedFraction : -ind.removedFraction;
    ind.genes = std::move(genes);
    return ind;
}

}  // namespace sieve

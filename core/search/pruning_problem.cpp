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

double PruningProblem::fitness(const std::vector<int>& genes, double accuracy) const {
    if (feasible(accuracy)) return removedFraction(genes);
    return -(threshold() - accuracy) / threshold();
}

Individual PruningProblem::makeIndividual(std::vector<int> genes, double accuracy) const {
    Individual ind;
    ind.removedFraction = removedFraction(genes);
    ind.accuracy = accuracy;
    ind.feasible = feasible(accuracy);
    ind.fitness = fitness(genes, accuracy);
    ind.genes = std::move(genes);
    return ind;
}

}  // namespace sieve

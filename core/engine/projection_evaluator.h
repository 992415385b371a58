#pragma once
// The bridge between the torch-free searches and the live model: a
// chromosome (grid index per matrix) becomes levels on a ProjectionSet, and
// the task is scored on the search examples. Internal to the engine.
#include <functional>

#include "core/projection/projection_set.h"
#include "core/search/pruning_problem.h"

namespace sieve {

class ProjectionEvaluator : public ChromosomeEvaluator {
public:
    // `score` evaluates the model as it is now (with the levels applied).
    ProjectionEvaluator(const ProjectionSet& set, const LevelGrid& grid,
                        std::function<double(const JobContext&)> score)
        : set_(set), grid_(grid), score_(std::move(score)) {}

    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        set_.apply(levelsOf(genes, grid_));
        return score_(context);
    }

private:
    const ProjectionSet& set_;
    const LevelGrid& grid_;
    std::function<double(const JobContext&)> score_;
};

}  // namespace sieve

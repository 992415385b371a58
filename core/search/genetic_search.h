#pragma once
// The genetic search of LLM-Sieve: one level per matrix, fitness = fraction of
// parameters removed while accuracy >= (1 - eps) a0 (see PruningProblem).
// Tournament selection, one-point or uniform crossover, per-gene mutation of
// one grid step, elitism, a first population seeded from the uniform optimum,
// a fitness cache keyed by the chromosome, early stop after `patience`
// generations without improvement. Fully reproducible from the seed, and
// resumable from the generations already finished plus the saved RNG state.
#include <map>
#include <string>
#include <vector>

#include "core/search/pruning_problem.h"
#include "core/search/rng.h"

namespace sieve {

// Everything needed to continue a run exactly where it stopped.
struct GaCheckpoint {
    std::vector<Generation> generations;
    std::string rngState;  // after the last finished generation
};

struct GaRunOptions {
    std::string method;
    int uniformBestIndex = 0;  // the uniform search's optimum (grid index); seeds generation 0
    // Called after each finished generation with what a resume needs (the
    // engine appends it to the session: autosave).
    std::function<void(const Generation&, const std::string& rngState)> onGeneration;
};

class GeneticSearch {
public:
    GeneticSearch(const PruningProblem& problem, GaSettings settings);

    // Runs to `settings.generations` (or early stop). With a checkpoint, the
    // finished generations are replayed (no evaluation) and the run goes on
    // with the same random stream, so the result equals an uninterrupted run.
    GaResult run(ChromosomeEvaluator& evaluator, const GaRunOptions& options, JobContext& context,
                 const GaCheckpoint* resume = nullptr);

    // Statistics of the per-matrix levels over a population (bottleneck view).
    static LevelStatistics levelStatistics(const PruningProblem& problem,
                                           const std::vector<Individual>& population);

private:
    std::vector<std::vector<int>> initialPopulation(int uniformBestIndex);
    std::vector<std::vector<int>> breed(const std::vector<Individual>& population);
    const Individual& tournament(const std::vector<Individual>& population);
    void mutate(std::vector<int>& genes);
    Individual evaluate(std::vector<int> genes, ChromosomeEvaluator& evaluator, JobContext& context,
                        int& newEvaluations);

    const PruningProblem& problem_;
    GaSettings settings_;
    SearchRng rng_;
    std::map<std::vector<int>, Verdict> verdictCache_;
    int64_t evaluated_ = 0;  // progress counter across the run
};

}  // namespace sieve

#pragma once
// The bridge between the torch-free searches and the live model: a
// chromosome (grid index per matrix) becomes levels on a ProjectionSet, and
// the task is scored on a prepared TaskScorer. Internal to the engine.
#include <algorithm>

#include "core/projection/projection_set.h"
#include "core/search/pruning_problem.h"
#include "core/task/block_state_cache.h"
#include "core/task/task_scorer.h"

namespace sieve {

// How a search scores the model as it is now.
struct SearchScoring {
    const TaskScorer* scorer = nullptr;
    // A genetic search's verdict stops scoring once feasibility is certain
    // (the fitness needs no more: PruningProblem::fitness).
    bool earlyDecisions = true;
    // Hidden states at block boundaries kept across chromosomes (null: none).
    BlockStateCache* states = nullptr;
    // Keep only the states after blocks that are dense in the variant and in
    // every block before: the sensitivity scan prunes one matrix per variant,
    // so what any two variants share is the dense model's first blocks, and
    // keeping the rest would only evict those.
    bool densePrefixesOnly = false;
};

// The accuracy of the model as it is now on every example of `scorer`'s split.
inline double completeScore(const TaskScorer& scorer, const JobContext& context) {
    return scorer.score(context).value();
}

class ProjectionEvaluator : public ChromosomeEvaluator {
public:
    // `blockOfMatrix[i]`: the block (layer) matrix i belongs to, for the keys of reused states.
    ProjectionEvaluator(const ProjectionSet& set, const LevelGrid& grid, SearchScoring scoring,
                        std::vector<int> blockOfMatrix = {})
        : set_(set), grid_(grid), scoring_(scoring), blockOfMatrix_(std::move(blockOfMatrix)) {}

    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        set_.apply(levelsOf(genes, grid_));
        std::vector<std::vector<int>> keys;
        return scoring_.scorer->score(context, {}, nullptr, reuseFor(genes, keys)).value();
    }

    Verdict verdict(const std::vector<int>& genes, const PruningProblem& problem,
                    const JobContext& context) override {
        set_.apply(levelsOf(genes, grid_));
        // Feasible for sure once the accuracy's lower bound is (scores only
        // add up); infeasible once its upper bound falls short (with a margin
        // for the last bits of the sums). Either way the fitness is known.
        ScoreStop stop;
        if (scoring_.earlyDecisions)
            stop = [&](const TaskScore& s) {
                return problem.feasible(s.lowerBound()) || !problem.feasible(s.upperBound() + 1e-9);
            };
        std::vector<std::vector<int>> keys;
        const TaskScore s = scoring_.scorer->score(context, stop, nullptr, reuseFor(genes, keys));
        Verdict v;
        v.accuracy = s.value();
        v.feasible = s.complete() ? problem.feasible(s.value()) : problem.feasible(s.lowerBound());
        v.scoredExamples = s.complete() ? 0 : s.scored;
        return v;
    }

private:
    // The states this variant may resume from and keep; `keys` holds what
    // the returned value points to.
    BlockReuse reuseFor(const std::vector<int>& genes, std::vector<std::vector<int>>& keys) const {
        BlockReuse reuse;
        if (!scoring_.states || blockOfMatrix_.empty()) return reuse;
        keys = blockKeys(genes);
        reuse.cache = scoring_.states;
        reuse.blockKeys = &keys;
        if (scoring_.densePrefixesOnly)
            for (size_t i = 0; i < genes.size(); ++i)
                if (genes[i] != 0) reuse.storeBefore = std::min(reuse.storeBefore, blockOfMatrix_[i]);
        return reuse;
    }
    // keys[k]: the genes of every matrix in blocks 0..k.
    std::vector<std::vector<int>> blockKeys(const std::vector<int>& genes) const {
        int blocks = 0;
        for (int b : blockOfMatrix_) blocks = std::max(blocks, b + 1);
        std::vector<std::vector<int>> keys(static_cast<size_t>(blocks));
        std::vector<int> prefix;
        size_t i = 0;
        for (int k = 0; k < blocks; ++k) {
            while (i < genes.size() && blockOfMatrix_[i] == k) prefix.push_back(genes[i++]);
            keys[size_t(k)] = prefix;
        }
        return keys;
    }

    const ProjectionSet& set_;
    const LevelGrid& grid_;
    SearchScoring scoring_;
    std::vector<int> blockOfMatrix_;
};

// The uniform sweep's 8-bit curve: chromosomes applied with the set's
// factors quantized to 8 bits (ProjectionSet::applyInt8), every example
// scored. Never shares block states with the float searches (the same genes
// are another model here).
class Int8ProjectionEvaluator : public ChromosomeEvaluator {
public:
    Int8ProjectionEvaluator(const ProjectionSet& set, const LevelGrid& grid, const TaskScorer& scorer)
        : set_(set), grid_(grid), scorer_(scorer) {}

    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        set_.applyInt8(levelsOf(genes, grid_));
        return completeScore(scorer_, context);
    }

private:
    const ProjectionSet& set_;
    const LevelGrid& grid_;
    const TaskScorer& scorer_;
};

}  // namespace sieve

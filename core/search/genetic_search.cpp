#include "core/search/genetic_search.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "core/common/error.h"

namespace sieve {

namespace {

void validate(const GaSettings& s) {
    if (s.population < 2) throw InputError("GA population must be at least 2");
    if (s.generations < 1) throw InputError("GA generations must be at least 1");
    if (s.tournament < 1) throw InputError("GA tournament size must be at least 1");
    if (s.elitism < 0 || s.elitism >= s.population) throw InputError("GA elitism must be in [0, population)");
    if (!(s.crossoverProbability >= 0 && s.crossoverProbability <= 1) ||
        !(s.mutationProbability >= 0 && s.mutationProbability <= 1))
        throw InputError("GA probabilities must be in [0, 1]");
}

// Sorted best first; ties keep the earlier individual (stable) so runs are reproducible.
std::vector<int> rankByFitness(const std::vector<Individual>& population) {
    std::vector<int> order(population.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return population[a].fitness > population[b].fitness; });
    return order;
}

}  // namespace

GeneticSearch::GeneticSearch(const PruningProblem& problem, GaSettings settings)
    : problem_(problem), settings_(settings), rng_(settings.seed) {
    validate(settings_);
}

std::vector<std::vector<int>> GeneticSearch::initialPopulation(int uniformBestIndex) {
    const int top = problem_.levelCount() - 1;
    const int best = std::clamp(uniformBestIndex, 0, top);
    std::vector<std::vector<int>> population;
    std::set<int> seeded;
    // Uniform chromosomes at the optimum and its neighbours: b, b+1, b-1, b+2, ...
    for (int step = 0; static_cast<int>(seeded.size()) < settings_.uniformSeeds && step <= 2 * top; ++step) {
        const int level = best + ((step % 2 == 1) ? (step + 1) / 2 : -(step / 2));
        if (level < 0 || level > top || seeded.count(level)) continue;
        seeded.insert(level);
        population.push_back(problem_.uniformChromosome(level));
        if (static_cast<int>(population.size()) == settings_.population) return population;
    }
    // The rest: random genes up to two steps beyond the uniform optimum, where
    // the per-matrix optimum is likely to lie.
    const int ceiling = std::min(top, best + 2);
    while (static_cast<int>(population.size()) < settings_.population) {
        std::vector<int> genes(problem_.matrixCount());
        for (int& g : genes) g = rng_.belowInt(ceiling + 1);
        population.push_back(std::move(genes));
    }
    return population;
}

const Individual& GeneticSearch::tournament(const std::vector<Individual>& population) {
    const Individual* winner = nullptr;
    for (int i = 0; i < settings_.tournament; ++i) {
        const Individual& candidate = population[rng_.belowInt(static_cast<int>(population.size()))];
        if (!winner || candidate.fitness > winner->fitness) winner = &candidate;
    }
    return *winner;
}

void GeneticSearch::mutate(std::vector<int>& genes) {
    const int top = problem_.levelCount() - 1;
    for (int& g : genes) {
        if (!rng_.chance(settings_.mutationProbability)) continue;
        const int step = rng_.chance(0.5) ? 1 : -1;
        g = std::clamp(g + step, 0, top);
    }
}

std::vector<std::vector<int>> GeneticSearch::breed(const std::vector<Individual>& population) {
    std::vector<std::vector<int>> next;
    const std::vector<int> order = rankByFitness(population);
    for (int e = 0; e < settings_.elitism; ++e) next.push_back(population[order[e]].genes);
    const int n = problem_.matrixCount();
    while (static_cast<int>(next.size()) < settings_.population) {
        const Individual& mother = tournament(population);
        const Individual& father = tournament(population);
        std::vector<int> child = mother.genes;
        if (rng_.chance(settings_.crossoverProbability)) {
            if (settings_.uniformCrossover) {
                for (int i = 0; i < n; ++i)
                    if (rng_.chance(0.5)) child[i] = father.genes[i];
            } else if (n > 1) {
                const int cut = 1 + rng_.belowInt(n - 1);  // both parents contribute
                std::copy(father.genes.begin() + cut, father.genes.end(), child.begin() + cut);
            }
        }
        mutate(child);
        next.push_back(std::move(child));
    }
    return next;
}

Generation GeneticSearch::evaluateGeneration(int index, std::vector<std::vector<int>> chromosomes,
                                             ChromosomeEvaluator& evaluator, JobContext& context) {
    // The chromosomes not seen before, each once, in order: one batch, so
    // that an evaluator on several processes can hand them out together.
    std::vector<std::vector<int>> fresh;
    std::set<std::vector<int>> inBatch;
    for (const auto& genes : chromosomes)
        if (!verdictCache_.count(genes) && inBatch.insert(genes).second) fresh.push_back(genes);
    const int64_t before = evaluated_;
    const int64_t cached = int64_t(chromosomes.size() - fresh.size());
    int64_t known = 0;
    const std::vector<Verdict> verdicts = evaluator.verdicts(
        fresh, problem_, context, [&](size_t) { context.advance(before + cached + ++known); });
    for (size_t i = 0; i < fresh.size(); ++i) verdictCache_.emplace(fresh[i], verdicts[i]);

    Generation generation;
    generation.index = index;
    generation.evaluations = int(fresh.size());
    for (auto& genes : chromosomes) {
        const Verdict verdict = verdictCache_.at(genes);
        generation.population.push_back(problem_.makeIndividual(std::move(genes), verdict));
    }
    evaluated_ = before + int64_t(generation.population.size());
    context.advance(evaluated_);
    return generation;
}

GaResult GeneticSearch::run(ChromosomeEvaluator& evaluator, const GaRunOptions& options, JobContext& context,
                            const GaCheckpoint* resume) {
    GaResult result;
    result.method = options.method;
    result.settings = settings_;
    context.beginPhase("ga " + options.method, int64_t(settings_.generations) * settings_.population);

    Individual best;
    bool haveBest = false;
    int sinceImprovement = 0;
    auto record = [&](const Generation& generation) {
        if (!haveBest || generation.best.fitness > best.fitness + 1e-12) {
            sinceImprovement = 0;
        } else {
            ++sinceImprovement;
        }
        best = generation.best;
        haveBest = true;
        result.generations.push_back(generation);
    };

    if (resume && !resume->generations.empty()) {
        for (const Generation& g : resume->generations) {
            for (const Individual& ind : g.population)
                verdictCache_.emplace(ind.genes, Verdict{ind.accuracy, ind.feasible, ind.scoredExamples});
            record(g);
        }
        rng_.setState(resume->rngState);
        evaluated_ = int64_t(result.generations.size()) * settings_.population;
        context.log("resumed the genetic search after generation " +
                    std::to_string(result.generations.back().index));
    }

    while (static_cast<int>(result.generations.size()) < settings_.generations &&
           !(haveBest && sinceImprovement >= settings_.patience)) {
        const int index = static_cast<int>(result.generations.size());
        std::vector<std::vector<int>> chromosomes = index == 0 ? initialPopulation(options.uniformBestIndex)
                                                               : breed(result.generations.back().population);

        Generation generation = evaluateGeneration(index, std::move(chromosomes), evaluator, context);

        const std::vector<int> order = rankByFitness(generation.population);
        const Individual& top = generation.population[order.front()];
        generation.best = (haveBest && best.fitness >= top.fitness) ? best : top;
        generation.bestFitness = top.fitness;
        double sum = 0;
        int feasible = 0;
        for (const Individual& ind : generation.population) {
            sum += ind.fitness;
            feasible += ind.feasible ? 1 : 0;
        }
        generation.meanFitness = sum / double(generation.population.size());
        generation.feasibleFraction = double(feasible) / double(generation.population.size());
        record(generation);

        context.emit(GenerationEvent{options.method, generation});
        if (options.onGeneration) options.onGeneration(generation, rng_.state());
    }
    result.stoppedEarly = static_cast<int>(result.generations.size()) < settings_.generations;
    // An early decision knows the best is feasible, not its accuracy: the
    // result reports it on every search example (one more evaluation; the
    // fitness does not change, it depends on feasibility only).
    if (haveBest && best.scoredExamples != 0 && !context.isCancelled()) {
        best.accuracy = evaluator.accuracy(best.genes, context);
        best.scoredExamples = 0;
    }
    result.best = best;
    return result;
}

LevelStatistics GeneticSearch::levelStatistics(const PruningProblem& problem,
                                               const std::vector<Individual>& population) {
    LevelStatistics stats;
    const int n = problem.matrixCount();
    stats.meanLevel.assign(n, 0.0);
    stats.minLevel.assign(n, 1.0);
    if (population.empty()) return stats;
    for (const Individual& ind : population)
        for (int i = 0; i < n; ++i) {
            const double level = problem.grid()[ind.genes[i]];
            stats.meanLevel[i] += level / double(population.size());
            stats.minLevel[i] = std::min(stats.minLevel[i], level);
        }
    return stats;
}

}  // namespace sieve

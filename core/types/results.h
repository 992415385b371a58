#pragma once
// Plain result structs: what the searches produce, what sessions store and
// what the plots draw. Torch-free and Qt-free on purpose.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sieve {

// Pruning levels p (fraction of a matrix's parameters removed), ascending,
// starting at 0 (dense). A chromosome gene is an index into this grid.
using LevelGrid = std::vector<double>;
LevelGrid defaultLevelGrid();  // {0, 0.1, ..., 0.9}
// Throws InputError on an empty grid, duplicates, values outside [0, 1), or no 0.
void validateLevelGrid(const LevelGrid& grid);
// The levels a chromosome's genes (grid indices) stand for; InputError for a
// gene off the grid.
std::vector<double> levelsOf(const std::vector<int>& genes, const LevelGrid& grid);

// Unpruned score on a task's evaluation split.
struct BaselineResult {
    double a0 = 0;                 // task metric in [0, 1]
    std::vector<uint8_t> correct;  // per evaluated example, 1 = correct
    double tokensPerSecond = 0;
    int64_t examples = 0;
};

// One point of a uniform sweep: every matrix at the same level.
struct UniformPoint {
    double level = 0;
    double accuracy = 0;
    double paramsRemovedFraction = 0;  // of the prunable parameters
};

// A uniform sweep repeated with the method's low-rank factors quantized to
// 8 bits (RunSettings::int8Factors; the scheme: core/projection/int8_factors.h):
// the same search, the same examples, only the factors differ.
struct Int8Curve {
    std::vector<UniformPoint> points;  // sorted by level; level 0 is the dense model (nothing quantized)
    double bestLevel = 0;              // largest level with accuracy >= (1 - eps) a0, 8-bit factors
    double bestAccuracy = 0;
    double bestRemovedFraction = 0;
};

struct UniformResult {
    std::string method;
    std::vector<UniformPoint> points;  // the levels the binary search evaluated, sorted by level
    double bestLevel = 0;              // largest level with accuracy >= (1 - eps) a0
    double bestAccuracy = 0;
    double bestRemovedFraction = 0;
    // The 8-bit curve; absent when not asked for, for a method without
    // low-rank factors (Wanda's masks), and in sessions written before it existed.
    std::optional<Int8Curve> int8;
};

struct Individual {
    std::vector<int> genes;  // level index per matrix, in ModelSummary::matrices order
    // Over the examples scored: every one (scoredExamples == 0), or the first
    // scoredExamples when the evaluation stopped once feasibility was certain.
    double accuracy = 0;
    int scoredExamples = 0;
    double removedFraction = 0;  // of the prunable parameters
    double fitness = 0;
    bool feasible = false;
};

struct Generation {
    int index = 0;
    std::vector<Individual> population;
    Individual best;  // best so far (elitism keeps it in the population)
    double bestFitness = 0;
    double meanFitness = 0;
    double feasibleFraction = 0;
    int evaluations = 0;  // fitness evaluations not served by the cache
};

struct GaSettings {
    int population = 24;
    int generations = 15;
    int tournament = 3;
    double crossoverProbability = 0.5;
    bool uniformCrossover = false;     // else one-point
    double mutationProbability = 0.1;  // per gene, one step along the grid
    int elitism = 1;
    int uniformSeeds = 4;  // uniform chromosomes in the first population
    int patience = 8;      // stop after this many generations without improvement
    uint64_t seed = 1234;
};

struct GaResult {
    std::string method;
    GaSettings settings;
    std::vector<Generation> generations;
    Individual best;
    bool stoppedEarly = false;
};

// Single-matrix sensitivity: each matrix alone at `level`, the rest dense.
struct SensitivityResult {
    std::string method;
    double level = 0;
    std::vector<double> accuracy;  // per matrix
    std::vector<double> drop;      // a0 - accuracy, per matrix
    std::vector<int> ranking;      // matrix indices, most sensitive first
};

// Per-matrix statistics of the GA's final population (mean and min level).
struct LevelStatistics {
    std::vector<double> meanLevel;
    std::vector<double> minLevel;
};

// A pruned model and the dense one scored on the same examples: the
// session task's held-out examples (which no search saw), or another task's
// evaluation split (does what the search kept generalise?).
struct HeldOutEval {
    std::string taskName;
    double denseAccuracy = 0;
    double prunedAccuracy = 0;
    double removedFraction = 0;  // of the prunable parameters
    // Which result was applied, and to what (empty or 0 in sessions written
    // before these fields existed):
    std::string source;    // resultSourceText(): "ga" or "uniform:<method>"
    std::string method;    // the projection method
    std::string taskPath;  // the scored task file
    std::string split;     // kHeldOutSplit (the session's task) or kEvaluationSplit (another task)
    std::string metric;    // of the scored task
    int64_t examples = 0;  // examples scored, the same for both models
    // Per example, 1 = correct, in the same order for both models: what a
    // paired test needs. Filled for proportion metrics only.
    std::vector<uint8_t> denseCorrect;
    std::vector<uint8_t> prunedCorrect;
};
inline constexpr const char* kHeldOutSplit = "held_out";
inline constexpr const char* kEvaluationSplit = "evaluation";

// Which of a session's results a held-out or generalisation evaluation
// applies: the genetic search's best chromosome, or a uniform sweep's optimum.
struct ResultSource {
    bool ga = true;
    std::string method;  // the uniform sweep's method (empty for the GA)
};
// "ga" or "uniform:<method>"; InputError naming `where` and the forms otherwise.
ResultSource parseResultSource(const std::string& text, const std::string& where);
std::string resultSourceText(const ResultSource& source);

}  // namespace sieve

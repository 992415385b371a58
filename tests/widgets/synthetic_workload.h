#pragma once
// A synthetic task with a closed-form accuracy, for feeding the views the
// same struct sequences the engine produces: accuracy = a0 − Σ w_i p_i², with
// a few heavy "bottleneck" matrices. The real searches (uniform, GA,
// sensitivity) run against it; the reference numbers tests compare with are
// computed here from the formula, independently of widgets/ and core/search.
#include <set>
#include <string>
#include <vector>

#include "core/search/genetic_search.h"

namespace sieve::test {

// A Llama-like model: hidden 2048, GQA (k/v 256 rows), MLP 5632.
ModelSummary llamaLikeSummary(int layers);

class SyntheticTask : public ChromosomeEvaluator {
public:
    // `bottlenecks` get a weight `heavy`; the rest a small, uneven weight.
    SyntheticTask(const ModelSummary& model, LevelGrid grid, double a0, std::vector<int> bottlenecks,
                  double methodPenalty = 1.0, int sleepMicroseconds = 0);
    double exact(const std::vector<int>& genes) const;
    double accuracy(const std::vector<int>& genes, const JobContext& context) override;
    double weight(int matrix) const { return weights_[matrix]; }
    const std::vector<int>& bottlenecks() const { return bottlenecks_; }

private:
    LevelGrid grid_;
    double a0_;
    std::vector<double> weights_;
    std::vector<int> bottlenecks_;
    int sleepMicroseconds_;
};

// Matrix index of (layer, type) in llamaLikeSummary order.
int matrixIndex(int layer, MatrixType type);

struct Workload {
    ModelSummary model;
    LevelGrid grid;
    double a0 = 0.82;
    double eps = 0.05;
    std::vector<UniformResult> uniform;   // per method
    std::vector<Generation> generations;  // GA on "sieve", in the order they finished
    GaResult ga;
    SensitivityResult sensitivity;
    std::vector<SensitivityEvent> sensitivityEvents;
    std::vector<int> bottlenecks;
};

// Runs uniform sweeps (four methods), a GA and single-matrix sensitivity on the synthetic task.
Workload runWorkload(int layers, int population, int generations, uint64_t seed,
                     std::vector<int> bottlenecks = {});
// Default bottlenecks of a task ("skill A" or, with variant 1, "skill B").
std::vector<int> defaultBottlenecks(int layers, int variant);

}  // namespace sieve::test

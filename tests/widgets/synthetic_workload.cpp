#include "synthetic_workload.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"

namespace sieve::test {

int matrixIndex(int layer, MatrixType type) {
    return layer * kMatrixTypeCount + static_cast<int>(type);
}

ModelSummary llamaLikeSummary(int layers) {
    ModelSummary s;
    s.path = "/models/synthetic-llama-" + std::to_string(layers) + "L";
    s.format = "hf";
    s.architecture = "llama";
    s.layers = layers;
    s.hidden = 2048;
    s.intermediate = 5632;
    s.heads = 32;
    s.kvHeads = 4;
    s.vocab = 32000;
    s.device = "cpu";
    s.dtype = "float32";
    for (int l = 0; l < layers; ++l)
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            MatrixInfo m;
            m.layer = l;
            m.type = static_cast<MatrixType>(t);
            const bool attention = t <= static_cast<int>(MatrixType::O);
            m.name = "model.layers." + std::to_string(l) + (attention ? ".self_attn." : ".mlp.") +
                     matrixTypeName(m.type);
            switch (m.type) {
                case MatrixType::K:
                case MatrixType::V:
                    m.rows = 256, m.cols = 2048;
                    break;
                case MatrixType::Gate:
                case MatrixType::Up:
                    m.rows = 5632, m.cols = 2048;
                    break;
                case MatrixType::Down:
                    m.rows = 2048, m.cols = 5632;
                    break;
                default:
                    m.rows = 2048, m.cols = 2048;
            }
            s.prunableParams += m.params();
            s.matrices.push_back(m);
        }
    s.totalParams = s.prunableParams + 2 * s.vocab * s.hidden;
    return s;
}

SyntheticTask::SyntheticTask(const ModelSummary& model, LevelGrid grid, double a0,
                             std::vector<int> bottlenecks, double methodPenalty, int sleepMicroseconds)
    : grid_(std::move(grid)),
      a0_(a0),
      bottlenecks_(std::move(bottlenecks)),
      sleepMicroseconds_(sleepMicroseconds) {
    const size_t n = model.matrices.size();
    weights_.resize(n);
    for (size_t i = 0; i < n; ++i) {
        // Uneven light weights; early layers and the MLP read-out a little more fragile.
        const MatrixInfo& m = model.matrices[i];
        const double layerFactor = 1.0 + 1.5 * std::exp(-m.layer / 2.0);
        const double typeFactor = m.type == MatrixType::Down ? 1.6 : (m.type == MatrixType::V ? 1.3 : 1.0);
        weights_[i] = methodPenalty * 0.0012 * layerFactor * typeFactor * (1 + (i * 37 % 11)) / 6.0;
    }
    for (int b : bottlenecks_) weights_[b] = 0.09 * methodPenalty;
}

double SyntheticTask::exact(const std::vector<int>& genes) const {
    double acc = a0_;
    for (size_t i = 0; i < genes.size(); ++i) acc -= weights_[i] * grid_[genes[i]] * grid_[genes[i]];
    return std::max(acc, 0.0);
}

double SyntheticTask::accuracy(const std::vector<int>& genes, const JobContext& context) {
    context.throwIfCancelled();
    if (sleepMicroseconds_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleepMicroseconds_));
    return exact(genes);
}

std::vector<int> defaultBottlenecks(int layers, int variant) {
    if (variant == 0)
        return {matrixIndex(0, MatrixType::V), matrixIndex(1, MatrixType::Down),
                matrixIndex(layers / 2, MatrixType::O), matrixIndex(layers - 1, MatrixType::Down)};
    return {matrixIndex(0, MatrixType::V), matrixIndex(layers / 3, MatrixType::Up),
            matrixIndex(layers / 3, MatrixType::Gate), matrixIndex(layers - 2, MatrixType::Q)};
}

Workload runWorkload(int layers, int population, int generations, uint64_t seed,
                     std::vector<int> bottlenecks) {
    Workload w;
    w.model = llamaLikeSummary(layers);
    w.grid = defaultLevelGrid();
    w.bottlenecks = bottlenecks.empty() ? defaultBottlenecks(layers, 0) : bottlenecks;
    PruningProblem problem(w.model.matrices, w.grid, w.a0, w.eps);

    JobContext quiet;
    const std::pair<const char*, double> methods[] = {
        {"sieve", 1.0}, {"weight-svd", 2.6}, {"input-pca", 1.7}, {"wanda", 2.1}};
    for (const auto& [method, penalty] : methods) {
        SyntheticTask task(w.model, w.grid, w.a0, w.bottlenecks, penalty);
        UniformSearchOptions options;
        options.method = method;
        w.uniform.push_back(uniformSearch(problem, task, options, quiet));
    }

    SyntheticTask task(w.model, w.grid, w.a0, w.bottlenecks);
    GaSettings settings;
    settings.population = population;
    settings.generations = generations;
    settings.seed = seed;
    settings.patience = generations;  // run them all: the tests count generations
    GeneticSearch search(problem, settings);
    GaRunOptions options;
    options.method = "sieve";
    int uniformBest = 0;
    for (size_t i = 0; i < w.grid.size(); ++i)
        if (std::abs(w.grid[i] - w.uniform.front().bestLevel) < 1e-12) uniformBest = static_cast<int>(i);
    options.uniformBestIndex = uniformBest;
    JobContext collect({}, [&](const JobEvent& e) {
        if (const auto* g = std::get_if<GenerationEvent>(&e)) w.generations.push_back(g->generation);
    });
    w.ga = search.run(task, options, collect);

    JobContext sensitivityEvents({}, [&](const JobEvent& e) {
        if (const auto* s = std::get_if<SensitivityEvent>(&e)) w.sensitivityEvents.push_back(*s);
    });
    SensitivityOptions sensitivityOptions;
    sensitivityOptions.method = "sieve";
    w.sensitivity = singleMatrixSensitivity(problem, task, sensitivityOptions, sensitivityEvents);
    return w;
}

}  // namespace sieve::test

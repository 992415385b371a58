#include "session_samples.h"

#include <random>

namespace sieve::test {
namespace {

std::vector<MatrixInfo> llamaMatrices(int layers, int64_t hidden, int64_t intermediate, int64_t kv) {
    std::vector<MatrixInfo> out;
    for (int l = 0; l < layers; ++l)
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            MatrixInfo m;
            m.layer = l;
            m.type = MatrixType(t);
            const bool attention = t <= int(MatrixType::O);
            m.name = "model.layers." + std::to_string(l) + (attention ? ".self_attn." : ".mlp.") +
                     matrixTypeName(m.type);
            m.rows = hidden;
            m.cols = hidden;
            if (m.type == MatrixType::K || m.type == MatrixType::V) m.rows = kv;
            if (m.type == MatrixType::Gate || m.type == MatrixType::Up) m.rows = intermediate;
            if (m.type == MatrixType::Down) m.cols = intermediate;
            m.hasBias =
                (m.type == MatrixType::Q || m.type == MatrixType::K || m.type == MatrixType::V) && l % 2;
            out.push_back(m);
        }
    return out;
}

struct Random {
    std::mt19937_64 engine;
    explicit Random(uint64_t seed) : engine(seed) {}
    double unit() { return std::uniform_real_distribution<double>(0, 1)(engine); }
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(engine); }
    uint64_t bits() { return engine(); }
};

Individual randomIndividual(Random& r, size_t matrices, int gridSize) {
    Individual ind;
    for (size_t i = 0; i < matrices; ++i) ind.genes.push_back(r.below(gridSize));
    ind.accuracy = r.unit();
    ind.removedFraction = r.unit();
    ind.feasible = r.unit() < 0.6;
    ind.fitness = ind.feasible ? ind.removedFraction : -r.unit();
    ind.scoredExamples = r.unit() < 0.5 ? 0 : 1 + r.below(200);  // some decided early
    return ind;
}

Generation randomGeneration(Random& r, int index, int population, size_t matrices, int gridSize) {
    Generation g;
    g.index = index;
    for (int i = 0; i < population; ++i) g.population.push_back(randomIndividual(r, matrices, gridSize));
    g.best = g.population[size_t(r.below(population))];
    g.bestFitness = r.unit();
    g.meanFitness = r.unit() - 0.5;
    g.feasibleFraction = r.unit();
    g.evaluations = r.below(population + 1);
    return g;
}

std::vector<double> gram(Random& r, int64_t dim, int64_t tokens) {
    // X^T X of a random tokens x dim activation matrix: symmetric, PSD.
    std::vector<double> x(size_t(tokens * dim));
    for (double& v : x) v = r.unit() * 2 - 1;
    std::vector<double> g(size_t(dim * dim), 0.0);
    for (int64_t t = 0; t < tokens; ++t)
        for (int64_t i = 0; i < dim; ++i)
            for (int64_t j = 0; j < dim; ++j)
                g[size_t(i * dim + j)] += x[size_t(t * dim + i)] * x[size_t(t * dim + j)];
    return g;
}

}  // namespace

SessionData sampleSession(uint64_t seed, const SampleShape& shape) {
    Random r(seed);
    SessionData d;
    const int64_t hidden = 16, intermediate = 40, kv = 8;

    Provenance& p = d.provenance;
    p.appVersion = "0.1.0-test";
    p.torchVersion = "1.13.1";
    p.device = "cpu";
    p.dtype = "float32";
    p.seeds = {{"ga", r.bits()}, {"split", 7}, {"calibration", r.bits()}};
    p.eps = 0.05;
    p.methods = {"sieve", "weight_svd"};
    p.levelGrid = defaultLevelGrid();
    p.created = "2026-11-28T21:04:05Z";

    ModelSummary& s = d.model.summary;
    s.path = "/models/tiny-llama-ü";
    s.format = "hf";
    s.architecture = "llama";
    s.layers = shape.layers;
    s.hidden = hidden;
    s.intermediate = intermediate;
    s.heads = 4;
    s.kvHeads = 2;
    s.vocab = 512;
    s.device = "cpu";
    s.dtype = "float32";
    s.matrices = llamaMatrices(shape.layers, hidden, intermediate, kv);
    for (const MatrixInfo& m : s.matrices) s.prunableParams += m.params();
    s.totalParams = s.prunableParams + 2 * s.vocab * hidden;
    d.model.weightFiles = {{"/models/tiny/model-00001-of-00002.safetensors", 1234567, std::string(64, 'a')},
                           {"/models/tiny/model-00002-of-00002.safetensors", 7654321, std::string(64, 'b')}};
    d.model.contentHash = "sha256:" + std::string(64, 'c');

    d.task.name = "arithmetic ✓";
    d.task.path = "/tasks/arith.jsonl";
    d.task.hash = "sha256:" + std::string(64, 'd');
    d.task.metric = "exact_match";
    d.task.splitSizes = {{"calibration", 64}, {"eval", 50}, {"heldout", 20}};

    if (!shape.optionalParts) return d;
    const size_t m = s.matrices.size();
    const int grid = int(p.levelGrid.size());

    BaselineResult b;
    b.examples = 50;
    for (int i = 0; i < b.examples; ++i) b.correct.push_back(r.unit() < 0.8 ? 1 : 0);
    b.a0 = r.unit();
    b.tokensPerSecond = 1000 * r.unit();
    d.baseline = b;

    CalibrationRecord c;
    c.examples = 64;
    c.tokens = 40;
    for (int l = 0; l < shape.layers; ++l)
        for (InputSite site : {InputSite::AttentionIn, InputSite::MlpHidden}) {
            GramMatrix g;
            g.layer = l;
            g.site = site;
            g.name = "layers." + std::to_string(l) +
                     (site == InputSite::AttentionIn ? ".attention_in" : ".mlp_hidden");
            g.rows = g.cols = site == InputSite::AttentionIn ? hidden : intermediate;
            g.tokens = c.tokens;
            g.values = gram(r, g.rows, g.tokens);
            c.grams.push_back(std::move(g));
        }
    d.calibration = c;

    for (const std::string& method : p.methods) {
        UniformResult u;
        u.method = method;
        for (int i = 0; i < 5; ++i) u.points.push_back({p.levelGrid[size_t(2 * i)], r.unit(), r.unit()});
        u.bestLevel = u.points[2].level;
        u.bestAccuracy = u.points[2].accuracy;
        u.bestRemovedFraction = u.points[2].paramsRemovedFraction;
        if (method == p.methods.front()) {  // an 8-bit curve for the first method only: the others have none
            Int8Curve c;
            for (const UniformPoint& point : u.points)
                c.points.push_back(
                    {point.level, point.accuracy * (1 - 0.02 * r.unit()), point.paramsRemovedFraction});
            c.bestLevel = c.points[1].level;
            c.bestAccuracy = c.points[1].accuracy;
            c.bestRemovedFraction = c.points[1].paramsRemovedFraction;
            u.int8 = c;
        }
        d.uniform.push_back(u);

        SensitivityResult sens;
        sens.method = method;
        sens.level = 0.5;
        for (size_t i = 0; i < m; ++i) {
            sens.accuracy.push_back(r.unit());
            sens.drop.push_back(b.a0 - sens.accuracy.back());
            sens.ranking.push_back(int((i * 7 + 3) % m));
        }
        d.sensitivity.push_back(sens);
    }

    GaSession ga;
    ga.result.method = "sieve";
    ga.result.settings.population = shape.population;
    ga.result.settings.generations = shape.generations + (shape.gaComplete ? 0 : 3);
    ga.result.settings.crossoverProbability = 0.7;
    ga.result.settings.uniformCrossover = true;
    ga.result.settings.mutationProbability = 0.05;
    ga.result.settings.elitism = 2;
    ga.result.settings.patience = 4;
    ga.result.settings.seed = p.seeds["ga"];
    for (int g = 0; g < shape.generations; ++g)
        ga.result.generations.push_back(randomGeneration(r, g, shape.population, m, grid));
    ga.result.best = ga.result.generations.empty() ? Individual{} : ga.result.generations.back().best;
    ga.result.stoppedEarly = shape.gaComplete && r.unit() < 0.5;
    ga.rngState = shape.generations > 0 ? sampleRngState(shape.generations - 1) : std::string();
    ga.complete = shape.gaComplete;
    ga.resumeKey = "method=sieve; eps=0.05; seed=1234";
    if (shape.gaComplete) {
        LevelStatistics stats;
        for (size_t i = 0; i < m; ++i) {
            stats.meanLevel.push_back(r.unit());
            stats.minLevel.push_back(r.unit() * stats.meanLevel.back());
        }
        ga.levelStatistics = stats;
    }
    d.ga = ga;

    // Scores as sessions written before per-example results held them.
    for (const char* name : {"arithmetic ✓", "held-out: word problems"}) {
        HeldOutEval e;
        e.taskName = name;
        e.denseAccuracy = d.eval.empty() ? b.a0 : r.unit();
        e.prunedAccuracy = r.unit();
        e.removedFraction = r.unit();
        d.eval.push_back(e);
    }
    // Scores with what was applied and per-example results (of different
    // lengths: rows of another task's split are padded in the file).
    for (const auto& [source, examples] : {std::pair<std::string, int>{"ga", 37}, {"uniform:wanda", 5}}) {
        HeldOutEval e;
        e.taskName = "other task " + source;
        e.source = source;
        e.method = source == "ga" ? "sieve" : "wanda";
        e.taskPath = "/data/tasks/other ✓.jsonl";
        e.split = source == "ga" ? kHeldOutSplit : kEvaluationSplit;
        e.metric = "acc_norm";
        e.examples = examples;
        for (int i = 0; i < examples; ++i) {
            e.denseCorrect.push_back(r.below(2) ? 1 : 0);
            e.prunedCorrect.push_back(r.below(2) ? 1 : 0);
        }
        e.denseAccuracy = r.unit();
        e.prunedAccuracy = r.unit();
        e.removedFraction = r.unit();
        d.eval.push_back(e);
    }
    return d;
}

Generation sampleGeneration(const SessionData& data, int index, uint64_t seed) {
    Random r(seed * 1000003u + uint64_t(index));
    return randomGeneration(r, index, data.ga->result.settings.population, data.model.summary.matrices.size(),
                            int(data.provenance.levelGrid.size()));
}

std::string sampleRngState(int index) {
    // Opaque bytes of varying length, NUL and high bytes included.
    std::string state = "mt19937_64 state after generation " + std::to_string(index) + ": ";
    for (int i = 0; i < 300 + 17 * (index % 5); ++i) state.push_back(char((i * 37 + index) % 256));
    return state;
}

}  // namespace sieve::test

#include "core/session/session_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "core/common/error.h"
#include "core/session/hdf5_io.h"
#include "core/session/session_names.h"
#include "core/session/session_writer.h"

namespace sieve::session {

using h5::LayoutError;

namespace {

std::string where(const H5::Group& group, const std::string& name) {
    return h5::objectPath(group) + "/" + name;
}

// A [rows, cols] dataset, checked against the expected shape.
template <typename T>
std::vector<T> readMatrix(const H5::Group& group, const std::string& name, hsize_t rows, hsize_t cols) {
    std::vector<hsize_t> dims;
    std::vector<T> values = h5::readArray<T>(group, name, 2, &dims);
    if (dims[0] != rows || dims[1] != cols)
        throw LayoutError(where(group, name) + ": expected shape " + std::to_string(rows) + " x " +
                          std::to_string(cols) + ", found " + std::to_string(dims[0]) + " x " +
                          std::to_string(dims[1]));
    return values;
}

template <typename T>
std::vector<T> readLength(const H5::Group& group, const std::string& name, size_t length) {
    std::vector<T> values = h5::readArray<T>(group, name, 1);
    h5::expectLength(group, name, values.size(), length);
    return values;
}

// An integer attribute that becomes an int: checked before it is narrowed
// (2^32 + 3 layers must not read as 3).
int intIn(const H5::H5Object& object, const std::string& name, int64_t low, int64_t high) {
    const int64_t value = h5::intAttr(object, name);
    if (value < low || value > high)
        throw LayoutError(h5::objectPath(object) + "@" + name + " = " + std::to_string(value) +
                          " is outside [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    return int(value);
}

// Pruning levels (fractions removed) must lie in [0, 1]: the report and the
// window turn them into ranks and sizes (a level of inf has no rank).
double checkedLevel(double level, const std::string& what) {
    if (!(level >= 0.0 && level <= 1.0)) {
        char text[64];
        std::snprintf(text, sizeof text, "%g", level);
        throw LayoutError(what + " = " + text + " is not a pruning level (a fraction in [0, 1])");
    }
    return level;
}
std::vector<double> checkedLevels(std::vector<double> levels, const std::string& what) {
    for (size_t i = 0; i < levels.size(); ++i) checkedLevel(levels[i], what + "[" + std::to_string(i) + "]");
    return levels;
}
double levelScalar(const H5::Group& group, const std::string& name) {
    return checkedLevel(h5::readScalar<double>(group, name), where(group, name));
}
std::vector<double> levelArray(const H5::Group& group, const std::string& name) {
    return checkedLevels(h5::readArray<double>(group, name, 1), where(group, name));
}

std::vector<int> widen(const std::vector<int16_t>& genes) {
    return std::vector<int>(genes.begin(), genes.end());
}

Provenance readProvenance(const H5::Group& root) {
    H5::Group g = h5::openGroup(root, kProvenance);
    Provenance p;
    p.appVersion = h5::stringAttr(g, "app_version");
    p.torchVersion = h5::stringAttr(g, "libtorch_version");
    p.device = h5::stringAttr(g, "device");
    p.dtype = h5::stringAttr(g, "dtype");
    p.eps = h5::doubleAttr(g, "eps");
    p.methods = h5::stringsAttr(g, "methods");
    p.levelGrid = checkedLevels(h5::doublesAttr(g, "level_grid"), h5::objectPath(g) + "@level_grid");
    p.created = h5::stringAttr(g, "created");
    p.modified = h5::stringAttr(g, "modified");
    H5::Group seeds = h5::openGroup(g, "seeds");
    for (const std::string& name : h5::attrNames(seeds))
        if (name != "NX_class") p.seeds[name] = h5::uintAttr(seeds, name);
    return p;
}

ModelIdentity readModel(const H5::Group& root) {
    H5::Group g = h5::openGroup(root, kModel);
    ModelIdentity m;
    ModelSummary& s = m.summary;
    s.path = h5::stringAttr(g, "path");
    s.format = h5::stringAttr(g, "format");
    s.architecture = h5::stringAttr(g, "architecture");
    s.layers = intIn(g, "layers", 0, 65536);
    s.hidden = h5::intAttr(g, "hidden");
    s.intermediate = h5::intAttr(g, "intermediate");
    s.heads = h5::intAttr(g, "heads");
    s.kvHeads = h5::intAttr(g, "kv_heads");
    s.vocab = h5::intAttr(g, "vocab");
    s.totalParams = h5::intAttr(g, "total_params");
    s.prunableParams = h5::intAttr(g, "prunable_params");
    s.device = h5::stringAttr(g, "device");
    s.dtype = h5::stringAttr(g, "dtype");
    m.contentHash = h5::stringAttr(g, "content_hash");

    H5::Group files = h5::openGroup(g, "weight_files");
    const std::vector<std::string> paths = h5::readStrings(files, "path");
    const std::vector<int64_t> sizes = readLength<int64_t>(files, "size", paths.size());
    const std::vector<std::string> digests = h5::readStrings(files, "sha256");
    h5::expectLength(files, "sha256", digests.size(), paths.size());
    for (size_t i = 0; i < paths.size(); ++i) m.weightFiles.push_back({paths[i], sizes[i], digests[i]});

    H5::Group matrices = h5::openGroup(g, "matrices");
    const std::vector<std::string> names = h5::readStrings(matrices, "name");
    const size_t n = names.size();
    const std::vector<int32_t> layers = readLength<int32_t>(matrices, "layer", n);
    const std::vector<std::string> types = h5::readStrings(matrices, "type");
    h5::expectLength(matrices, "type", types.size(), n);
    const std::vector<int64_t> rows = readLength<int64_t>(matrices, "rows", n);
    const std::vector<int64_t> cols = readLength<int64_t>(matrices, "cols", n);
    const std::vector<uint8_t> bias = readLength<uint8_t>(matrices, "has_bias", n);
    for (size_t i = 0; i < n; ++i) {
        MatrixInfo info;
        info.name = names[i];
        info.layer = layers[i];
        info.type = parseMatrixType(types[i], where(matrices, "type"));
        info.rows = rows[i];
        info.cols = cols[i];
        info.hasBias = bias[i] != 0;
        s.matrices.push_back(info);
    }
    return m;
}

TaskIdentity readTask(const H5::Group& root) {
    H5::Group g = h5::openGroup(root, kTask);
    TaskIdentity t;
    t.name = h5::stringAttr(g, "name");
    t.path = h5::stringAttr(g, "path");
    t.hash = h5::stringAttr(g, "hash");
    t.metric = h5::stringAttr(g, "metric");
    H5::Group splits = h5::openGroup(g, "splits");
    for (const std::string& name : h5::attrNames(splits))
        if (name != "NX_class") t.splitSizes[name] = h5::intAttr(splits, name);
    return t;
}

BaselineResult readBaseline(const H5::Group& g) {
    BaselineResult b;
    b.a0 = h5::readScalar<double>(g, "a0");
    b.correct = h5::readArray<uint8_t>(g, "correct", 1);
    b.tokensPerSecond = h5::readScalar<double>(g, "tokens_per_second");
    b.examples = h5::readScalar<int64_t>(g, "examples");
    return b;
}

CalibrationRecord readCalibration(const H5::Group& g, const SessionLoadOptions& options) {
    CalibrationRecord c;
    c.examples = h5::readScalar<int64_t>(g, "examples");
    c.tokens = h5::readScalar<int64_t>(g, "tokens");
    if (!h5::hasChild(g, "gram")) return c;
    H5::Group grams = g.openGroup("gram");
    for (const std::string& name : h5::stringsAttr(grams, "names")) {
        H5::DataSet ds = h5::openDataSet(grams, name);
        const std::vector<hsize_t> dims = h5::datasetDims(ds);
        if (dims.size() != 2) throw LayoutError(h5::objectPath(ds) + ": expected rank 2");
        GramMatrix m;
        m.name = name;
        m.layer = intIn(ds, "layer", 0, 65535);
        m.site = parseInputSite(h5::stringAttr(ds, "site"), h5::objectPath(ds));
        m.tokens = h5::intAttr(ds, "tokens");
        m.rows = int64_t(dims[0]);
        m.cols = int64_t(dims[1]);
        if (options.gramMatrices) {
            m.values.resize(size_t(m.rows * m.cols));
            if (!m.values.empty()) h5::readRaw(ds, m.values.data(), H5::PredType::NATIVE_DOUBLE);
        }
        c.grams.push_back(std::move(m));
    }
    return c;
}

// /uniform/<method>/int8 (absent in sessions without an 8-bit sweep).
Int8Curve readInt8Curve(const H5::Group& g) {
    Int8Curve c;
    const std::vector<double> level = levelArray(g, "level");
    const std::vector<double> accuracy = readLength<double>(g, "accuracy", level.size());
    const std::vector<double> removed = readLength<double>(g, "removed_fraction", level.size());
    for (size_t i = 0; i < level.size(); ++i) c.points.push_back({level[i], accuracy[i], removed[i]});
    c.bestLevel = levelScalar(g, "best_level");
    c.bestAccuracy = h5::readScalar<double>(g, "best_accuracy");
    c.bestRemovedFraction = h5::readScalar<double>(g, "best_removed_fraction");
    return c;
}

std::vector<UniformResult> readUniform(const H5::Group& g) {
    std::vector<UniformResult> results;
    for (const std::string& method : h5::stringsAttr(g, "methods")) {
        H5::Group m = h5::openGroup(g, method);
        UniformResult r;
        r.method = h5::stringAttr(m, "method");
        const std::vector<double> level = levelArray(m, "level");
        const std::vector<double> accuracy = readLength<double>(m, "accuracy", level.size());
        const std::vector<double> removed = readLength<double>(m, "removed_fraction", level.size());
        for (size_t i = 0; i < level.size(); ++i) r.points.push_back({level[i], accuracy[i], removed[i]});
        r.bestLevel = levelScalar(m, "best_level");
        r.bestAccuracy = h5::readScalar<double>(m, "best_accuracy");
        r.bestRemovedFraction = h5::readScalar<double>(m, "best_removed_fraction");
        if (h5::hasChild(m, kInt8)) r.int8 = readInt8Curve(h5::openGroup(m, kInt8));
        results.push_back(std::move(r));
    }
    return results;
}

Individual readBest(const H5::Group& ga, size_t matrices) {
    Individual best;
    if (!h5::hasChild(ga, "best")) return best;
    H5::Group g = ga.openGroup("best");
    best.genes = widen(readLength<int16_t>(g, "genes", matrices));
    best.accuracy = h5::readScalar<double>(g, "accuracy");
    if (h5::hasChild(g, "scored_examples"))
        best.scoredExamples = h5::readScalar<int32_t>(g, "scored_examples");
    best.removedFraction = h5::readScalar<double>(g, "removed_fraction");
    best.fitness = h5::readScalar<double>(g, "fitness");
    best.feasible = h5::readScalar<uint8_t>(g, "feasible") != 0;
    return best;
}

// The first `rows` rows of a dataset of shape [>= rows, inner...]. Rows past
// `rows` belong to a generation whose append was interrupted.
template <typename T>
std::vector<T> readRows(const H5::Group& group, const std::string& name, size_t rows,
                        const std::vector<hsize_t>& inner) {
    std::vector<hsize_t> dims;
    std::vector<T> values = h5::readArray<T>(group, name, int(1 + inner.size()), &dims);
    size_t rowSize = 1;
    for (size_t i = 0; i < inner.size(); ++i) {
        if (dims[i + 1] != inner[i])
            throw LayoutError(where(group, name) + ": dimension " + std::to_string(i + 1) + " is " +
                              std::to_string(dims[i + 1]) + ", expected " + std::to_string(inner[i]));
        rowSize *= size_t(inner[i]);
    }
    if (dims[0] < rows)
        throw LayoutError(where(group, name) + ": " + std::to_string(dims[0]) + " rows, expected " +
                          std::to_string(rows));
    values.resize(rows * rowSize);
    return values;
}

std::vector<Generation> readGenerations(const H5::Group& history, size_t n, size_t population,
                                        size_t matrices) {
    const hsize_t p = population, m = matrices;
    const std::vector<int32_t> index = readRows<int32_t>(history, "generation", n, {});
    const std::vector<double> bestFitness = readRows<double>(history, "best_fitness", n, {});
    const std::vector<double> meanFitness = readRows<double>(history, "mean_fitness", n, {});
    const std::vector<double> feasibleFraction = readRows<double>(history, "feasible_fraction", n, {});
    const std::vector<int32_t> evaluations = readRows<int32_t>(history, "evaluations", n, {});
    const std::vector<int16_t> genes = readRows<int16_t>(history, "genes", n, {p, m});
    const std::vector<double> accuracy = readRows<double>(history, "accuracy", n, {p});
    const std::vector<double> removed = readRows<double>(history, "removed_fraction", n, {p});
    const std::vector<double> fitness = readRows<double>(history, "fitness", n, {p});
    const std::vector<uint8_t> feasible = readRows<uint8_t>(history, "feasible", n, {p});
    const std::vector<int16_t> bestGenes = readRows<int16_t>(history, "best_genes", n, {m});
    const std::vector<double> bestAccuracy = readRows<double>(history, "best_accuracy", n, {});
    const std::vector<double> bestRemoved = readRows<double>(history, "best_removed_fraction", n, {});
    const std::vector<double> bestIndividualFitness =
        readRows<double>(history, "best_individual_fitness", n, {});
    const std::vector<uint8_t> bestFeasible = readRows<uint8_t>(history, "best_feasible", n, {});
    // Absent in files written before evaluations could stop early: every accuracy is exact.
    const bool haveScored = h5::hasChild(history, "scored_examples");
    const std::vector<int32_t> scored =
        haveScored ? readRows<int32_t>(history, "scored_examples", n, {p}) : std::vector<int32_t>(n * p, 0);
    const std::vector<int32_t> bestScored =
        haveScored ? readRows<int32_t>(history, "best_scored_examples", n, {}) : std::vector<int32_t>(n, 0);

    std::vector<Generation> generations(n);
    for (size_t g = 0; g < n; ++g) {
        Generation& gen = generations[g];
        gen.index = index[g];
        gen.bestFitness = bestFitness[g];
        gen.meanFitness = meanFitness[g];
        gen.feasibleFraction = feasibleFraction[g];
        gen.evaluations = evaluations[g];
        for (size_t i = 0; i < population; ++i) {
            Individual ind;
            const size_t row = g * population + i;
            ind.genes.assign(genes.begin() + long(row * matrices),
                             genes.begin() + long((row + 1) * matrices));
            ind.accuracy = accuracy[row];
            ind.removedFraction = removed[row];
            ind.fitness = fitness[row];
            ind.feasible = feasible[row] != 0;
            ind.scoredExamples = scored[row];
            gen.population.push_back(std::move(ind));
        }
        gen.best.genes.assign(bestGenes.begin() + long(g * matrices),
                              bestGenes.begin() + long((g + 1) * matrices));
        gen.best.accuracy = bestAccuracy[g];
        gen.best.removedFraction = bestRemoved[g];
        gen.best.fitness = bestIndividualFitness[g];
        gen.best.feasible = bestFeasible[g] != 0;
        gen.best.scoredExamples = bestScored[g];
    }
    return generations;
}

GaSession readGa(const H5::Group& g, size_t matrices) {
    GaSession ga;
    GaResult& r = ga.result;
    r.method = h5::stringAttr(g, "method");
    r.stoppedEarly = h5::boolAttr(g, "stopped_early");
    ga.complete = h5::boolAttr(g, "complete");
    // Sessions written before resume keys existed have none: they resume nothing.
    if (h5::hasAttr(g, "resume_key")) ga.resumeKey = h5::stringAttr(g, "resume_key");
    H5::Group s = h5::openGroup(g, "settings");
    r.settings.population = intIn(s, "population", 1, 100000);
    r.settings.generations = intIn(s, "generations", 0, 100000000);
    r.settings.tournament = intIn(s, "tournament", 0, 100000000);
    r.settings.crossoverProbability = h5::doubleAttr(s, "crossover_probability");
    r.settings.uniformCrossover = h5::boolAttr(s, "uniform_crossover");
    r.settings.mutationProbability = h5::doubleAttr(s, "mutation_probability");
    r.settings.elitism = intIn(s, "elitism", 0, 100000000);
    r.settings.uniformSeeds = intIn(s, "uniform_seeds", 0, 100000000);
    r.settings.patience = intIn(s, "patience", 0, 100000000);
    r.settings.seed = h5::uintAttr(s, "seed");
    if (r.settings.population < 1) throw LayoutError(h5::objectPath(s) + ": population < 1");

    // Rows past @committed_generations are an append that was interrupted
    // in place (large files, see SessionAppender): ignored.
    H5::Group history = h5::openGroup(g, "generations");
    const int64_t committed = h5::intAttr(g, "committed_generations");
    if (committed < 0) throw LayoutError(h5::objectPath(g) + ": negative committed_generations");
    const size_t n = size_t(committed);
    r.generations = readGenerations(history, n, size_t(r.settings.population), matrices);
    if (n > 0) {
        std::vector<hsize_t> dims;
        const std::vector<uint8_t> states = h5::readArray<uint8_t>(history, "rng_state", 2, &dims);
        const std::vector<int32_t> lengths = readRows<int32_t>(history, "rng_state_length", n, {});
        if (dims[0] < n) throw LayoutError(where(history, "rng_state") + ": fewer rows than generations");
        const size_t length = size_t(std::max(lengths[n - 1], 0));
        if (length > dims[1])
            throw LayoutError(where(history, "rng_state_length") + ": longer than rng_state");
        const auto row = states.begin() + long((n - 1) * dims[1]);
        ga.rngState.assign(row, row + long(length));
    }
    // While running, /ga/best is the last generation's best so far.
    r.best = ga.complete || r.generations.empty() ? readBest(g, matrices) : r.generations.back().best;
    if (h5::hasChild(g, "level_statistics")) {
        H5::Group stats = g.openGroup("level_statistics");
        LevelStatistics l;
        l.meanLevel = readLength<double>(stats, "mean_level", matrices);
        l.minLevel = readLength<double>(stats, "min_level", matrices);
        ga.levelStatistics = l;
    }
    return ga;
}

std::vector<SensitivityResult> readSensitivity(const H5::Group& g, size_t matrices) {
    std::vector<SensitivityResult> results;
    for (const std::string& method : h5::stringsAttr(g, "methods")) {
        H5::Group m = h5::openGroup(g, method);
        SensitivityResult r;
        r.method = h5::stringAttr(m, "method");
        r.level = levelScalar(m, "level");
        r.accuracy = readLength<double>(m, "accuracy", matrices);
        r.drop = readLength<double>(m, "drop", matrices);
        const std::vector<int32_t> ranking = h5::readArray<int32_t>(m, "ranking", 1);
        r.ranking.assign(ranking.begin(), ranking.end());
        results.push_back(std::move(r));
    }
    return results;
}

std::vector<HeldOutEval> readEval(const H5::Group& g) {
    const std::vector<std::string> names = h5::readStrings(g, "task_name");
    const std::vector<double> dense = readLength<double>(g, "dense_accuracy", names.size());
    const std::vector<double> pruned = readLength<double>(g, "pruned_accuracy", names.size());
    const std::vector<double> removed = readLength<double>(g, "removed_fraction", names.size());
    std::vector<HeldOutEval> evals;
    for (size_t i = 0; i < names.size(); ++i) {
        HeldOutEval e;
        e.taskName = names[i];
        e.denseAccuracy = dense[i];
        e.prunedAccuracy = pruned[i];
        e.removedFraction = removed[i];
        evals.push_back(std::move(e));
    }
    // Added later: optional, so that older files read as before.
    auto strings = [&](const char* name, std::string HeldOutEval::*field) {
        if (!h5::hasChild(g, name)) return;
        const std::vector<std::string> values = h5::readStrings(g, name);
        h5::expectLength(g, name, values.size(), names.size());
        for (size_t i = 0; i < names.size(); ++i) evals[i].*field = values[i];
    };
    strings("source", &HeldOutEval::source);
    strings("method", &HeldOutEval::method);
    strings("task_path", &HeldOutEval::taskPath);
    strings("split", &HeldOutEval::split);
    strings("metric", &HeldOutEval::metric);
    if (h5::hasChild(g, "examples")) {
        const std::vector<int64_t> examples = readLength<int64_t>(g, "examples", names.size());
        for (size_t i = 0; i < names.size(); ++i) evals[i].examples = examples[i];
    }
    if (h5::hasChild(g, "dense_correct") && h5::hasChild(g, "pruned_correct")) {
        std::vector<hsize_t> dims;
        const std::vector<uint8_t> denseRows = h5::readArray<uint8_t>(g, "dense_correct", 2, &dims);
        const std::vector<uint8_t> prunedRows = readMatrix<uint8_t>(g, "pruned_correct", dims[0], dims[1]);
        if (dims[0] != names.size())
            throw LayoutError(where(g, "dense_correct") + ": " + std::to_string(dims[0]) + " rows for " +
                              std::to_string(names.size()) + " evaluations");
        for (size_t i = 0; i < names.size(); ++i) {
            const size_t row = i * size_t(dims[1]);
            for (size_t k = 0; k < dims[1]; ++k) {
                const uint8_t d = denseRows[row + k], p = prunedRows[row + k];
                if (d == kNoExample && p == kNoExample) break;
                if (d > 1 || p > 1)
                    throw LayoutError(where(g, "dense_correct") + ": row " + std::to_string(i) + " holds " +
                                      std::to_string(int(d > 1 ? d : p)) + " (expected 0, 1 or 255)");
                evals[i].denseCorrect.push_back(d);
                evals[i].prunedCorrect.push_back(p);
            }
        }
    }
    return evals;
}

std::vector<LoraRun> readLora(const H5::Group& g) {
    const int64_t count = h5::intAttr(g, "runs");
    if (count < 0 || count > 100000)
        throw LayoutError(h5::objectPath(g) + ": " + std::to_string(count) + " runs");
    std::vector<LoraRun> runs;
    for (int64_t i = 0; i < count; ++i) {
        H5::Group run = h5::openGroup(g, "run_" + std::to_string(i));
        LoraRun r;
        r.source = h5::stringAttr(run, "source");
        r.method = h5::stringAttr(run, "method");
        r.level = h5::doubleAttr(run, "level");  // -1: the GA best
        if (r.level != -1.0) checkedLevel(r.level, h5::objectPath(run) + "@level");
        r.removedFraction = h5::doubleAttr(run, "removed_fraction");
        // Added after /lora itself (5787f4a wrote runs without it): absent = float factors.
        r.int8Factors = h5::hasAttr(run, "int8_factors") && h5::boolAttr(run, "int8_factors");
        auto intIn = [&](const char* name, int64_t high) {
            const int64_t v = h5::intAttr(run, name);
            if (v < 0 || v > high)
                throw LayoutError(h5::objectPath(run) + "@" + name + " = " + std::to_string(v) +
                                  " is out of range");
            return v;
        };
        r.settings.rank = int(intIn("rank", 1 << 20));
        r.settings.alpha = h5::doubleAttr(run, "alpha");
        r.settings.targets = h5::stringsAttr(run, "targets");
        r.settings.steps = int(intIn("steps", 1 << 30));
        r.settings.learningRate = h5::doubleAttr(run, "learning_rate");
        r.settings.batchSize = int(intIn("batch_size", 1 << 20));
        r.settings.seed = h5::uintAttr(run, "seed");
        r.adapterParams = intIn("adapter_params", INT64_MAX);
        r.searchBefore = h5::doubleAttr(run, "search_before");
        r.searchAfter = h5::doubleAttr(run, "search_after");
        r.searchExamples = intIn("search_examples", INT64_MAX);
        r.heldOutBefore = h5::doubleAttr(run, "held_out_before");
        r.heldOutAfter = h5::doubleAttr(run, "held_out_after");
        r.heldOutExamples = intIn("held_out_examples", INT64_MAX);
        r.seconds = h5::doubleAttr(run, "seconds");
        r.loss = readLength<double>(run, "loss", size_t(r.settings.steps));
        runs.push_back(std::move(r));
    }
    return runs;
}

// A gene off the grid would index past the level grid downstream.
void checkGenes(const GaSession& ga, size_t gridSize) {
    auto check = [&](const std::vector<int>& genes) {
        for (int g : genes)
            if (g < 0 || size_t(g) >= gridSize)
                throw LayoutError("/ga: gene " + std::to_string(g) + " is off the level grid of " +
                                  std::to_string(gridSize) + " levels");
    };
    for (const Generation& gen : ga.result.generations) {
        for (const Individual& ind : gen.population) check(ind.genes);
        check(gen.best.genes);
    }
    check(ga.result.best.genes);
}

}  // namespace

void checkHeader(const H5::Group& root, const std::string& path) {
    if (!h5::hasAttr(root, "format"))
        throw FormatError(path, "not a Sieve session: the root group has no 'format' attribute");
    const std::string format = h5::stringAttr(root, "format");
    if (format != SessionFile::kFormat)
        throw FormatError(
            path, "not a Sieve session: format is '" + format + "', expected '" + SessionFile::kFormat + "'");
    if (!h5::hasAttr(root, "format_version"))
        throw FormatError(path, "session has no 'format_version' attribute");
    const int64_t version = h5::intAttr(root, "format_version");
    if (version > SessionFile::kFormatVersion)
        throw FormatError(path, "session format version " + std::to_string(version) +
                                    " is newer than this version of Sieve Workbench reads (" +
                                    std::to_string(SessionFile::kFormatVersion) +
                                    "); open it with a newer Sieve Workbench");
    if (version < 1) throw FormatError(path, "invalid session format version " + std::to_string(version));
}

SessionData readAll(const H5::H5File& file, const SessionLoadOptions& options) {
    H5::Group root = file.openGroup("/");
    SessionData data;
    data.provenance = readProvenance(root);
    data.model = readModel(root);
    data.task = readTask(root);
    const size_t matrices = data.model.summary.matrices.size();
    if (h5::hasChild(root, kBaseline)) data.baseline = readBaseline(root.openGroup(kBaseline));
    if (h5::hasChild(root, kCalibration))
        data.calibration = readCalibration(root.openGroup(kCalibration), options);
    if (h5::hasChild(root, kUniform)) data.uniform = readUniform(root.openGroup(kUniform));
    if (h5::hasChild(root, kGa)) {
        data.ga = readGa(root.openGroup(kGa), matrices);
        checkGenes(*data.ga, data.provenance.levelGrid.size());
    }
    if (h5::hasChild(root, kSensitivity))
        data.sensitivity = readSensitivity(root.openGroup(kSensitivity), matrices);
    if (h5::hasChild(root, kEval)) data.eval = readEval(root.openGroup(kEval));
    if (h5::hasChild(root, kLora)) data.lora = readLora(root.openGroup(kLora));
    // Once, here, for every consumer (report, the window, the engine): an
    // index or size the file gets wrong is a damaged session, not a crash.
    try {
        validate(data, options.gramMatrices);
    } catch (const InputError& e) {
        throw LayoutError(e.what());
    }
    return data;
}

}  // namespace sieve::session

#include "core/session/session_writer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/common/error.h"
#include "core/session/hdf5_io.h"
#include "core/session/level_map.h"
#include "core/session/session_names.h"
#include "core/types/device_choice.h"
#include "sieve/version.h"

namespace sieve::session {

using h5::Meta;

namespace {

constexpr Meta kFraction{"1", ""};
// Far beyond any model (the largest have ~130 layers and sides of ~50,000),
// small enough that a consumer can allocate a layer x type image.
constexpr int kMaxLayers = 65536;
constexpr int64_t kMaxMatrixSide = int64_t(1) << 24;

void validateName(const std::string& what, const std::string& name) {
    if (name.empty() || name == "." || name.find('/') != std::string::npos)
        throw InputError(what + " name '" + name + "' cannot be an HDF5 group name (empty, '.' or with '/')");
}

template <typename Named>
void validateUniqueNames(const std::string& what, const std::vector<Named>& items) {
    std::set<std::string> seen;
    for (const Named& item : items) {
        validateName(what, item.method);
        if (!seen.insert(item.method).second) throw InputError(what + " method '" + item.method + "' twice");
    }
}

}  // namespace

void validateChromosome(const std::string& where, const std::vector<int>& genes, size_t matrices,
                        size_t gridSize) {
    if (genes.size() != matrices)
        throw InputError(where + ": chromosome has " + std::to_string(genes.size()) + " genes for " +
                         std::to_string(matrices) + " matrices");
    for (int g : genes)
        if (g < 0 || size_t(g) >= gridSize)
            throw InputError(where + ": gene " + std::to_string(g) + " is off the level grid of " +
                             std::to_string(gridSize) + " levels");
}

namespace {

std::vector<int16_t> narrowGenes(const std::vector<int>& genes) {
    return std::vector<int16_t>(genes.begin(), genes.end());  // range checked by validateChromosome
}

std::vector<std::string> methodsOf(const std::vector<UniformResult>& u) {
    std::vector<std::string> names;
    for (const auto& r : u) names.push_back(r.method);
    return names;
}
std::vector<std::string> methodsOf(const std::vector<SensitivityResult>& s) {
    std::vector<std::string> names;
    for (const auto& r : s) names.push_back(r.method);
    return names;
}

// Writes a dataset, or overwrites one of the same shape (so that updating
// /ga/best once per generation does not leave dead space in the file).
template <typename Stored, typename T>
void putArray(const H5::Group& group, const std::string& name, const std::vector<T>& values,
              const std::vector<hsize_t>& dims, Meta meta) {
    if (h5::hasChild(group, name)) {
        H5::DataSet existing = group.openDataSet(name);
        if (h5::datasetDims(existing) == dims) {
            if (!values.empty()) existing.write(values.data(), h5::Type<T>::mem());
            return;
        }
        group.unlink(name);
    }
    h5::writeArray<Stored>(group, name, values, dims, meta);
}

H5::Group openOrCreateGroup(const H5::Group& parent, const std::string& name, const char* nxClass) {
    if (h5::hasChild(parent, name)) return parent.openGroup(name);
    return h5::createGroup(parent, name, nxClass);
}

// Writes the [layer, matrix type] image of `perMatrix` plus its axes.
void putLayerTypeMap(const H5::Group& group, const std::string& name, const std::vector<MatrixInfo>& matrices,
                     const std::vector<double>& perMatrix, Meta meta) {
    const LayerTypeMap map = layerTypeMap(matrices, perMatrix);
    putArray<double>(group, name, map.values, {hsize_t(map.layers), hsize_t(kMatrixTypeCount)}, meta);
    std::vector<int32_t> layers(size_t(map.layers));
    for (int i = 0; i < map.layers; ++i) layers[size_t(i)] = i;
    putArray<int32_t>(group, "layer", layers, {layers.size()}, {"", "decoder layer"});
    if (!h5::hasChild(group, "matrix_type")) {
        std::vector<std::string> types;
        for (int t = 0; t < kMatrixTypeCount; ++t) types.push_back(matrixTypeName(MatrixType(t)));
        h5::writeStrings(group, "matrix_type", types, {"", "matrix type (columns of the map)"});
    }
}

// ---- sections -----------------------------------------------------------------------

void writeProvenance(const H5::Group& root, const Provenance& p, const std::string& now,
                     const std::string& created) {
    H5::Group g = h5::createGroup(root, kProvenance, "NXprocess");
    h5::setAttr(g, "program", "Sieve Workbench");
    h5::setAttr(g, "app_version", p.appVersion.empty() ? std::string(SIEVE_VERSION_STRING) : p.appVersion);
    h5::setAttr(g, "libtorch_version", p.torchVersion.empty() ? torchVersion() : p.torchVersion);
    h5::setAttr(g, "device", p.device);
    h5::setAttr(g, "dtype", p.dtype);
    h5::setAttr(g, "eps", p.eps);
    h5::setAttr(g, "methods", p.methods);
    h5::setAttr(g, "level_grid", std::vector<double>(p.levelGrid));
    h5::setAttr(g, "created", p.created.empty() ? created : p.created);
    h5::setAttr(g, "modified", now);
    H5::Group seeds = h5::createGroup(g, "seeds", "NXcollection");
    for (const auto& [name, value] : p.seeds) h5::setAttr(seeds, name, value);
}

void writeModel(const H5::Group& root, const ModelIdentity& m) {
    const ModelSummary& s = m.summary;
    H5::Group g = h5::createGroup(root, kModel, "NXcollection");
    h5::setAttr(g, "path", s.path);
    h5::setAttr(g, "format", s.format);
    h5::setAttr(g, "architecture", s.architecture);
    h5::setAttr(g, "layers", s.layers);
    h5::setAttr(g, "hidden", s.hidden);
    h5::setAttr(g, "intermediate", s.intermediate);
    h5::setAttr(g, "heads", s.heads);
    h5::setAttr(g, "kv_heads", s.kvHeads);
    h5::setAttr(g, "vocab", s.vocab);
    h5::setAttr(g, "total_params", s.totalParams);
    h5::setAttr(g, "prunable_params", s.prunableParams);
    h5::setAttr(g, "device", s.device);
    h5::setAttr(g, "dtype", s.dtype);
    h5::setAttr(g, "content_hash", m.contentHash);

    H5::Group files = h5::createGroup(g, "weight_files", "NXcollection");
    std::vector<std::string> paths, digests;
    std::vector<int64_t> sizes;
    for (const FileDigest& f : m.weightFiles) {
        paths.push_back(f.path);
        sizes.push_back(f.size);
        digests.push_back(f.sha256);
    }
    h5::writeStrings(files, "path", paths, {"", "weight file path"});
    h5::writeArray(files, "size", sizes, {"byte", "weight file size"});
    h5::writeStrings(files, "sha256", digests, {"", "SHA-256 of the weight file (hex)"});

    H5::Group matrices = h5::createGroup(g, "matrices", "NXcollection");
    std::vector<std::string> names, types;
    std::vector<int32_t> layers;
    std::vector<int64_t> rows, cols;
    std::vector<uint8_t> bias;
    for (const MatrixInfo& info : s.matrices) {
        names.push_back(info.name);
        layers.push_back(info.layer);
        types.push_back(matrixTypeName(info.type));
        rows.push_back(info.rows);
        cols.push_back(info.cols);
        bias.push_back(info.hasBias ? 1 : 0);
    }
    h5::writeStrings(matrices, "name", names, {"", "matrix name (transformers naming)"});
    h5::writeArray(matrices, "layer", layers, {"", "decoder layer"});
    h5::writeStrings(matrices, "type", types, {"", "matrix type (q_proj ... down_proj)"});
    h5::writeArray(matrices, "rows", rows, {"", "output features D"});
    h5::writeArray(matrices, "cols", cols, {"", "input features H"});
    h5::writeArray(matrices, "has_bias", bias, {"", "1 if the matrix has a bias vector"});
}

void writeTask(const H5::Group& root, const TaskIdentity& t) {
    H5::Group g = h5::createGroup(root, kTask, "NXcollection");
    h5::setAttr(g, "name", t.name);
    h5::setAttr(g, "path", t.path);
    h5::setAttr(g, "hash", t.hash);
    h5::setAttr(g, "metric", t.metric);
    H5::Group splits = h5::createGroup(g, "splits", "NXcollection");
    for (const auto& [name, size] : t.splitSizes) h5::setAttr(splits, name, size);
}

void writeBaseline(const H5::Group& root, const BaselineResult& b) {
    H5::Group g = h5::createGroup(root, kBaseline, "NXcollection");
    h5::writeScalar(g, "a0", b.a0, {"1", "unpruned task metric a0"});
    h5::writeArray(g, "correct", b.correct, {"", "per evaluated example: 1 = correct"});
    h5::writeScalar(g, "tokens_per_second", b.tokensPerSecond, {"1/s", "evaluation throughput"});
    h5::writeScalar(g, "examples", b.examples, {"", "examples evaluated"});
}

void writeCalibration(const H5::Group& root, const CalibrationRecord& c, const SessionSaveOptions& options) {
    H5::Group g = h5::createGroup(root, kCalibration, "NXcollection");
    h5::writeScalar(g, "examples", c.examples, {"", "calibration examples"});
    h5::writeScalar(g, "tokens", c.tokens, {"", "calibration tokens"});
    if (!options.gramMatrices || c.grams.empty()) return;
    H5::Group grams = h5::createGroup(g, "gram", "NXcollection");
    std::vector<std::string> names;
    for (const GramMatrix& m : c.grams) names.push_back(m.name);
    h5::setAttr(grams, "names", names);
    for (const GramMatrix& m : c.grams) {
        const std::vector<hsize_t> dims = {hsize_t(m.rows), hsize_t(m.cols)};
        H5::DSetCreatPropList properties;
        const std::vector<hsize_t> chunk = {std::clamp<hsize_t>(dims[0], 1, 256),
                                            std::clamp<hsize_t>(dims[1], 1, 256)};
        properties.setChunk(2, chunk.data());
        if (options.gzipLevel > 0) {
            properties.setShuffle();
            properties.setDeflate(unsigned(std::min(options.gzipLevel, 9)));
        }
        H5::DataSet ds =
            grams.createDataSet(m.name, H5::PredType::IEEE_F64LE, H5::DataSpace(2, dims.data()), properties);
        if (!m.values.empty()) ds.write(m.values.data(), H5::PredType::NATIVE_DOUBLE);
        h5::setAttr(ds, "units", "");
        h5::setAttr(ds, "long_name",
                    "Gram matrix X^T X of the " + std::string(inputSiteName(m.site)) +
                        " activations of layer " + std::to_string(m.layer));
        h5::setAttr(ds, "layer", m.layer);
        h5::setAttr(ds, "site", inputSiteName(m.site));
        h5::setAttr(ds, "tokens", m.tokens);
    }
}

// A sweep's points as the three columns its NXdata group plots.
void writeCurvePoints(const H5::Group& g, const std::vector<UniformPoint>& points,
                      const char* accuracyMeaning) {
    std::vector<double> level, accuracy, removed;
    for (const UniformPoint& p : points) {
        level.push_back(p.level);
        accuracy.push_back(p.accuracy);
        removed.push_back(p.paramsRemovedFraction);
    }
    h5::writeArray(g, "level", level, {"1", "pruning level p (every matrix)"});
    h5::writeArray(g, "accuracy", accuracy, {"1", accuracyMeaning});
    h5::writeArray(g, "removed_fraction", removed, {"1", "fraction of prunable parameters removed"});
}

// The sweep with 8-bit factors, beside the float one it repeats (optional, additive).
void writeInt8Curve(const H5::Group& sweep, const Int8Curve& c) {
    H5::Group g = h5::createGroup(sweep, kInt8, "NXdata");
    h5::setAttr(g, "scheme", kInt8Scheme);
    h5::setPlot(g, "accuracy", {"level"}, {"removed_fraction"});
    writeCurvePoints(g, c.points, "task metric with 8-bit factors");
    h5::writeScalar(g, "best_level", c.bestLevel,
                    {"1", "largest level with accuracy >= (1 - eps) a0, 8-bit factors"});
    h5::writeScalar(g, "best_accuracy", c.bestAccuracy, {"1", "task metric at best_level, 8-bit factors"});
    h5::writeScalar(g, "best_removed_fraction", c.bestRemovedFraction,
                    {"1", "fraction of prunable parameters removed at best_level"});
}

void writeUniform(const H5::Group& root, const std::vector<UniformResult>& results) {
    H5::Group g = h5::createGroup(root, kUniform, "NXentry");
    h5::setAttr(g, "methods", methodsOf(results));
    h5::setAttr(g, "default", results.front().method);
    for (const UniformResult& r : results) {
        H5::Group m = h5::createGroup(g, r.method, "NXdata");
        h5::setAttr(m, "method", r.method);
        h5::setPlot(m, "accuracy", {"level"}, {"removed_fraction"});
        writeCurvePoints(m, r.points, "task metric");
        h5::writeScalar(m, "best_level", r.bestLevel, {"1", "largest level with accuracy >= (1 - eps) a0"});
        h5::writeScalar(m, "best_accuracy", r.bestAccuracy, {"1", "task metric at best_level"});
        h5::writeScalar(m, "best_removed_fraction", r.bestRemovedFraction,
                        {"1", "fraction of prunable parameters removed at best_level"});
        if (r.int8) writeInt8Curve(m, *r.int8);
    }
}

void writeSensitivity(const H5::Group& root, const std::vector<SensitivityResult>& results,
                      const std::vector<MatrixInfo>& matrices) {
    H5::Group g = h5::createGroup(root, kSensitivity, "NXentry");
    h5::setAttr(g, "methods", methodsOf(results));
    h5::setAttr(g, "default", results.front().method);
    for (const SensitivityResult& r : results) {
        H5::Group m = h5::createGroup(g, r.method, "NXdata");
        h5::setAttr(m, "method", r.method);
        h5::setPlot(m, "drop_map", {"layer", "."}, {"accuracy_map"});
        h5::writeScalar(m, "level", r.level, {"1", "pruning level of the one pruned matrix"});
        h5::writeArray(m, "accuracy", r.accuracy, {"1", "task metric with only this matrix pruned"});
        h5::writeArray(m, "drop", r.drop, {"1", "a0 - accuracy, per matrix"});
        std::vector<int32_t> ranking(r.ranking.begin(), r.ranking.end());
        h5::writeArray(m, "ranking", ranking, {"", "matrix indices, most sensitive first"});
        putLayerTypeMap(m, "drop_map", matrices, r.drop, {"1", "accuracy drop (layer x matrix type)"});
        putLayerTypeMap(m, "accuracy_map", matrices, r.accuracy, {"1", "task metric (layer x matrix type)"});
    }
}

void writeEval(const H5::Group& root, const std::vector<HeldOutEval>& evals) {
    H5::Group g = h5::createGroup(root, kEval, "NXdata");
    h5::setPlot(g, "pruned_accuracy", {"."}, {"dense_accuracy"});
    std::vector<std::string> names, sources, methods, paths, splits, metrics;
    std::vector<double> dense, pruned, removed;
    std::vector<int64_t> examples;
    size_t perExample = 0;
    for (const HeldOutEval& e : evals) {
        names.push_back(e.taskName);
        dense.push_back(e.denseAccuracy);
        pruned.push_back(e.prunedAccuracy);
        removed.push_back(e.removedFraction);
        sources.push_back(e.source);
        methods.push_back(e.method);
        paths.push_back(e.taskPath);
        splits.push_back(e.split);
        metrics.push_back(e.metric);
        examples.push_back(e.examples);
        perExample = std::max({perExample, e.denseCorrect.size(), e.prunedCorrect.size()});
    }
    h5::writeStrings(g, "task_name", names, {"", "evaluated task"});
    h5::writeArray(g, "dense_accuracy", dense, {"1", "task metric of the unpruned model"});
    h5::writeArray(g, "pruned_accuracy", pruned, {"1", "task metric of the pruned model"});
    h5::writeArray(g, "removed_fraction", removed, {"1", "fraction of prunable parameters removed"});
    h5::writeStrings(g, "source", sources, {"", "the result applied: ga or uniform:<method>"});
    h5::writeStrings(g, "method", methods, {"", "projection method"});
    h5::writeStrings(g, "task_path", paths, {"", "the scored task file"});
    h5::writeStrings(g, "split", splits, {"", "held_out (the session's task) or evaluation (another task)"});
    h5::writeStrings(g, "metric", metrics, {"", "metric of the scored task"});
    h5::writeArray(g, "examples", examples, {"", "examples scored (the same for both models)"});
    if (perExample == 0) return;
    // Per-example correctness, one row per evaluation, padded with 255 past
    // its examples (rows of different tasks differ in length).
    std::vector<uint8_t> denseRows(evals.size() * perExample, kNoExample);
    std::vector<uint8_t> prunedRows(evals.size() * perExample, kNoExample);
    for (size_t i = 0; i < evals.size(); ++i) {
        std::copy(evals[i].denseCorrect.begin(), evals[i].denseCorrect.end(),
                  denseRows.begin() + i * perExample);
        std::copy(evals[i].prunedCorrect.begin(), evals[i].prunedCorrect.end(),
                  prunedRows.begin() + i * perExample);
    }
    const std::vector<hsize_t> dims = {hsize_t(evals.size()), hsize_t(perExample)};
    h5::writeArray<uint8_t>(g, "dense_correct", denseRows, dims,
                            {"", "per example: 1 = the unpruned model is correct, 255 = no example"});
    h5::writeArray<uint8_t>(g, "pruned_correct", prunedRows, dims,
                            {"", "per example: 1 = the pruned model is correct, 255 = no example"});
}

// /lora/run_<i>: one group per recovery, its settings and scores as
// attributes, its loss per step as a dataset.
void writeLora(const H5::Group& root, const std::vector<LoraRun>& runs) {
    H5::Group g = h5::createGroup(root, kLora, "NXcollection");
    h5::setAttr(g, "runs", int64_t(runs.size()));
    for (size_t i = 0; i < runs.size(); ++i) {
        const LoraRun& r = runs[i];
        H5::Group run = h5::createGroup(g, "run_" + std::to_string(i), "NXprocess");
        h5::setAttr(run, "source", r.source);
        h5::setAttr(run, "method", r.method);
        h5::setAttr(run, "level", r.level);
        h5::setAttr(run, "removed_fraction", r.removedFraction);
        h5::setAttr(run, "int8_factors", r.int8Factors);
        h5::setAttr(run, "rank", int64_t(r.settings.rank));
        h5::setAttr(run, "alpha", r.settings.alpha);
        h5::setAttr(run, "targets", r.settings.targets);
        h5::setAttr(run, "steps", int64_t(r.settings.steps));
        h5::setAttr(run, "learning_rate", r.settings.learningRate);
        h5::setAttr(run, "batch_size", int64_t(r.settings.batchSize));
        h5::setAttr(run, "seed", r.settings.seed);
        h5::setAttr(run, "adapter_params", r.adapterParams);
        h5::setAttr(run, "search_before", r.searchBefore);
        h5::setAttr(run, "search_after", r.searchAfter);
        h5::setAttr(run, "search_examples", r.searchExamples);
        h5::setAttr(run, "held_out_before", r.heldOutBefore);
        h5::setAttr(run, "held_out_after", r.heldOutAfter);
        h5::setAttr(run, "held_out_examples", r.heldOutExamples);
        h5::setAttr(run, "seconds", r.seconds);
        h5::writeArray(run, "loss", r.loss, {"nat", "mean answer-token cross-entropy per training step"});
    }
}

// ---- GA internals ---------------------------------------------------------------------

// Every dataset of /ga/generations, all extended by one row per generation.
const char* const kPerGeneration[] = {"generation",
                                      "best_fitness",
                                      "mean_fitness",
                                      "feasible_fraction",
                                      "evaluations",
                                      "genes",
                                      "accuracy",
                                      "removed_fraction",
                                      "fitness",
                                      "feasible",
                                      "best_genes",
                                      "best_accuracy",
                                      "best_removed_fraction",
                                      "best_individual_fitness",
                                      "best_feasible",
                                      "rng_state",
                                      "rng_state_length"};
// Added after format version 1 was first written: files without them still
// read (every accuracy then counts as exact) and append as before.
const char* const kPerGenerationOptional[] = {"scored_examples", "best_scored_examples"};

// Row g of rng_state holds the state after generation g, zero-padded to the
// dataset's width (grown when a longer state comes); rng_state_length says
// how many bytes are the state (0: not recorded).
void appendRngState(const H5::Group& history, const std::string& state) {
    H5::DataSet ds = history.openDataSet("rng_state");
    std::vector<hsize_t> dims = h5::datasetDims(ds);
    if (state.size() > dims[1]) {
        dims[1] = state.size();
        if (H5Dset_extent(ds.getId(), dims.data()) < 0)
            throw h5::LayoutError(h5::objectPath(ds) + ": cannot widen to " + std::to_string(state.size()));
    }
    std::vector<uint8_t> row(size_t(dims[1]), 0);
    std::copy(state.begin(), state.end(), row.begin());
    h5::appendRow(ds, row.data(), row.size(), H5::PredType::NATIVE_UINT8);
    H5::DataSet length = history.openDataSet("rng_state_length");
    const int32_t bytes = int32_t(state.size());
    h5::appendRow(length, &bytes, 1, H5::PredType::NATIVE_INT32);
}

void appendGenerationRows(const H5::Group& history, const Generation& gen, const std::string& rngState) {
    auto append = [&](const char* name, const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        H5::DataSet ds = history.openDataSet(name);
        h5::appendRow(ds, values.data(), values.size(), h5::Type<T>::mem());
    };
    append("generation", std::vector<int32_t>{gen.index});
    append("best_fitness", std::vector<double>{gen.bestFitness});
    append("mean_fitness", std::vector<double>{gen.meanFitness});
    append("feasible_fraction", std::vector<double>{gen.feasibleFraction});
    append("evaluations", std::vector<int32_t>{gen.evaluations});
    std::vector<int16_t> genes;
    std::vector<double> accuracy, removed, fitness;
    std::vector<uint8_t> feasible;
    for (const Individual& ind : gen.population) {
        genes.insert(genes.end(), ind.genes.begin(), ind.genes.end());
        accuracy.push_back(ind.accuracy);
        removed.push_back(ind.removedFraction);
        fitness.push_back(ind.fitness);
        feasible.push_back(ind.feasible ? 1 : 0);
    }
    append("genes", genes);
    append("accuracy", accuracy);
    append("removed_fraction", removed);
    append("fitness", fitness);
    append("feasible", feasible);
    append("best_genes", narrowGenes(gen.best.genes));
    append("best_accuracy", std::vector<double>{gen.best.accuracy});
    append("best_removed_fraction", std::vector<double>{gen.best.removedFraction});
    append("best_individual_fitness", std::vector<double>{gen.best.fitness});
    append("best_feasible", std::vector<uint8_t>{uint8_t(gen.best.feasible ? 1 : 0)});
    if (h5::hasChild(history, "scored_examples")) {
        std::vector<int32_t> scored;
        for (const Individual& ind : gen.population) scored.push_back(ind.scoredExamples);
        append("scored_examples", scored);
        append("best_scored_examples", std::vector<int32_t>{gen.best.scoredExamples});
    }
    appendRngState(history, rngState);
}

// Drops rows past the committed count: what an append interrupted in place
// left behind.
void truncateToCommitted(const H5::Group& history, hsize_t committed) {
    std::vector<const char*> names(std::begin(kPerGeneration), std::end(kPerGeneration));
    for (const char* name : kPerGenerationOptional)
        if (h5::hasChild(history, name)) names.push_back(name);
    for (const char* name : names) {
        H5::DataSet ds = h5::openDataSet(history, name);
        std::vector<hsize_t> dims = h5::datasetDims(ds);
        if (dims.empty()) throw h5::LayoutError(h5::objectPath(ds) + ": expected an array");
        if (dims[0] < committed)
            throw h5::LayoutError(h5::objectPath(ds) + ": fewer rows than committed generations");
        if (dims[0] == committed) continue;
        dims[0] = committed;
        if (H5Dset_extent(ds.getId(), dims.data()) < 0)
            throw h5::LayoutError(h5::objectPath(ds) + ": cannot drop an interrupted generation");
    }
}

void writeBest(const H5::Group& ga, const GaContext& context, const Individual& best) {
    if (best.genes.empty()) return;  // no generation finished yet
    H5::Group g = openOrCreateGroup(ga, "best", "NXdata");
    h5::setPlot(g, "level_map", {"layer", "."});
    const size_t m = best.genes.size();
    putArray<int16_t>(g, "genes", narrowGenes(best.genes), {m}, {"", "level grid index per matrix"});
    const std::vector<double> levels = levelsOf(best.genes, context.levelGrid);
    putArray<double>(g, "level", levels, {m}, {"1", "pruning level per matrix"});
    putLayerTypeMap(g, "level_map", context.matrices, levels, {"1", "pruning level (layer x matrix type)"});
    putArray<double>(g, "accuracy", std::vector<double>{best.accuracy}, {}, {"1", "task metric"});
    putArray<double>(g, "removed_fraction", std::vector<double>{best.removedFraction}, {},
                     {"1", "fraction of prunable parameters removed"});
    putArray<double>(g, "fitness", std::vector<double>{best.fitness}, {}, {"1", "fitness"});
    putArray<uint8_t>(g, "feasible", std::vector<uint8_t>{uint8_t(best.feasible ? 1 : 0)}, {},
                      {"", "1 if accuracy >= (1 - eps) a0"});
    putArray<int32_t>(g, "scored_examples", std::vector<int32_t>{best.scoredExamples}, {},
                      {"", "search examples behind the accuracy; 0 = all"});
}

}  // namespace

// ---- validation ----------------------------------------------------------------------

void validateGeneration(const GaContext& context, const GaSettings& settings, const Generation& gen) {
    const std::string where = "GA generation " + std::to_string(gen.index);
    if (int(gen.population.size()) != settings.population)
        throw InputError(where + ": population of " + std::to_string(gen.population.size()) +
                         ", the settings say " + std::to_string(settings.population));
    for (const Individual& ind : gen.population)
        validateChromosome(where, ind.genes, context.matrices.size(), context.levelGrid.size());
    validateChromosome(where + " best", gen.best.genes, context.matrices.size(), context.levelGrid.size());
}

namespace {

// The model's matrices are what every index in a session points into.
void validateModel(const ModelSummary& s) {
    if (s.layers < 0 || s.layers > kMaxLayers)
        throw InputError("model: " + std::to_string(s.layers) + " layers is outside [0, " +
                         std::to_string(kMaxLayers) + "]");
    for (const int64_t count :
         {s.hidden, s.intermediate, s.heads, s.kvHeads, s.vocab, s.totalParams, s.prunableParams})
        if (count < 0) throw InputError("model: a negative size (hidden, heads, vocab or parameters)");
    if (s.matrices.size() > size_t(kMatrixTypeCount) * size_t(std::max(s.layers, 0)))
        throw InputError("model: " + std::to_string(s.matrices.size()) + " matrices for " +
                         std::to_string(s.layers) + " layers of " + std::to_string(kMatrixTypeCount));
    int lastLayer = -1;
    for (size_t i = 0; i < s.matrices.size(); ++i) {
        const MatrixInfo& info = s.matrices[i];
        const std::string where = "model: matrix " + std::to_string(i) + " '" + info.name + "'";
        if (info.layer < 0 || info.layer >= s.layers)
            throw InputError(where + ": layer " + std::to_string(info.layer) + " is outside the model's " +
                             std::to_string(s.layers) + " layers");
        if (int(info.type) < 0 || int(info.type) >= kMatrixTypeCount)
            throw InputError(where + ": unknown matrix type " + std::to_string(int(info.type)));
        if (info.rows < 1 || info.cols < 1 || info.rows > kMaxMatrixSide || info.cols > kMaxMatrixSide)
            throw InputError(where + ": implausible shape " + std::to_string(info.rows) + " x " +
                             std::to_string(info.cols));
        lastLayer = std::max(lastLayer, info.layer);
    }
    // Layers without any matrix would be empty rows in every heatmap.
    if (!s.matrices.empty() && lastLayer + 1 != s.layers)
        throw InputError("model: " + std::to_string(s.layers) + " layers, but the matrices stop at layer " +
                         std::to_string(lastLayer));
}

}  // namespace

void validate(const SessionData& data, bool gramValuesLoaded) {
    validateModel(data.model.summary);
    const size_t m = data.model.summary.matrices.size();
    for (const auto& [split, size] : data.task.splitSizes)
        if (size < 0) throw InputError("task split '" + split + "' has a negative size");
    const GaContext context{data.model.summary.matrices, data.provenance.levelGrid};
    if (!data.provenance.levelGrid.empty()) validateLevelGrid(data.provenance.levelGrid);
    validateUniqueNames("uniform", data.uniform);
    validateUniqueNames("sensitivity", data.sensitivity);
    for (const UniformResult& u : data.uniform) {
        if (u.points.empty()) throw InputError("uniform '" + u.method + "' has no points");
        if (u.int8 && u.int8->points.empty())
            throw InputError("uniform '" + u.method + "': its 8-bit curve has no points");
    }
    if (data.ga) {
        const GaSession& ga = *data.ga;
        if (data.provenance.levelGrid.empty()) throw InputError("a GA result needs the level grid");
        if (data.provenance.levelGrid.size() > 32767) throw InputError("level grid too long for int16 genes");
        if (ga.result.settings.population < 1 || ga.result.settings.population > 100000)
            throw InputError("GA population " + std::to_string(ga.result.settings.population) +
                             " is outside [1, 100000]");
        for (size_t i = 0; i < ga.result.generations.size(); ++i) {
            const Generation& gen = ga.result.generations[i];
            if (gen.index != int(i))
                throw InputError("GA generation " + std::to_string(i) + " has index " +
                                 std::to_string(gen.index));
            validateGeneration(context, ga.result.settings, gen);
        }
        if (!ga.result.best.genes.empty() || !ga.result.generations.empty())
            validateChromosome("GA best", ga.result.best.genes, m, data.provenance.levelGrid.size());
        if (ga.levelStatistics &&
            (ga.levelStatistics->meanLevel.size() != m || ga.levelStatistics->minLevel.size() != m))
            throw InputError("GA level statistics: expected " + std::to_string(m) + " values per statistic");
    }
    for (const SensitivityResult& s : data.sensitivity) {
        if (s.accuracy.size() != m || s.drop.size() != m)
            throw InputError("sensitivity '" + s.method + "': expected " + std::to_string(m) +
                             " accuracies and drops");
        for (int r : s.ranking)
            if (r < 0 || size_t(r) >= m)
                throw InputError("sensitivity '" + s.method + "': ranking index " + std::to_string(r) +
                                 " out of range");
    }
    for (const LoraRun& r : data.lora) {
        const std::string where = "LoRA run of " + r.source + " (" + r.method + ")";
        validateLoraSettings(r.settings);
        if (r.loss.size() != size_t(r.settings.steps))
            throw InputError(where + ": " + std::to_string(r.loss.size()) + " losses for " +
                             std::to_string(r.settings.steps) + " steps");
        for (double a : {r.searchBefore, r.searchAfter, r.heldOutBefore, r.heldOutAfter})
            if (!std::isfinite(a)) throw InputError(where + ": a score that is not a number");
        if (!(r.removedFraction >= 0.0 && r.removedFraction <= 1.0))
            throw InputError(where + ": removed fraction outside [0, 1]");
        if (r.searchExamples < 0 || r.heldOutExamples < 0)
            throw InputError(where + ": a negative example count");
    }
    for (const HeldOutEval& e : data.eval) {
        const std::string where = "held-out score of " + e.taskName + " (" + e.source + ")";
        if (e.denseCorrect.size() != e.prunedCorrect.size())
            throw InputError(where + ": " + std::to_string(e.denseCorrect.size()) + " dense and " +
                             std::to_string(e.prunedCorrect.size()) + " pruned per-example results");
        if (!e.denseCorrect.empty() && int64_t(e.denseCorrect.size()) != e.examples)
            throw InputError(where + ": " + std::to_string(e.denseCorrect.size()) +
                             " per-example results for " + std::to_string(e.examples) + " examples");
        for (size_t i = 0; i < e.denseCorrect.size(); ++i)
            if (e.denseCorrect[i] > 1 || e.prunedCorrect[i] > 1)
                throw InputError(where + ": per-example results must be 0 or 1");
    }
    if (data.calibration) {
        std::set<std::string> names;
        for (const GramMatrix& g : data.calibration->grams) {
            validateName("Gram matrix", g.name);
            if (!names.insert(g.name).second) throw InputError("Gram matrix '" + g.name + "' twice");
            if (g.rows < 0 || g.cols < 0 || g.rows > kMaxMatrixSide || g.cols > kMaxMatrixSide)
                throw InputError("Gram matrix '" + g.name + "': implausible shape " + std::to_string(g.rows) +
                                 " x " + std::to_string(g.cols));
            if (g.layer < 0 || g.layer >= std::max(data.model.summary.layers, 1))
                throw InputError("Gram matrix '" + g.name + "': layer " + std::to_string(g.layer) +
                                 " is outside the model's " + std::to_string(data.model.summary.layers) +
                                 " layers");
            if (g.tokens < 0) throw InputError("Gram matrix '" + g.name + "': negative token count");
            if (!gramValuesLoaded && g.values.empty()) continue;
            if (g.values.size() != size_t(g.rows * g.cols))
                throw InputError("Gram matrix '" + g.name + "': " + std::to_string(g.values.size()) +
                                 " values for shape " + std::to_string(g.rows) + " x " +
                                 std::to_string(g.cols));
        }
    }
}

// ---- GA parts ---------------------------------------------------------------------------

GaContext readGaContext(const H5::Group& root) {
    GaContext context;
    H5::Group provenance = h5::openGroup(root, kProvenance);
    context.levelGrid = h5::doublesAttr(provenance, "level_grid");
    H5::Group matrices = h5::openGroup(h5::openGroup(root, kModel), "matrices");
    const std::vector<int32_t> layers = h5::readArray<int32_t>(matrices, "layer", 1);
    const std::vector<std::string> types = h5::readStrings(matrices, "type");
    h5::expectLength(matrices, "type", types.size(), layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
        MatrixInfo info;
        info.layer = layers[i];
        info.type = parseMatrixType(types[i], h5::objectPath(matrices) + "/type");
        context.matrices.push_back(info);
    }
    return context;
}

void createGa(const H5::Group& root, const std::string& method, const GaSettings& s,
              const std::string& resumeKey) {
    if (h5::hasChild(root, kGa)) root.unlink(kGa);
    H5::Group ga = h5::createGroup(root, kGa, "NXentry");
    h5::setAttr(ga, "default", "generations");
    h5::setAttr(ga, "method", method);
    h5::setAttr(ga, "complete", false);
    h5::setAttr(ga, "stopped_early", false);
    h5::setAttr(ga, "committed_generations", int64_t(0));
    h5::setAttr(ga, "resume_key", resumeKey);

    H5::Group settings = h5::createGroup(ga, "settings", "NXparameters");
    h5::setAttr(settings, "population", s.population);
    h5::setAttr(settings, "generations", s.generations);
    h5::setAttr(settings, "tournament", s.tournament);
    h5::setAttr(settings, "crossover_probability", s.crossoverProbability);
    h5::setAttr(settings, "uniform_crossover", s.uniformCrossover);
    h5::setAttr(settings, "mutation_probability", s.mutationProbability);
    h5::setAttr(settings, "elitism", s.elitism);
    h5::setAttr(settings, "uniform_seeds", s.uniformSeeds);
    h5::setAttr(settings, "patience", s.patience);
    h5::setAttr(settings, "seed", s.seed);

    const GaContext context = readGaContext(root);
    const hsize_t p = hsize_t(s.population), m = hsize_t(context.matrices.size());
    H5::Group history = h5::createGroup(ga, "generations", "NXdata");
    h5::setPlot(history, "best_fitness", {"generation"}, {"mean_fitness"});
    auto perGeneration = [&](const char* name, const H5::PredType& type, Meta meta) {
        h5::createExtendible(history, name, type, {0}, {64}, meta);
    };
    perGeneration("generation", H5::PredType::STD_I32LE, {"", "generation index"});
    perGeneration("best_fitness", H5::PredType::IEEE_F64LE, {"1", "best fitness in the generation"});
    perGeneration("mean_fitness", H5::PredType::IEEE_F64LE, {"1", "mean fitness of the generation"});
    perGeneration("feasible_fraction", H5::PredType::IEEE_F64LE,
                  {"1", "fraction of individuals with accuracy >= (1 - eps) a0"});
    perGeneration("evaluations", H5::PredType::STD_I32LE,
                  {"", "fitness evaluations not served by the cache"});
    h5::createExtendible(history, "genes", H5::PredType::STD_I16LE, {0, p, m}, {1, p, m},
                         {"", "level grid index per individual and matrix"});
    auto perIndividual = [&](const char* name, const H5::PredType& type, Meta meta) {
        h5::createExtendible(history, name, type, {0, p}, {16, p}, meta);
    };
    perIndividual("accuracy", H5::PredType::IEEE_F64LE, {"1", "task metric per individual"});
    perIndividual("removed_fraction", H5::PredType::IEEE_F64LE,
                  {"1", "fraction of prunable parameters removed per individual"});
    perIndividual("fitness", H5::PredType::IEEE_F64LE, {"1", "fitness per individual"});
    perIndividual("feasible", H5::PredType::STD_U8LE, {"", "1 if accuracy >= (1 - eps) a0"});
    perIndividual("scored_examples", H5::PredType::STD_I32LE,
                  {"",
                   "search examples behind the accuracy; 0 = all (the evaluation stopped once "
                   "feasibility was certain otherwise)"});
    h5::createExtendible(history, "best_genes", H5::PredType::STD_I16LE, {0, m}, {16, m},
                         {"", "best chromosome so far (level grid index per matrix)"});
    perGeneration("best_accuracy", H5::PredType::IEEE_F64LE, {"1", "task metric of the best so far"});
    perGeneration("best_removed_fraction", H5::PredType::IEEE_F64LE,
                  {"1", "fraction of prunable parameters removed by the best so far"});
    perGeneration("best_individual_fitness", H5::PredType::IEEE_F64LE, {"1", "fitness of the best so far"});
    perGeneration("best_feasible", H5::PredType::STD_U8LE, {"", "1 if the best so far is feasible"});
    perGeneration("best_scored_examples", H5::PredType::STD_I32LE,
                  {"", "search examples behind the best's accuracy; 0 = all"});
    h5::createExtendible(history, "rng_state", H5::PredType::STD_U8LE, {0, 0}, {1, 8192},
                         {"", "random generator state after the generation (opaque bytes, zero-padded)"}, 4);
    perGeneration("rng_state_length", H5::PredType::STD_I32LE,
                  {"byte", "length of the random generator state (0: not recorded)"});
}

void appendGeneration(const H5::Group& root, const GaContext& context, const Generation& generation,
                      const std::string& rngState) {
    H5::Group ga = h5::openGroup(root, kGa);
    H5::Group history = h5::openGroup(ga, "generations");
    const int64_t committed = h5::intAttr(ga, "committed_generations");
    if (committed < 0) throw h5::LayoutError(h5::objectPath(ga) + ": negative committed_generations");
    if (generation.index != committed)
        throw InputError("GA generation " + std::to_string(generation.index) + " appended after " +
                         std::to_string(committed) + " generations");
    truncateToCommitted(history, hsize_t(committed));
    appendGenerationRows(history, generation, rngState);
    // The commit point, written last: readers trust this many rows only.
    h5::setAttr(ga, "committed_generations", committed + 1);
    writeBest(ga, context, generation.best);
}

void finishGa(const H5::Group& root, const GaContext& context, const GaResult& result, bool complete,
              const std::optional<LevelStatistics>& statistics) {
    H5::Group ga = h5::openGroup(root, kGa);
    h5::setAttr(ga, "method", result.method);
    h5::setAttr(ga, "complete", complete);
    h5::setAttr(ga, "stopped_early", result.stoppedEarly);
    writeBest(ga, context, result.best);
    if (statistics) {
        H5::Group g = openOrCreateGroup(ga, "level_statistics", "NXdata");
        h5::setPlot(g, "mean_level", {"."}, {"min_level"});
        const hsize_t m = statistics->meanLevel.size();
        putArray<double>(g, "mean_level", statistics->meanLevel, {m},
                         {"1", "mean pruning level in the final population, per matrix"});
        putArray<double>(g, "min_level", statistics->minLevel, {m},
                         {"1", "smallest pruning level in the final population, per matrix"});
    }
}

void setModified(const H5::Group& root, const std::string& now) {
    h5::setAttr(h5::openGroup(root, kProvenance), "modified", now);
}

// ---- everything -------------------------------------------------------------------------

void writeAll(H5::H5File& file, const SessionData& data, const SessionSaveOptions& options,
              const std::string& now, const std::string& created) {
    H5::Group root = file.openGroup("/");
    h5::setAttr(root, "format", SessionFile::kFormat);
    h5::setAttr(root, "format_version", SessionFile::kFormatVersion);
    h5::setAttr(root, "NX_class", "NXroot");
    h5::setAttr(root, "creator", std::string("Sieve Workbench ") + SIEVE_VERSION_STRING);
    if (data.ga)
        h5::setAttr(root, "default", kGa);
    else if (!data.uniform.empty())
        h5::setAttr(root, "default", kUniform);
    else if (!data.sensitivity.empty())
        h5::setAttr(root, "default", kSensitivity);

    writeProvenance(root, data.provenance, now, created);
    writeModel(root, data.model);
    writeTask(root, data.task);
    if (data.baseline) writeBaseline(root, *data.baseline);
    if (data.calibration) writeCalibration(root, *data.calibration, options);
    if (!data.uniform.empty()) writeUniform(root, data.uniform);
    if (data.ga) {
        const GaSession& ga = *data.ga;
        createGa(root, ga.result.method, ga.result.settings, ga.resumeKey);
        H5::Group gaGroup = root.openGroup(kGa);
        H5::Group history = gaGroup.openGroup("generations");
        // Only the state after the last generation is known here.
        const auto& generations = ga.result.generations;
        for (size_t g = 0; g < generations.size(); ++g)
            appendGenerationRows(history, generations[g], g + 1 == generations.size() ? ga.rngState : "");
        h5::setAttr(gaGroup, "committed_generations", int64_t(generations.size()));
        finishGa(root, GaContext{data.model.summary.matrices, data.provenance.levelGrid}, ga.result,
                 ga.complete, ga.levelStatistics);
    }
    if (!data.sensitivity.empty()) writeSensitivity(root, data.sensitivity, data.model.summary.matrices);
    if (!data.eval.empty()) writeEval(root, data.eval);
    if (!data.lora.empty()) writeLora(root, data.lora);
}

}  // namespace sieve::session

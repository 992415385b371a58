#include "core/engine/engine.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "core/calibration/calibrate.h"
#include "core/common/error.h"
#include "core/engine/projection_evaluator.h"
#include "core/engine/sequential_evaluator.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "core/projection/projection_set.h"
#include "core/search/genetic_search.h"
#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"
#include "core/session/content_hash.h"
#include "core/session/session_appender.h"
#include "core/session/session_file.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

namespace fs = std::filesystem;

namespace sieve {

namespace {

// The files whose bytes define a model: what the session's hash covers.
std::vector<std::string> weightFilesOf(const std::string& path) {
    std::vector<std::string> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::directory_iterator(path)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() &&
                (entry.path().extension() == ".safetensors" || name == "config.json"))
                files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }
    return files;
}

// The tokenizer a model ships with, if any.
std::string findTokenizer(const std::string& modelPath) {
    const fs::path p(modelPath);
    if (fs::is_directory(p)) {
        if (fs::exists(p / "tokenizer.json")) return (p / "tokenizer.json").string();
        return {};
    }
    if (p.extension() == ".gguf") return p.string();  // its embedded vocabulary
    // llama2.c: a tokenizer .bin beside the checkpoint (tok512.bin, tokenizer.bin)
    for (const auto& entry :
         fs::directory_iterator(p.parent_path().empty() ? fs::path(".") : p.parent_path())) {
        const std::string name = entry.path().filename().string();
        if (entry.path() != p && entry.path().extension() == ".bin" && name.rfind("tok", 0) == 0)
            return entry.path().string();
    }
    return {};
}

// Sessions record absolute paths, so that a session made by `sieve run` in
// one folder finds its model and task when the window opens it elsewhere.
std::string absolutePath(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

// A child context for work nested inside a search step: it shares the
// cancel token but not the progress (the outer phase keeps its bar).
JobContext quietChild(const JobContext& parent) {
    return JobContext({}, {}, parent.cancelToken());
}

}  // namespace

struct Engine::Impl {
    DeviceChoice device;
    std::unique_ptr<Model> model;
    std::unique_ptr<Tokenizer> tokenizer;
    ModelSummary summary;
    std::string modelHash;

    bool haveTask = false;
    Task task;         // as loaded
    Task searchTask;   // evaluation = the search examples
    Task heldOutTask;  // evaluation = the held-out examples
    TaskInfo taskInfo;

    std::optional<CalibrationData> calibration;
    struct Projected {
        LevelGrid grid;
        ProjectionSet set;
    };
    std::map<std::string, Projected> projections;

    SessionData session;
    std::string sessionPath;

    Model& requireModel() {
        if (!model) throw InputError("no model is open");
        return *model;
    }
    void requireTask() {
        if (!haveTask) throw InputError("no task is open");
    }

    double score(const Task& t, const JobContext& parent) {
        JobContext child = quietChild(parent);
        EvalOptions options;
        options.keepPredictions = false;
        const EvalResult r = evaluateTask(*model, tokenizer.get(), t, options, child);
        return r.score;
    }

    // The calibration split as token sequences, cut to the model's context.
    std::vector<std::vector<int64_t>> calibrationSequences() const {
        return calibrationBatches(task, tokenizer.get(), model->config().maxPositions);
    }
    CalibrationOptions calibrationOptions(const RunSettings& s) const {
        CalibrationOptions options;
        options.maxTokens = s.maxCalibrationTokens;
        if (model->config().padTokenId) options.padTokenId = *model->config().padTokenId;
        return options;
    }

    // Shows a loaded session; it becomes the live one (results append to it,
    // an interrupted GA resumes) when its model and task are the open ones.
    SessionData adopt(SessionData data, const std::string& path, std::string* mismatch);

    void autosave() {
        if (!sessionPath.empty()) SessionFile::save(sessionPath, session);
    }

    void recordSettings(const RunSettings& s) {
        auto& p = session.provenance;
        p.eps = s.eps;
        p.levelGrid = s.grid;
        p.methods = s.methods;
        p.seeds["ga"] = s.ga.seed;
        p.device = summary.device;
        p.dtype = summary.dtype;
    }

    const ProjectionSet& projection(const std::string& method, const LevelGrid& grid) {
        auto it = projections.find(method);
        if (it == projections.end() || it->second.grid != grid)
            throw InputError("method '" + method + "' has not been projected on this level grid");
        return it->second.set;
    }

    PruningProblem problem(const RunSettings& s, double a0) const {
        return PruningProblem(summary.matrices, s.grid, a0, s.eps);
    }
};

namespace {

// A search's hold on the live model: the method's projections applied through
// the evaluator, and the model dense again when the scope ends (also on
// cancel or error).
struct SearchScope {
    SearchScope(const ProjectionSet& set, PruningProblem p, const LevelGrid& grid,
                std::function<double(const JobContext&)> score)
        : restore(set), problem(std::move(p)), evaluator(set, grid, std::move(score)) {}
    DenseRestoreGuard restore;
    PruningProblem problem;
    ProjectionEvaluator evaluator;
};

// A new per-method result replaces the one the session had for that method.
template <typename Result>
void replaceByMethod(std::vector<Result>& all, const Result& result) {
    all.erase(
        std::remove_if(all.begin(), all.end(), [&](const Result& r) { return r.method == result.method; }),
        all.end());
    all.push_back(result);
}

}  // namespace

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

const ModelSummary& Engine::openModel(const std::string& path, const DeviceChoice& device,
                                      JobContext& context, const std::string& tokenizerPath) {
    context.beginPhase("open model", 3, path);
    LoadOptions options;
    options.device = device;
    auto model = isFactorizedExport(path) ? loadFactorizedModel(path, options) : Model::load(path, options);
    context.advance(1, "tokenizer");
    std::unique_ptr<Tokenizer> tokenizer;
    const std::string tok = tokenizerPath.empty() ? findTokenizer(path) : tokenizerPath;
    if (!tok.empty()) tokenizer = Tokenizer::load(tok);
    context.advance(2, "hashing weights");
    const ContentHash hash = hashFiles(weightFilesOf(path));
    context.advance(3);

    Impl& d = *impl_;
    d.model = std::move(model);
    d.tokenizer = std::move(tokenizer);
    d.summary = d.model->summary();
    d.summary.path = absolutePath(path);
    d.modelHash = hash.combined;
    d.calibration.reset();
    d.projections.clear();
    d.device = device;
    const TaskIdentity openTask = d.session.task;  // a task stays open across a model change
    d.session = SessionData{};
    d.session.task = openTask;
    d.session.model.summary = d.summary;
    d.session.model.weightFiles = hash.files;
    d.session.model.contentHash = hash.combined;
    d.session.provenance.device = d.summary.device;
    d.session.provenance.dtype = d.summary.dtype;
    return d.summary;
}

const TaskInfo& Engine::openTask(const std::string& path, const TaskOptions& options) {
    Impl& d = *impl_;
    TaskLoadOptions loadOptions;
    loadOptions.skipBadLines = options.skipBadLines;
    Task task = loadTask(path, loadOptions);
    if (task.calibration.empty()) throw InputError(path + ": the calibration split is empty");
    if (task.evaluation.empty()) throw InputError(path + ": the evaluation split is empty");
    if (!higherIsBetter(task.spec.metric))
        throw InputError(path + ": metric '" + std::string(metricName(task.spec.metric)) +
                         "' is not accuracy-like; the searches keep accuracy >= (1 - eps) a0 "
                         "(use next_token_accuracy for texts)");
    if (!(options.heldOutFraction >= 0 && options.heldOutFraction < 1))
        throw InputError("held-out fraction must be in [0, 1)");

    // The evaluation split's first part scores the searches; the rest is
    // seen only by the final held-out check, so that check is honest.
    const size_t n = task.evaluation.size();
    // (+1e-9: a fraction restored as h / n from a session gives back h, not h - 1)
    size_t heldOut = static_cast<size_t>(double(n) * options.heldOutFraction + 1e-9);
    if (n < 2) heldOut = 0;
    d.searchTask = task;
    d.searchTask.evaluation.assign(task.evaluation.begin(), task.evaluation.end() - heldOut);
    d.heldOutTask = task;
    d.heldOutTask.evaluation.assign(task.evaluation.end() - heldOut, task.evaluation.end());

    d.taskInfo = TaskInfo{task.spec.name,
                          path,
                          taskKindName(task.spec.kind),
                          metricName(task.spec.metric),
                          int64_t(task.calibration.size()),
                          int64_t(d.searchTask.evaluation.size()),
                          int64_t(heldOut),
                          task.skippedLines};
    d.task = std::move(task);
    d.haveTask = true;
    d.calibration.reset();
    d.projections.clear();

    std::vector<std::string> files{path};
    auto& t = d.session.task;
    t.name = d.taskInfo.name;
    t.path = absolutePath(path);
    t.hash = hashFiles(files).combined;
    t.metric = d.taskInfo.metric;
    t.splitSizes = {{"calibration", d.taskInfo.calibrationExamples},
                    {"search", d.taskInfo.searchExamples},
                    {"held_out", d.taskInfo.heldOutExamples}};
    d.session.baseline.reset();
    d.session.calibration.reset();
    d.session.uniform.clear();
    d.session.ga.reset();
    d.session.sensitivity.clear();
    d.session.eval.clear();
    return d.taskInfo;
}

bool Engine::hasModel() const {
    return impl_->model != nullptr;
}
bool Engine::hasTask() const {
    return impl_->haveTask;
}
const ModelSummary& Engine::model() const {
    return impl_->summary;
}
const TaskInfo& Engine::task() const {
    return impl_->taskInfo;
}

bool Engine::modelIsDense() const {
    if (!impl_->model) return true;
    for (int i = 0; i < impl_->model->matrixCount(); ++i)
        if (!impl_->model->matrix(i).isDense()) return false;
    return true;
}

double Engine::evaluateDense(JobContext& context, std::map<std::string, double>* scoreByTag) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    EvalOptions options;
    options.keepPredictions = false;
    const EvalResult r = evaluateTask(*d.model, d.tokenizer.get(), d.task, options, context);
    if (scoreByTag) *scoreByTag = r.scoreByTag;
    return r.score;
}

BaselineResult Engine::baseline(JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    if (d.session.baseline) return *d.session.baseline;
    EvalOptions options;
    options.keepPredictions = false;
    const EvalResult r = evaluateTask(*d.model, d.tokenizer.get(), d.searchTask, options, context);
    BaselineResult b;
    b.a0 = r.score;
    b.tokensPerSecond = r.tokensPerSecond;
    b.examples = r.examples;
    for (const auto& e : r.perExample) b.correct.push_back(e.correct ? 1 : 0);
    d.session.baseline = b;
    context.log("baseline a0 = " + std::to_string(b.a0) + " on " + std::to_string(b.examples) + " examples");
    d.autosave();
    return b;
}

void Engine::calibrate(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    d.calibration =
        sieve::calibrate(*d.model, d.calibrationSequences(), d.calibrationOptions(settings), context);
    d.projections.clear();  // factors depend on the Grams
    CalibrationRecord record;
    record.examples = d.calibration->sequences();
    record.tokens = d.calibration->tokens();
    d.session.calibration = record;
    d.autosave();
}

bool Engine::isCalibrated() const {
    return impl_->calibration.has_value();
}

bool Engine::methodNeedsCalibration(const std::string& method) {
    if (method == kSequentialMethod) return false;  // it calibrates block by block itself
    return makeProjection(method)->needsCalibration();
}
std::vector<std::string> Engine::methodNames() {
    std::vector<std::string> names = projectionMethodNames();
    names.push_back(kSequentialMethod);
    return names;
}

void Engine::project(const std::string& method, const LevelGrid& grid, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    if (method == kSequentialMethod)
        throw InputError("method '" + method +
                         "' has no single factorization (its factors depend on the levels of the blocks "
                         "before): it serves uniform sweeps only; use 'sieve' for the genetic search, the "
                         "sensitivity scan and exports");
    validateLevelGrid(grid);
    auto found = d.projections.find(method);
    if (found != d.projections.end() && found->second.grid == grid) return;
    auto projection = makeProjection(method);
    std::vector<torch::Tensor> grams;
    if (projection->needsCalibration()) {
        if (!d.calibration)
            throw InputError("method '" + method + "' needs calibration: run calibrate first");
        grams = d.calibration->gramsPerMatrix();
    }
    ProjectionSetOptions options;
    options.factor.levels = grid;
    options.factor.seed = 0;
    ProjectionSet set = ProjectionSet::build(*projection, prunableLinears(*d.model), grams, options, context);
    d.projections[method] = Impl::Projected{grid, std::move(set)};
}

double Engine::evaluateChromosome(const std::string& method, const LevelGrid& grid,
                                  const std::vector<int>& genes, JobContext& context) {
    Impl& d = *impl_;
    project(method, grid, context);
    const ProjectionSet& set = d.projection(method, grid);
    DenseRestoreGuard restore(set);
    ProjectionEvaluator evaluator(set, grid, [&](const JobContext& c) { return d.score(d.searchTask, c); });
    return evaluator.accuracy(genes, context);
}

UniformResult Engine::uniform(const std::string& method, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    const BaselineResult b = baseline(context);
    if (method == kSequentialMethod) {
        validateLevelGrid(settings.grid);
        SequentialEvaluator evaluator(*d.model, d.calibrationSequences(), d.calibrationOptions(settings),
                                      settings.grid,
                                      [&](const JobContext& c) { return d.score(d.searchTask, c); });
        UniformResult result =
            uniformSearch(d.problem(settings, b.a0), evaluator, {method, settings.fullCurve}, context);
        evaluator.restoreDense();
        d.recordSettings(settings);
        replaceByMethod(d.session.uniform, result);
        d.autosave();
        return result;
    }
    project(method, settings.grid, context);
    SearchScope scope(d.projection(method, settings.grid), d.problem(settings, b.a0), settings.grid,
                      [&](const JobContext& c) { return d.score(d.searchTask, c); });
    UniformResult result =
        uniformSearch(scope.problem, scope.evaluator, {method, settings.fullCurve}, context);
    d.recordSettings(settings);
    replaceByMethod(d.session.uniform, result);
    d.autosave();
    return result;
}

GaResult Engine::genetic(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    const BaselineResult b = baseline(context);
    const std::string& method = settings.gaMethod;
    project(method, settings.grid, context);

    // Seed from the uniform optimum of the same method (searched if missing).
    int uniformBest = 0;
    auto u = std::find_if(d.session.uniform.begin(), d.session.uniform.end(),
                          [&](const UniformResult& r) { return r.method == method; });
    const double bestLevel =
        u != d.session.uniform.end() ? u->bestLevel : uniform(method, settings, context).bestLevel;
    uniformBest =
        int(std::find(settings.grid.begin(), settings.grid.end(), bestLevel) - settings.grid.begin());

    // An unfinished run of the same search in the session resumes.
    GaCheckpoint checkpoint;
    const GaCheckpoint* resume = nullptr;
    if (d.session.ga && !d.session.ga->complete && d.session.ga->result.method == method &&
        d.session.ga->result.settings.seed == settings.ga.seed &&
        d.session.ga->result.settings.population == settings.ga.population &&
        !d.session.ga->result.generations.empty()) {
        checkpoint.generations = d.session.ga->result.generations;
        checkpoint.rngState = d.session.ga->rngState;
        resume = &checkpoint;
    } else {
        d.session.ga = GaSession{};
        d.session.ga->result.method = method;
        d.session.ga->result.settings = settings.ga;
    }
    d.recordSettings(settings);

    SearchScope scope(d.projection(method, settings.grid), d.problem(settings, b.a0), settings.grid,
                      [&](const JobContext& c) { return d.score(d.searchTask, c); });
    GeneticSearch search(scope.problem, settings.ga);
    GaRunOptions options;
    options.method = method;
    options.uniformBestIndex = uniformBest;
    // The file holds the settings and the generations so far; each finished
    // generation is then appended (copy, append, rename), so killing the
    // process loses at most the generation in flight.
    d.autosave();
    options.onGeneration = [&](const Generation& g, const std::string& rng) {
        auto& ga = *d.session.ga;
        if (int(ga.result.generations.size()) > g.index) return;  // replayed on resume: already stored
        ga.result.generations.push_back(g);
        ga.result.best = g.best;
        ga.rngState = rng;
        if (!d.sessionPath.empty()) SessionAppender(d.sessionPath).appendGeneration(g, rng);
    };
    GaResult result = search.run(scope.evaluator, options, context, resume);
    auto& ga = *d.session.ga;
    ga.result = result;
    ga.complete = true;
    ga.levelStatistics = GeneticSearch::levelStatistics(scope.problem, result.generations.back().population);
    d.autosave();
    return result;
}

SensitivityResult Engine::sensitivity(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    const BaselineResult b = baseline(context);
    const std::string& method = settings.gaMethod;
    project(method, settings.grid, context);
    SearchScope scope(d.projection(method, settings.grid), d.problem(settings, b.a0), settings.grid,
                      [&](const JobContext& c) { return d.score(d.searchTask, c); });
    SensitivityResult result = singleMatrixSensitivity(scope.problem, scope.evaluator,
                                                       {method, settings.sensitivityLevelIndex}, context);
    replaceByMethod(d.session.sensitivity, result);
    d.autosave();
    return result;
}

HeldOutEval Engine::heldOut(const std::vector<int>& genes, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    HeldOutEval e;
    e.taskName = d.taskInfo.name + " (held-out)";
    if (d.heldOutTask.evaluation.empty())
        throw InputError("the task has no held-out examples (held-out fraction 0)");
    context.beginPhase("held-out", 2);
    e.denseAccuracy = d.score(d.heldOutTask, context);
    context.advance(1);
    project(settings.gaMethod, settings.grid, context);
    const ProjectionSet& set = d.projection(settings.gaMethod, settings.grid);
    DenseRestoreGuard restore(set);
    ProjectionEvaluator evaluator(set, settings.grid,
                                  [&](const JobContext& c) { return d.score(d.heldOutTask, c); });
    e.prunedAccuracy = evaluator.accuracy(genes, context);
    e.removedFraction = d.problem(settings, std::max(e.denseAccuracy, 1e-9)).removedFraction(genes);
    context.advance(2);
    auto& all = d.session.eval;
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const HeldOutEval& x) { return x.taskName == e.taskName; }),
              all.end());
    all.push_back(e);
    d.autosave();
    return e;
}

void Engine::runAll(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    validateLevelGrid(settings.grid);
    baseline(context);
    bool needCalibration = false;
    std::vector<std::string> methods = settings.methods;
    if (std::find(methods.begin(), methods.end(), settings.gaMethod) == methods.end())
        methods.push_back(settings.gaMethod);
    for (const auto& m : methods) needCalibration |= methodNeedsCalibration(m);
    if (needCalibration && !d.calibration) calibrate(settings, context);
    for (const auto& m : methods) uniform(m, settings, context);
    const GaResult ga = genetic(settings, context);
    sensitivity(settings, context);
    if (!d.heldOutTask.evaluation.empty()) heldOut(ga.best.genes, settings, context);
}

ExportReport Engine::exportModel(const std::string& directory, ExportFormat format, const std::string& method,
                                 const LevelGrid& grid, const std::vector<int>& genes, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    project(method, grid, context);
    const ProjectionSet& set = d.projection(method, grid);
    DenseRestoreGuard restore(set);
    if (genes.size() != size_t(set.matrixCount()))
        throw InputError("the chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(set.matrixCount()) + " matrices");
    std::vector<double> levels;
    for (int g : genes) levels.push_back(grid.at(g));
    set.apply(levels);
    context.beginPhase("export", 1, directory);
    ExportReport report = sieve::exportModel(*d.model, directory, format, d.summary.path, method);
    context.advance(1);
    return report;
}

const SessionData& Engine::session() const {
    return impl_->session;
}
void Engine::setSessionPath(const std::string& path) {
    impl_->sessionPath = path;
}
const std::string& Engine::sessionPath() const {
    return impl_->sessionPath;
}

void Engine::saveSession(const std::string& path) {
    SessionFile::save(path, impl_->session);
    impl_->sessionPath = path;
}

SessionData Engine::openSession(const std::string& path, std::string* mismatch) {
    return impl_->adopt(SessionFile::load(path), path, mismatch);
}

SessionData Engine::Impl::adopt(SessionData data, const std::string& path, std::string* mismatch) {
    Impl& d = *this;
    const std::string why = verifyIdentity(data, d.model ? d.modelHash : std::string(),
                                           d.haveTask ? d.session.task.hash : std::string());
    if (mismatch) *mismatch = why;
    if (why.empty() && d.model && d.haveTask && data.model.contentHash == d.modelHash) {
        // Same model and task: the session's results become the live ones,
        // so an interrupted GA resumes and further results append to it.
        d.session = data;
        d.sessionPath = path;
    }
    return data;
}

SessionData Engine::openSessionWithInputs(const std::string& path, const DeviceChoice& device,
                                          JobContext& context, std::string* mismatch, int* opened) {
    Impl& d = *impl_;
    SessionData recorded = SessionFile::load(path);
    namespace fs = std::filesystem;
    std::error_code ec;
    int reopened = 0;
    const std::string& modelPath = recorded.model.summary.path;
    if (!modelPath.empty() && fs::exists(modelPath, ec) &&
        (!d.model || d.modelHash != recorded.model.contentHash)) {
        openModel(modelPath, device, context);
        reopened |= 1;
    }
    const TaskIdentity& task = recorded.task;
    if (!task.path.empty() && fs::exists(task.path, ec) &&
        (!d.haveTask || d.session.task.hash != task.hash)) {
        TaskOptions options;
        const auto search = task.splitSizes.find("search");
        const auto heldOut = task.splitSizes.find("held_out");
        if (search != task.splitSizes.end() && heldOut != task.splitSizes.end() &&
            search->second + heldOut->second > 0)
            options.heldOutFraction = double(heldOut->second) / double(search->second + heldOut->second);
        openTask(task.path, options);
        reopened |= 2;
    }
    if (opened) *opened = reopened;
    return d.adopt(std::move(recorded), path, mismatch);
}

}  // namespace sieve

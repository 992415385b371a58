#include "core/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "core/calibration/calibrate.h"
#include "core/common/device.h"
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

// A number for a log line, rounded for people ("1.000", "75.7").
std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
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
    ModelIdentity modelIdentity;

    bool haveTask = false;
    Task task;         // as loaded
    Task searchTask;   // evaluation = the search examples
    Task heldOutTask;  // evaluation = the held-out examples
    TaskInfo taskInfo;
    TaskIdentity taskIdentity;

    // The Grams of the calibration split and the token budget they were
    // accumulated with (RunSettings::maxCalibrationTokens).
    std::optional<CalibrationData> calibration;
    int64_t calibrationBudget = 0;
    struct Projected {
        LevelGrid grid;
        ProjectionSet set;
    };
    std::map<std::string, Projected> projections;

    Session session;

    // The dense model's per-example results on the search and held-out
    // examples (the playground compares against them), and the model and
    // task they belong to.
    std::string denseExamplesKey;
    EvalResult denseSearch, denseHeldOut;

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
    std::function<double(const JobContext&)> scorer(const Task& t) {
        return [this, &t](const JobContext& c) { return score(t, c); };
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

    Provenance freshProvenance() const {
        Provenance p;
        p.device = summary.device;
        p.dtype = summary.dtype;
        p.torchVersion = torchVersion();
        return p;
    }
    void startSession() { session.start(modelIdentity, taskIdentity, freshProvenance()); }

    // Every run begins here: valid settings, a model and a task, and a
    // session its results belong in.
    void beginRun(const RunSettings& s, const JobContext& context) {
        requireModel();
        requireTask();
        validateRunSettings(s);
        const std::string file =
            session.path().empty() ? std::string("the open session") : "the session " + session.path();
        if (session.isViewOnly()) {
            context.log(file +
                        " was made with another model or task: results go into a new untitled session");
            startSession();
            return;
        }
        const std::string conflict = session.settingsConflict(s.eps, s.grid);
        if (!conflict.empty()) {
            context.log(file + ": " + conflict + "; these settings start a new untitled session (the file " +
                        "is left as it is)");
            startSession();
        }
    }

    BaselineResult baseline(JobContext& context) {
        if (const auto b = session.baseline()) return *b;
        EvalOptions options;
        options.keepPredictions = false;
        const EvalResult r = evaluateTask(*model, tokenizer.get(), searchTask, options, context);
        BaselineResult b;
        b.a0 = r.score;
        b.tokensPerSecond = r.tokensPerSecond;
        b.examples = r.examples;
        for (const auto& e : r.perExample) b.correct.push_back(e.correct ? 1 : 0);
        session.setBaseline(b);
        context.log("baseline a0 = " + fixed(b.a0, 3) + " on " + std::to_string(b.examples) +
                    " search examples");
        context.emit(BaselineEvent{b});
        return b;
    }

    void calibrate(const RunSettings& s, JobContext& context) {
        calibration = sieve::calibrate(*model, calibrationSequences(), calibrationOptions(s), context);
        calibrationBudget = s.maxCalibrationTokens;
        // Factors of data methods depend on the Grams.
        for (auto it = projections.begin(); it != projections.end();)
            it = requireMethod(it->first).needsCalibration ? projections.erase(it) : std::next(it);
        CalibrationRecord record;
        record.examples = calibration->sequences();
        record.tokens = calibration->tokens();
        session.setCalibration(record);
        context.emit(CalibrationEvent{record.examples, record.tokens});
    }

    // The one place that decides whether a method needs (new) Grams.
    void calibrateFor(const MethodInfo& method, const RunSettings& s, JobContext& context) {
        if (!method.needsCalibration) return;
        if (calibration && calibrationBudget == s.maxCalibrationTokens) return;
        calibrate(s, context);
    }

    const ProjectionSet& project(const std::string& name, const RunSettings& s, JobContext& context) {
        const MethodInfo& method = requireMethod(name);
        if (method.uniformOnly)
            throw InputError("method '" + name +
                             "' has no single factorization (its factors depend on the levels of the blocks "
                             "before): it serves uniform sweeps only");
        calibrateFor(method, s, context);
        auto found = projections.find(name);
        if (found != projections.end() && found->second.grid == s.grid) return found->second.set;
        auto projection = makeProjection(name);
        ProjectionSetOptions options;
        options.factor.levels = s.grid;
        options.factor.seed = 0;
        ProjectionSet set = ProjectionSet::build(
            *projection, prunableLinears(*model),
            method.needsCalibration ? calibration->gramsPerMatrix() : std::vector<torch::Tensor>{}, options,
            context);
        projections.erase(name);
        return projections.emplace(name, Projected{s.grid, std::move(set)}).first->second.set;
    }

    PruningProblem problem(const RunSettings& s, double a0) const {
        return PruningProblem(summary.matrices, s.grid, a0, s.eps);
    }

    int64_t calibrationTokensFor(const MethodInfo& method) const {
        return method.needsCalibration && calibration ? calibration->tokens() : 0;
    }

    // Shows a loaded session; it becomes the live one (results append to it,
    // an interrupted GA resumes) when its model and task are the open ones.
    SessionData adopt(SessionData data, const std::string& path, std::string* mismatch);
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
    d.modelIdentity = ModelIdentity{d.summary, hash.files, hash.combined};
    d.calibration.reset();
    d.projections.clear();
    d.device = device;
    d.startSession();  // an open task stays open across a model change
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

    TaskIdentity& t = d.taskIdentity;
    t.name = d.taskInfo.name;
    t.path = absolutePath(path);
    t.hash = hashFiles({path}).combined;
    t.metric = d.taskInfo.metric;
    t.splitSizes = {{"calibration", d.taskInfo.calibrationExamples},
                    {"search", d.taskInfo.searchExamples},
                    {"held_out", d.taskInfo.heldOutExamples}};
    d.startSession();
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
std::vector<std::string> Engine::tokenizerDescription() const {
    return impl_->tokenizer ? impl_->tokenizer->describe() : std::vector<std::string>{};
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

// ---- the session ---------------------------------------------------------------------------

Session& Engine::session() {
    return impl_->session;
}
const Session& Engine::session() const {
    return impl_->session;
}

void Engine::newSession() {
    impl_->session.reset();
}

void Engine::saveSession(const std::string& path) {
    impl_->session.saveAs(path);
}

void Engine::useSessionFile(const std::string& path, const RunSettings* settings) {
    Impl& d = *impl_;
    std::error_code ec;
    if (fs::exists(path, ec)) {
        std::string mismatch;
        openSession(path, &mismatch);
        if (!mismatch.empty())
            throw InputError(path + " was made with another model or task: " + mismatch +
                             " (use a new --session file)");
        const std::string conflict =
            settings ? d.session.settingsConflict(settings->eps, settings->grid) : "";
        if (!conflict.empty())
            throw InputError(path + ": " + conflict +
                             " (use the same --eps and --grid, or a new --session file)");
        return;
    }
    d.session.saveAs(path);
}

SessionData Engine::openSession(const std::string& path, std::string* mismatch) {
    return impl_->adopt(SessionFile::load(path), path, mismatch);
}

SessionData Engine::Impl::adopt(SessionData data, const std::string& path, std::string* mismatch) {
    const std::string why = verifyIdentity(data, model ? modelIdentity.contentHash : std::string(),
                                           haveTask ? taskIdentity.hash : std::string());
    if (mismatch) *mismatch = why;
    if (why.empty() && model && haveTask)
        session.adopt(data, path);  // the same model and task: results extend it, a search resumes
    else
        session.show(data);
    return data;
}

SessionData Engine::openSessionWithInputs(const std::string& path, const DeviceChoice& device,
                                          JobContext& context, std::string* mismatch, int* opened) {
    Impl& d = *impl_;
    SessionData recorded = SessionFile::load(path);
    std::error_code ec;
    int reopened = 0;
    const std::string& modelPath = recorded.model.summary.path;
    if (!modelPath.empty() && fs::exists(modelPath, ec) &&
        (!d.model || d.modelIdentity.contentHash != recorded.model.contentHash)) {
        openModel(modelPath, device, context);
        reopened |= 1;
    }
    const TaskIdentity& task = recorded.task;
    if (!task.path.empty() && fs::exists(task.path, ec) &&
        (!d.haveTask || d.taskIdentity.hash != task.hash)) {
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

// ---- runs ------------------------------------------------------------------------------------

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
    return d.baseline(context);
}

void Engine::calibrate(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    validateRunSettings(settings);
    d.calibrate(settings, context);
}

bool Engine::isCalibrated() const {
    return impl_->calibration.has_value();
}

void Engine::project(const std::string& method, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    validateRunSettings(settings);
    d.project(method, settings, context);
}

double Engine::evaluateChromosome(const std::vector<int>& genes, const RunSettings& settings,
                                  JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const ProjectionSet& set = d.project(searchMethodOf(settings), settings, context);
    DenseRestoreGuard restore(set);
    ProjectionEvaluator evaluator(set, settings.grid, d.scorer(d.searchTask));
    return evaluator.accuracy(genes, context);
}

UniformResult Engine::uniform(const std::string& name, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const MethodInfo& method = requireMethod(name);
    const BaselineResult b = d.baseline(context);
    UniformResult result;
    if (method.evaluation == MethodEvaluation::Sequential) {
        SequentialEvaluator evaluator(*d.model, d.calibrationSequences(), d.calibrationOptions(settings),
                                      settings.grid, d.scorer(d.searchTask));
        result = uniformSearch(d.problem(settings, b.a0), evaluator, {name, settings.fullCurve}, context);
        evaluator.restoreDense();
    } else {
        SearchScope scope(d.project(name, settings, context), d.problem(settings, b.a0), settings.grid,
                          d.scorer(d.searchTask));
        result = uniformSearch(scope.problem, scope.evaluator, {name, settings.fullCurve}, context);
    }
    d.session.recordSettings(settings.eps, settings.grid, {name}, settings.ga.seed);
    d.session.putUniform(result);
    context.emit(UniformFinishedEvent{result});
    return result;
}

std::vector<UniformResult> Engine::uniformSweeps(const RunSettings& settings, JobContext& context) {
    std::vector<UniformResult> results;
    for (const std::string& m : settings.methods) results.push_back(uniform(m, settings, context));
    return results;
}

GaResult Engine::genetic(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const std::string name = searchMethodOf(settings);
    const MethodInfo& method = requireMethod(name);
    const BaselineResult b = d.baseline(context);

    // Seeded from the uniform optimum of the same method (swept if missing).
    const std::optional<UniformResult> swept = d.session.uniform(name);
    const double bestLevel = swept ? swept->bestLevel : uniform(name, settings, context).bestLevel;
    const int uniformBest =
        int(std::find(settings.grid.begin(), settings.grid.end(), bestLevel) - settings.grid.begin());
    const ProjectionSet& set = d.project(name, settings, context);

    // The session's search continues when nothing that changes a fitness
    // value has changed; otherwise it starts again.
    const GaResumeKey key(GaResumeInputs{name, settings.eps, settings.grid, d.modelIdentity.contentHash,
                                         d.taskIdentity.hash, d.taskInfo.searchExamples,
                                         d.calibrationTokensFor(method), settings.ga});
    std::string why;
    const std::optional<GaSession> stored = d.session.resumableGa(key, settings.ga.generations, &why);
    if (!why.empty()) context.log(why + ": the genetic search starts again");
    GaSession start;
    start.result.method = name;
    start.result.settings = settings.ga;
    start.resumeKey = key.text();
    GaCheckpoint checkpoint;
    if (stored) {
        start.result.generations = stored->result.generations;
        start.result.best = stored->result.best;
        start.rngState = stored->rngState;
        checkpoint = GaCheckpoint{stored->result.generations, stored->rngState};
    }
    d.session.recordSettings(settings.eps, settings.grid, {name}, settings.ga.seed);
    // The file holds the settings and the generations so far; each finished
    // generation is then appended, so a kill loses at most the one in flight.
    d.session.beginGa(start);

    SearchScope scope(set, d.problem(settings, b.a0), settings.grid, d.scorer(d.searchTask));
    GeneticSearch search(scope.problem, settings.ga);
    GaRunOptions options;
    options.method = name;
    options.uniformBestIndex = uniformBest;
    options.onGeneration = [&](const Generation& g, const std::string& rng) {
        d.session.appendGeneration(g, rng);
    };
    GaResult result = search.run(scope.evaluator, options, context, stored ? &checkpoint : nullptr);
    d.session.finishGa(result,
                       GeneticSearch::levelStatistics(scope.problem, result.generations.back().population));
    context.emit(GaFinishedEvent{result});
    return result;
}

SensitivityResult Engine::sensitivity(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const std::string name = searchMethodOf(settings);
    const BaselineResult b = d.baseline(context);
    SearchScope scope(d.project(name, settings, context), d.problem(settings, b.a0), settings.grid,
                      d.scorer(d.searchTask));
    SensitivityResult result = singleMatrixSensitivity(scope.problem, scope.evaluator,
                                                       {name, sensitivityLevelIndex(settings)}, context);
    d.session.recordSettings(settings.eps, settings.grid, {name}, settings.ga.seed);
    d.session.putSensitivity(result);
    context.emit(SensitivityFinishedEvent{result});
    return result;
}

HeldOutEval Engine::heldOut(const std::vector<int>& genes, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    if (d.heldOutTask.evaluation.empty())
        throw InputError("the task has no held-out examples (held-out fraction 0)");
    HeldOutEval e;
    e.taskName = d.taskInfo.name + " (held-out)";
    context.beginPhase("held-out", 2);
    e.denseAccuracy = d.score(d.heldOutTask, context);
    context.advance(1);
    const ProjectionSet& set = d.project(searchMethodOf(settings), settings, context);
    DenseRestoreGuard restore(set);
    ProjectionEvaluator evaluator(set, settings.grid, d.scorer(d.heldOutTask));
    e.prunedAccuracy = evaluator.accuracy(genes, context);
    e.removedFraction = d.problem(settings, std::max(e.denseAccuracy, 1e-9)).removedFraction(genes);
    context.advance(2);
    d.session.putEval(e);
    context.log("held-out check: dense " + fixed(e.denseAccuracy, 3) + ", pruned " +
                fixed(e.prunedAccuracy, 3) + " with " + fixed(100 * e.removedFraction, 1) + " % removed");
    context.emit(HeldOutEvent{e});
    return e;
}

void Engine::runAll(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    d.baseline(context);
    uniformSweeps(settings, context);
    const GaResult ga = genetic(settings, context);
    sensitivity(settings, context);
    if (!d.heldOutTask.evaluation.empty()) heldOut(ga.best.genes, settings, context);
}

ExportReport Engine::exportModel(const std::string& directory, ExportFormat format,
                                 std::optional<double> uniformLevel, const RunSettings& settings,
                                 JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    RunSettings s = settings;
    std::vector<int> genes;
    if (uniformLevel) {
        const auto it = std::find(s.grid.begin(), s.grid.end(), *uniformLevel);
        if (it == s.grid.end())
            throw InputError("level " + std::to_string(*uniformLevel) + " is not on the level grid");
        genes.assign(d.summary.matrices.size(), int(it - s.grid.begin()));
    } else {
        const std::optional<GaSession> ga = d.session.ga();
        if (!ga || ga->result.best.genes.empty())
            throw InputError(
                "the session has no genetic-search result to export: run the genetic search first, or "
                "export one uniform level");
        genes = ga->result.best.genes;
        s.searchMethod = ga->result.method;
        const SessionData data = d.session.snapshot();
        if (!data.provenance.levelGrid.empty()) s.grid = data.provenance.levelGrid;
    }
    validateRunSettings(s);
    const ProjectionSet& set = d.project(searchMethodOf(s), s, context);
    DenseRestoreGuard restore(set);
    if (genes.size() != size_t(set.matrixCount()))
        throw InputError("the chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(set.matrixCount()) + " matrices");
    set.apply(levelsOf(genes, s.grid));
    context.beginPhase("export", 1, directory);
    ExportReport report = sieve::exportModel(*d.model, directory, format, d.summary.path, searchMethodOf(s));
    context.advance(1);
    return report;
}

// ---- the playground ----------------------------------------------------------------------

namespace {

// What the example asked, as the task file wrote it.
std::string promptOf(const TaskExample& e) {
    if (!e.prompt.empty()) return e.prompt;
    if (!e.text.empty()) return e.text;
    std::string ids;
    for (int64_t id : e.promptIds.empty() ? e.ids : e.promptIds)
        ids += (ids.empty() ? "" : " ") + std::to_string(id);
    return ids;
}

// The answer that counts as right: the first answer, or the labelled choice.
std::string referenceOf(const TaskExample& e) {
    if (!e.answers.empty()) return e.answers.front();
    if (e.label >= 0 && e.label < int(e.choices.size())) return e.choices[size_t(e.label)];
    return {};
}

void appendOutcomes(ExampleSplit split, const Task& task, const EvalResult& dense, const EvalResult& pruned,
                    std::vector<ExampleOutcome>& out) {
    for (size_t i = 0; i < pruned.perExample.size(); ++i) {
        const ExampleResult& p = pruned.perExample[i];
        const TaskExample& example = task.evaluation.at(size_t(p.index));
        ExampleOutcome o;
        o.split = split;
        o.index = p.index;
        o.line = example.line;
        o.tag = example.tag;
        o.prompt = promptOf(example);
        o.reference = referenceOf(example);
        o.prunedAnswer = p.prediction;
        o.prunedScore = p.score;
        o.prunedCorrect = p.correct;
        if (i < dense.perExample.size()) {
            const ExampleResult& d = dense.perExample[i];
            o.denseAnswer = d.prediction;
            o.denseScore = d.score;
            o.denseCorrect = d.correct;
        }
        out.push_back(std::move(o));
    }
}

}  // namespace

ChromosomeEvaluation Engine::evaluateExamples(const std::vector<int>& genes, const RunSettings& settings,
                                              JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    validateRunSettings(settings);
    if (genes.size() != d.summary.matrices.size())
        throw InputError("the chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(d.summary.matrices.size()) + " matrices");
    const std::vector<double> levels = levelsOf(genes, settings.grid);  // InputError for a gene off the grid
    const std::string name = searchMethodOf(settings);

    EvalOptions options;
    options.keepPredictions = true;
    const bool haveHeldOut = !d.heldOutTask.evaluation.empty();
    // The dense answers change only with the model or the task.
    const std::string key = d.modelIdentity.contentHash + "|" + d.taskIdentity.hash + "|" +
                            std::to_string(d.searchTask.evaluation.size());
    if (d.denseExamplesKey != key) {
        d.denseExamplesKey.clear();
        d.denseSearch = evaluateTask(*d.model, d.tokenizer.get(), d.searchTask, options, context);
        d.denseHeldOut = haveHeldOut
                             ? evaluateTask(*d.model, d.tokenizer.get(), d.heldOutTask, options, context)
                             : EvalResult{};
        d.denseExamplesKey = key;
    }

    const ProjectionSet& set = d.project(name, settings, context);
    DenseRestoreGuard restore(set);
    set.apply(levels);
    const auto start = std::chrono::steady_clock::now();
    const EvalResult search = evaluateTask(*d.model, d.tokenizer.get(), d.searchTask, options, context);
    const EvalResult heldOut =
        haveHeldOut ? evaluateTask(*d.model, d.tokenizer.get(), d.heldOutTask, options, context)
                    : EvalResult{};

    ChromosomeEvaluation out;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.method = name;
    out.genes = genes;
    out.grid = settings.grid;
    out.eps = settings.eps;
    out.removedFraction = d.problem(settings, 1.0).removedFraction(genes);
    out.searchAccuracy = search.score;
    out.denseSearchAccuracy = d.denseSearch.score;
    out.heldOutAccuracy = heldOut.score;
    out.denseHeldOutAccuracy = d.denseHeldOut.score;
    out.searchExamples = search.examples;
    out.heldOutExamples = heldOut.examples;
    appendOutcomes(ExampleSplit::Search, d.searchTask, d.denseSearch, search, out.examples);
    if (haveHeldOut)
        appendOutcomes(ExampleSplit::HeldOut, d.heldOutTask, d.denseHeldOut, heldOut, out.examples);
    return out;
}

}  // namespace sieve

#include "core/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "core/calibration/calibrate.h"
#include "core/cluster/cluster_evaluator.h"
#include "core/cluster/wire.h"
#include "core/common/device.h"
#include "core/common/device_memory.h"
#include "core/common/error.h"
#include "core/engine/factor_broadcast.h"
#include "core/engine/projection_evaluator.h"
#include "core/engine/result_scoring.h"
#include "core/engine/sequential_evaluator.h"
#include "core/engine/streamed_projection.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "core/model/model_shape.h"
#include "core/plan/memory_planner.h"
#include "core/projection/factor_store.h"
#include "core/projection/projection_method.h"
#include "core/projection/projection_set.h"
#include "core/recovery/lora.h"
#include "core/recovery/peft_adapter.h"
#include "core/search/genetic_search.h"
#include "core/search/rng.h"
#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"
#include "core/session/content_hash.h"
#include "core/session/session_file.h"
#include "core/task/block_state_cache.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/task/task_scorer.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

namespace fs = std::filesystem;

namespace sieve {

namespace {

// A relative ridge as the log writes it ("1e-04"): from the constant, so the
// message cannot drift from the rule.
std::string ridgeText(double relative) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0e", relative);
    return text;
}

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
    Cluster* cluster = nullptr;  // the run's other ranks (not owned; null: one process)
    // Rank 0: the factor-store serial of each method's set the other ranks hold.
    std::map<std::string, uint64_t> sharedFactors;

    // Rank 0 tells the other ranks that the command is over: they serve
    // search after search (serveSearch) until then.
    ~Impl() {
        if (!cluster || !cluster->isRoot()) return;
        try {
            for (int r = 1; r < cluster->size(); ++r) cluster->send(r, kClusterEnd, {});
        } catch (...) {
            // Sending fails only when the run is ending anyway (MPI aborts it).
        }
    }
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

    // Calibration: the token budget it ran with (RunSettings::maxCalibrationTokens;
    // -1 = not calibrated), what it saw, and every layer's Grams when the
    // memory plan kept them (host memory), so that a later data method needs
    // no second pass.
    int64_t calibrationBudget = -1;
    CalibrationRecord calibrationRecord;
    std::optional<CalibrationData> calibration;
    // Every projected method's factors (one set per method and grid).
    FactorStore store;
    // The devices blocks are placed on (one = the model's device), the plan
    // of the last run and what its phases measured.
    std::vector<std::string> devices;
    MemoryPlan plan;
    std::vector<PhaseMeasurement> measurements;
    // Resident memory before the model was loaded: a CPU phase's peak is
    // measured above it, as the plan counts only what the run allocates.
    int64_t baselineResident = 0;
    // What the run holds of `measured` bytes on `device` (a meter's reading): on the
    // CPU above baselineResident; a GPU's counters hold this process's tensors alone.
    int64_t runBytes(const std::string& device, int64_t measured) const {
        return std::max<int64_t>(0, device == "cpu" ? measured - baselineResident : measured);
    }
    // Plan as if no device had more than this (0 = what the devices have).
    int64_t memoryLimit = 0;

    Session session;

    // The dense model's per-example results on the search and held-out
    // examples (the playground compares against them), and the model and
    // task they belong to.
    std::string denseExamplesKey;
    EvalResult denseSearch, denseHeldOut;

    // The search and held-out examples prepared once for scoring (reset with
    // the model or the task). The search examples are ordered by the dense
    // model's margins once known (choice tasks), least certain first, so that
    // an evaluation stopping early stops sooner; every search uses that order.
    std::unique_ptr<TaskScorer> searchScorer, heldOutScorer;
    bool searchOrdered = false;
    std::unique_ptr<BlockStateCache> states;
    int64_t statesBudget = -1;
    int64_t searchBatchTokens = ScorerOptions{}.batchTokens;
    // The context warning (generation cut short, issue 18 F5) is said once
    // per model and task: `eval` scores the whole evaluation split and then the search
    // part of it, which would repeat the same cut prompts.
    bool contextWarned = false;

    Model& requireModel() {
        if (!model) throw InputError("no model is open");
        return *model;
    }
    void requireTask() {
        if (!haveTask) throw InputError("no task is open");
    }

    void warnContext(const std::string& note, const JobContext& context) {
        if (note.empty() || contextWarned) return;
        context.log("warning: " + note);
        contextWarned = true;
    }

    void resetScorers() {
        denseExamplesKey.clear();  // the playground's dense answers (a model reopened in another dtype)
        searchScorer.reset();
        heldOutScorer.reset();
        searchOrdered = false;
        states.reset();
        statesBudget = -1;
        contextWarned = false;  // another model or task: its own warning
    }
    const TaskScorer& search() {
        if (!searchScorer) {
            ScorerOptions options;
            options.batchTokens = searchBatchTokens;
            searchScorer = std::make_unique<TaskScorer>(*model, tokenizer.get(), searchTask, options);
        }
        return *searchScorer;
    }
    const TaskScorer& heldOut() {
        if (!heldOutScorer)
            heldOutScorer = std::make_unique<TaskScorer>(*model, tokenizer.get(), heldOutTask);
        return *heldOutScorer;
    }
    // The dense model's outcomes on the search examples; they also fix the
    // search order (choice tasks: smallest dense margin first).
    TaskScore denseSearchScore(const JobContext& context, std::vector<ExampleOutcome>* outcomes = nullptr) {
        std::vector<ExampleOutcome> mine;
        if (!outcomes) outcomes = &mine;
        search();
        const TaskScore s = searchScorer->score(context, {}, outcomes);
        if (!searchOrdered && searchTask.spec.kind == TaskKind::Choice) {
            std::vector<double> margins;
            for (const ExampleOutcome& o : *outcomes) margins.push_back(o.margin);
            searchScorer->orderBy(margins);
            if (states) states->clear();  // batches changed
        }
        searchOrdered = true;
        return s;
    }
    // How searches score: the prepared search examples, early decisions and
    // state reuse as the settings ask. Orders the examples first (one dense
    // pass) when a0 came from a session file; call it with the model dense.
    SearchScoring searchScoring(const RunSettings& s, const JobContext& context) {
        if (s.speed.batchTokens != searchBatchTokens) {  // other batches: prepare and order them again
            searchBatchTokens = s.speed.batchTokens;
            searchScorer.reset();
            searchOrdered = false;
            if (states) states->clear();
        }
        if (!searchOrdered) denseSearchScore(quietChild(context));
        SearchScoring scoring;
        scoring.scorer = &search();
        scoring.earlyDecisions = s.speed.earlyDecisions;
        if (s.speed.reuseBytes > 0 && searchTask.spec.kind == TaskKind::Choice) {
            if (!states || statesBudget != s.speed.reuseBytes)
                states = std::make_unique<BlockStateCache>(s.speed.reuseBytes, s.speed.reuseStride);
            statesBudget = s.speed.reuseBytes;
            scoring.states = states.get();
        }
        return scoring;
    }
    std::vector<int> blockOfMatrix() const {
        std::vector<int> blocks;
        for (const MatrixInfo& m : summary.matrices) blocks.push_back(m.layer);
        return blocks;
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
        // A run that cannot fit stops here, before any work, saying why.
        checkPlan(s, {"load", "calibrate", "project", "search"}, context);
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
        context.beginPhase("evaluate", 1, searchTask.spec.name);
        const auto start = std::chrono::steady_clock::now();
        std::vector<ExampleOutcome> outcomes;
        const TaskScore s = denseSearchScore(context, &outcomes);
        const double seconds =
            std::max(1e-9, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        // With a0, once per session: generation the model's context cut short (issue 18, F5).
        warnContext(searchScorer->contextNote(), context);
        BaselineResult b;
        b.a0 = s.value();
        b.tokensPerSecond = double(s.promptTokens + s.generatedTokens) / seconds;
        b.examples = s.total;
        for (const ExampleOutcome& o : outcomes) b.correct.push_back(o.correct ? 1 : 0);
        session.setBaseline(b);
        context.log("baseline a0 = " + fixed(b.a0, 3) + " on " + std::to_string(b.examples) +
                    " search examples");
        context.emit(BaselineEvent{b});
        return b;
    }

    // ---- the memory plan ------------------------------------------------------------
    PlanRequest planRequest(const RunSettings& s) const {
        PlanRequest r;
        r.shape = modelShapeOf(model->config(), summary.path);
        r.dtype = model->dtype() == torch::kFloat32    ? DType::Float32
                  : model->dtype() == torch::kBFloat16 ? DType::BFloat16
                                                       : DType::Float16;
        r.methods = s.methods;
        r.searchMethod = searchMethodOf(s);
        r.grid = s.grid;
        r.int8Factors = s.int8Factors;
        r.fusedAttention = compat::kHasFusedAttention;
        r.calibrationBatch = CalibrationOptions{}.batchSize;
        if (haveTask && searchTask.spec.kind == TaskKind::Choice) r.reusedStateBytes = s.speed.reuseBytes;
        if (haveTask) {
            // The calibration split as the pass will see it.
            int64_t tokens = 0, longest = 1;
            for (const auto& seq : calibrationSequences()) {
                tokens += int64_t(seq.size());
                longest = std::max<int64_t>(longest, int64_t(seq.size()));
            }
            r.calibrationTokens =
                s.maxCalibrationTokens > 0 ? std::min(tokens, s.maxCalibrationTokens) : tokens;
            r.calibrationLength = longest;
            r.evaluationLength = longest;  // search examples are of the same task
        } else if (s.maxCalibrationTokens > 0) {
            r.calibrationTokens = s.maxCalibrationTokens;
        }
        const MemoryInfo host = hostMemory();
        // What this run may use: free memory now plus what the model already holds (the plan counts it).
        const int64_t held = runBytes("cpu", currentMemory("cpu"));
        r.host = PlanDevice{"host", host.total, host.available + held};
        for (const std::string& name : devices) {
            if (name == "cpu") {
                r.devices.push_back(PlanDevice{"cpu", host.total, host.available + held});
                continue;
            }
            const MemoryInfo gpu = deviceMemory(name);
            const int64_t used = std::max<int64_t>(0, currentMemory(name));
            r.devices.push_back(PlanDevice{
                name, gpu.total, std::max<int64_t>(0, gpu.available + used - gpuReserveBytes(gpu.total))});
        }
        if (memoryLimit > 0) {
            for (PlanDevice& d : r.devices) d.available = std::min(d.available, memoryLimit);
            r.host.available = std::min(r.host.available, memoryLimit);
        }
        return r;
    }

    // Plans the run for `s`; refuses (InputError naming the phase, the
    // memory and what to change) when a phase in `phases` cannot fit.
    const MemoryPlan& checkPlan(const RunSettings& s, const std::vector<std::string>& phases,
                                const JobContext& context) {
        MemoryPlan next = planMemory(planRequest(s));
        // GPU memory unknown (a build without CUDA figures): plan, but do not refuse.
        bool known = true;
        for (const PlanDevice& d : next.request.devices) known = known && d.capacity > 0;
        for (const std::string& phase : phases)
            if (known && !phaseFits(next, phase))
                throw InputError("not enough memory for this run: " + next.refusal);
        if (planKey(plan) != planKey(next)) context.log("memory plan:\n" + next.table());
        plan = std::move(next);
        return plan;
    }

    // What a plan predicts (not what is free): a new one is logged only when this changes.
    static std::string planKey(const MemoryPlan& p) {
        std::string key;
        for (const PhasePlan& phase : p.phases) {
            key += phase.name + (phase.fits ? "+" : "-") + std::to_string(phase.hostBytes);
            for (int64_t b : phase.deviceBytes) key += "," + std::to_string(b);
            key += ";";
        }
        return key;
    }

    StreamOptions streamOptions(const RunSettings& s) const {
        StreamOptions options;
        options.calibration = calibrationOptions(s);
        options.statesOnHost = plan.statesOnHost;
        if (plan.offloadBlocks) options.computeDevice = model->device();
        return options;
    }

    // ---- calibration and projection -------------------------------------------------------
    // The data methods of a run (sieve-sequential calibrates per chromosome instead).
    static std::vector<std::string> dataMethods(const RunSettings& s, const std::string& also = {}) {
        std::vector<std::string> names;
        auto add = [&](const std::string& m) {
            const MethodInfo& info = requireMethod(m);
            if (info.needsCalibration && !info.uniformOnly &&
                std::find(names.begin(), names.end(), m) == names.end())
                names.push_back(m);
        };
        for (const std::string& m : s.methods) add(m);
        add(searchMethodOf(s));
        if (!also.empty()) add(also);
        return names;
    }

    // One layer-streamed pass: the Grams block by block, and every data
    // method's factors (`methods`) made from them as each block is reached.
    void calibrateAndProject(const RunSettings& s, const std::vector<std::string>& methods,
                             JobContext& context) {
        checkPlan(s, {"load", "calibrate"}, context);
        store.evictCalibrated();  // factors of the old Grams
        calibration.reset();
        StreamedProjectionOptions options;
        options.stream = streamOptions(s);
        options.methods = methods;
        options.grid = s.grid;
        options.hostMethods = plan.offloadBlocks ? methods : plan.hostFactorMethods;
        options.keepGrams = plan.keepGrams;
        StreamedProjection result;
        {
            PhaseMeter meter(*this, "calibrate", context);
            result = sieve::calibrateAndProject(*model, calibrationSequences(), options, context);
        }
        for (auto& [name, set] : result.sets) {
            if (const auto& singular = set.singularGrams(); !singular.empty()) {
                std::string names;
                for (size_t i = 0; i < std::min<size_t>(3, singular.size()); ++i)
                    names += (i ? ", " : "") + singular[i];
                if (singular.size() > 3) names += ", ...";
                context.log(
                    name + ": " + std::to_string(singular.size()) + " of " +
                    std::to_string(set.matrixCount()) + " matrices (" + names +
                    ") have a Gram matrix singular at the requested ridge (their inputs span fewer "
                    "directions than they have features: few distinct tokens, dead channels, rounding "
                    "under outlier channels): whitened with the ridge raised up to " +
                    ridgeText(projection_detail::kMaxRelativeRidge) +
                    " of its mean diagonal, or by an eigen-decomposition where that did not do");
            }
            store.insert(name, s.grid, std::move(set));
        }
        calibration = std::move(result.grams);
        calibrationBudget = s.maxCalibrationTokens;
        calibrationRecord.examples = result.stats.sequences;
        calibrationRecord.tokens = result.stats.tokens;
        session.setCalibration(calibrationRecord);
        context.log("calibrated " + std::to_string(model->blockCount()) + " blocks on " +
                    std::to_string(result.stats.tokens) + " tokens (boundary states " +
                    bytesText(result.stats.stateBytes) + (plan.statesOnHost ? " in host memory" : "") +
                    ", largest block's Grams " + bytesText(result.stats.peakGramBytes) +
                    (calibration ? ", kept" : ", freed") + "); " + store.summary());
        for (const StreamPeak& p : result.stats.peaks)
            context.log("calibrate peak on " + p.device + " in block " + std::to_string(p.layer) + "'s " +
                        p.stage + ": " + bytesText(runBytes(p.device, p.heldAtStart)) +
                        " in use when it began, " + bytesText(runBytes(p.device, p.peak)) + " at the peak");
        context.emit(CalibrationEvent{calibrationRecord.examples, calibrationRecord.tokens});
    }

    void calibrate(const RunSettings& s, JobContext& context) {
        calibrateAndProject(s, dataMethods(s), context);
    }

    // Another model or task: no Grams, no factors.
    void resetCalibration() {
        calibration.reset();
        calibrationBudget = -1;
        calibrationRecord = CalibrationRecord{};
        store.clear();
    }

    bool calibratedFor(const RunSettings& s) const {
        return calibrationBudget == s.maxCalibrationTokens && calibrationBudget >= 0;
    }

    const ProjectionSet& project(const std::string& name, const RunSettings& s, JobContext& context) {
        const MethodInfo& method = requireMethod(name);
        if (method.uniformOnly)
            throw InputError("method '" + name +
                             "' has no single factorization (its factors depend on the levels of the blocks "
                             "before): it serves uniform sweeps only");
        if (!calibratedFor(s) && method.needsCalibration) {
            calibrateAndProject(s, dataMethods(s, name), context);
        }
        if (const ProjectionSet* found = store.find(name, s.grid)) return *found;
        if (method.needsCalibration && !calibration) {
            // The Grams were freed: one more streamed pass for this method.
            calibrateAndProject(s, dataMethods(s, name), context);
            if (const ProjectionSet* found = store.find(name, s.grid)) return *found;
        }
        checkPlan(s, {"project"}, context);
        auto projection = makeProjection(name);
        ProjectionSetOptions options;
        options.factor.levels = s.grid;
        options.factor.seed = 0;
        options.factorsOnHost = std::find(plan.hostFactorMethods.begin(), plan.hostFactorMethods.end(),
                                          name) != plan.hostFactorMethods.end();
        PhaseMeter meter(*this, "project:" + name, context);
        ProjectionSet set = ProjectionSet::build(
            *projection, prunableLinears(*model),
            method.needsCalibration ? calibration->gramsPerMatrix() : std::vector<torch::Tensor>{}, options,
            context);
        return store.insert(name, s.grid, std::move(set));
    }

    PruningProblem problem(const RunSettings& s, double a0) const {
        return PruningProblem(summary.matrices, s.grid, a0, s.eps);
    }

    // The uniform sweep of `method` again with its low-rank factors in 8
    // bits (core/projection/int8_factors.h), on the same search examples;
    // `floatSweep` is the sweep with the factors as computed. Nothing for a
    // method that keeps masks (Wanda): it has no factors to quantize.
    std::optional<Int8Curve> int8Sweep(const MethodInfo& method, const RunSettings& s, double a0,
                                       const UniformResult& floatSweep, JobContext& context) {
        if (!method.structured) {
            context.log("8-bit factors: " + method.name +
                        " keeps a mask, not low-rank factors; there is nothing to quantize, so it has no "
                        "8-bit curve");
            return std::nullopt;
        }
        const UniformSearchOptions options{method.name, s.fullCurve, /*int8Factors=*/true};
        UniformResult r;
        if (method.evaluation == MethodEvaluation::Sequential) {
            const TaskScorer& scorer = search();
            SequentialEvaluator evaluator(
                *model, calibrationSequences(), streamOptions(s), s.grid,
                [&](const JobContext& c) { return completeScore(scorer, c); }, /*int8Factors=*/true);
            r = uniformSearch(problem(s, a0), evaluator, options, context);
            evaluator.restoreDense();
        } else {
            const ProjectionSet& set = project(method.name, s, context);
            const SearchScoring scoring = searchScoring(s, context);
            DenseRestoreGuard restore(set);
            Int8ProjectionEvaluator evaluator(set, s.grid, *scoring.scorer);
            r = uniformSearch(problem(s, a0), evaluator, options, context);
        }
        // How far the 8-bit curve is from the float one, at the levels both have.
        double largest = 0;
        for (const UniformPoint& q : r.points)
            for (const UniformPoint& p : floatSweep.points)
                if (p.level == q.level) largest = std::max(largest, std::abs(p.accuracy - q.accuracy));
        char line[240];
        std::snprintf(
            line, sizeof line,
            "8-bit factors (%s): largest level within eps %.2f (float factors: %.2f); the accuracies "
            "differ by at most %.4f over the curve",
            method.name.c_str(), r.bestLevel, floatSweep.bestLevel, largest);
        context.log(line);
        return Int8Curve{r.points, r.bestLevel, r.bestAccuracy, r.bestRemovedFraction};
    }

    // Tells every other rank which search starts (its method and a0) and
    // sends it the method's factors (they are never computed twice), unless
    // an earlier search of this command sent the same set (the genetic
    // search's factors serve the sensitivity scan after it).
    void shareSearch(const std::string& method, double a0, const ProjectionSet& set,
                     const JobContext& context) {
        const auto start = std::chrono::steady_clock::now();
        const uint64_t serial = store.serial(set);
        const bool factorsFollow = serial == 0 || sharedFactors[method] != serial;
        for (int r = 1; r < cluster->size(); ++r)
            cluster->send(r, kClusterSearch,
                          WireWriter().text(method).f64(a0).i64(factorsFollow ? 1 : 0).bytes());
        if (!factorsFollow) return;
        sendFactors(set, *cluster);
        sharedFactors[method] = serial;
        char line[160];
        std::snprintf(line, sizeof line, "cluster: %s factors (%s) sent to %d ranks in %.1f s",
                      method.c_str(), bytesText(set.deviceBytes() + set.hostBytes()).c_str(),
                      cluster->size() - 1,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        context.log(line);
    }

    // Over a cluster: a search's evaluations handed out to every rank as a
    // work queue, rank 0 scoring with `local` too; null for one process. The
    // other ranks get the method's factors before the first job.
    std::unique_ptr<ClusterEvaluator> spreadOverRanks(const std::string& method, double a0,
                                                      const ProjectionSet& set, ChromosomeEvaluator& local,
                                                      const JobContext& context) {
        if (!cluster || cluster->size() < 2) return nullptr;
        return std::make_unique<ClusterEvaluator>(
            local, *cluster, [this, method, a0, &set, &context] { shareSearch(method, a0, set, context); });
    }

    // The search is over: the other ranks wait for the next one; the log says who scored what.
    static void endSpread(ClusterEvaluator* spread, const JobContext& context) {
        if (!spread) return;
        spread->release();
        context.log("cluster: " + spread->loadReport());
    }

    int64_t calibrationTokensFor(const MethodInfo& method) const {
        return method.needsCalibration && calibrationBudget >= 0 ? calibrationRecord.tokens : 0;
    }

    // Times a phase and measures its peak memory on the model's device (the
    // resident set on the CPU, torch's peak allocated bytes on a GPU) beside
    // the plan's prediction; logs both and keeps them (phaseMeasurements).
    class PhaseMeter {
    public:
        PhaseMeter(Impl& d, std::string phase, const JobContext& context)
            : d_(d),
              phase_(std::move(phase)),
              context_(context),
              device_(d.model->device().str()),
              start_(std::chrono::steady_clock::now()) {
            resetPeakMemory(device_);
        }
        ~PhaseMeter() {
            PhaseMeasurement m;
            m.phase = phase_;
            m.device = device_;
            m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
            const int64_t peak = peakMemory(device_);
            m.peakBytes = peak < 0 ? -1 : d_.runBytes(device_, peak);
            const std::string planned = phase_.rfind("project:", 0) == 0 ? "project" : phase_;
            if (const PhasePlan* p = d_.plan.phase(planned))
                if (!p->deviceBytes.empty()) m.plannedBytes = p->deviceBytes.front();
            char text[200];
            std::snprintf(text, sizeof text, "%s: %.1f s, peak %s on %s (planned %s)", phase_.c_str(),
                          m.seconds, m.peakBytes < 0 ? "not measurable" : bytesText(m.peakBytes).c_str(),
                          device_.c_str(), m.plannedBytes < 0 ? "-" : bytesText(m.plannedBytes).c_str());
            context_.log(text);
            d_.measurements.push_back(m);
        }
        PhaseMeter(const PhaseMeter&) = delete;
        PhaseMeter& operator=(const PhaseMeter&) = delete;

    private:
        Impl& d_;
        std::string phase_;
        const JobContext& context_;
        std::string device_;
        std::chrono::steady_clock::time_point start_;
    };

    // Shows a loaded session; it becomes the live one (results append to it,
    // an interrupted GA resumes) when its model and task are the open ones.
    SessionData adopt(SessionData data, const std::string& path, std::string* mismatch);

    // ---- held-out and generalisation scores (definitions at the end of the file) ----
    RunSettings settingsOfSession(const RunSettings& s) const;
    // Writes the model pruned to `genes` with searchMethodOf(s) on s.grid
    // (8-bit factors with s.int8Factors), with its forward speed beside the
    // dense model's; the model is dense again afterwards.
    ExportReport exportGenes(const std::string& directory, ExportFormat format, const std::vector<int>& genes,
                             const RunSettings& s, JobContext& context);
    EvalResult scoreAll(const Task& t, const JobContext& parent);
    HeldOutEval scoreApplied(const AppliedResult& applied, const Task& t, const EvalResult& dense,
                             const RunSettings& s, JobContext& context);
    void record(HeldOutEval& e, const std::string& split, JobContext& context);
};

namespace {

// One line per GA generation on what the speed-ups saved: how much of the
// search examples the population needed before its feasibility was certain,
// and the block forwards resumed from stored states.
std::string generationSpeedReport(const Generation& g, int64_t examples, const BlockStateCache::Stats& now,
                                  const BlockStateCache::Stats& before) {
    double scored = 0;
    for (const Individual& ind : g.population)
        scored += ind.scoredExamples == 0
                      ? 1.0
                      : double(ind.scoredExamples) / double(std::max<int64_t>(1, examples));
    char line[320];
    int n = std::snprintf(
        line, sizeof line,
        "generation %d: %d new evaluations; early decisions: %.0f %% of the search examples "
        "scored on average",
        g.index, g.evaluations, 100.0 * scored / double(std::max<size_t>(1, g.population.size())));
    const int64_t lookups = now.lookups - before.lookups, hits = now.hits - before.hits;
    const int64_t saved = now.savedBlocks - before.savedBlocks, run = now.runBlocks - before.runBlocks;
    if (lookups > 0 && n > 0 && size_t(n) < sizeof line)
        std::snprintf(
            line + n, sizeof line - size_t(n),
            "; state reuse: %lld of %lld batches resumed, %lld of %lld block forwards saved (%.0f MiB held)",
            (long long)hits, (long long)lookups, (long long)saved, (long long)(saved + run),
            double(now.bytes) / double(1 << 20));
    return line;
}

// A search's hold on the live model: the method's projections applied through
// the evaluator, and the model dense again when the scope ends (also on
// cancel or error).
struct SearchScope {
    SearchScope(const ProjectionSet& set, PruningProblem p, const LevelGrid& grid, SearchScoring scoring,
                std::vector<int> blockOfMatrix = {})
        : restore(set), problem(std::move(p)), evaluator(set, grid, scoring, std::move(blockOfMatrix)) {}
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
    Impl& d = *impl_;
    LoadOptions options;
    options.device = device;
    // Several devices: the first holds the embeddings and the lm_head, the
    // memory plan spreads the blocks (contiguous) so that each device fits.
    const std::vector<std::string> devices = device.devices.empty()
                                                 ? std::vector<std::string>{resolveDevice(device.device)}
                                                 : resolveDevices(device.devices);
    options.device.device = devices.front();
    if (!d.model) d.baselineResident = std::max<int64_t>(0, currentMemory("cpu"));
    if (devices.size() > 1 && !isFactorizedExport(path)) {
        PlanRequest request;
        request.shape = modelShapeOf(readCheckpointConfig(path), path);
        request.dtype = resolveDType(options.device);
        for (const std::string& name : devices) {
            const MemoryInfo memory = deviceMemory(name);
            request.devices.push_back(PlanDevice{
                name, memory.total,
                memory.total > 0 ? memory.available - gpuReserveBytes(memory.total) : int64_t(1) << 50});
        }
        const MemoryPlan placement = planMemory(request);
        for (int block : placement.blockDevice) options.blockDevices.push_back(devices[size_t(block)]);
    }
    auto model = isFactorizedExport(path) ? loadFactorizedModel(path, options) : Model::load(path, options);
    context.advance(1, "tokenizer");
    std::unique_ptr<Tokenizer> tokenizer;
    const std::string tok = tokenizerPath.empty() ? findTokenizer(path) : tokenizerPath;
    if (!tok.empty()) tokenizer = Tokenizer::load(tok);
    // Ids past the model's embeddings would fail deep inside the forward.
    if (tokenizer && tokenizer->vocabSize() > model->config().vocab)
        throw InputError("tokenizer '" + tok + "' has " + std::to_string(tokenizer->vocabSize()) +
                         " tokens, more than the model '" + path + "' has embeddings for (" +
                         std::to_string(model->config().vocab) + "): they do not belong together");
    context.advance(2, "hashing weights");
    const ContentHash hash = hashFiles(weightFilesOf(path));
    context.advance(3);

    d.model = std::move(model);
    d.tokenizer = std::move(tokenizer);
    d.summary = d.model->summary();
    d.summary.path = absolutePath(path);
    if (devices.size() > 1) {
        d.summary.device.clear();
        for (size_t i = 0; i < devices.size(); ++i) d.summary.device += (i ? "," : "") + devices[i];
    }
    d.modelIdentity = ModelIdentity{d.summary, hash.files, hash.combined};
    d.resetCalibration();
    d.resetScorers();
    d.device = device;
    d.devices = devices;
    d.plan.phases.clear();  // the next run logs its plan
    d.measurements.clear();
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
    d.resetScorers();  // they refer to the tasks replaced here
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
    d.resetCalibration();

    TaskIdentity& t = d.taskIdentity;
    t.name = d.taskInfo.name;
    t.path = absolutePath(path);
    t.hash = hashFiles(taskFiles(path, d.task.spec)).combined;  // the split files it names too
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

SessionData Engine::followSession(const std::string& path) {
    SessionData data = SessionFile::load(path);
    impl_->session.show(data);
    return data;
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

namespace {

// "genetic search: 120 evaluations in 64.2 s (1.869 per second)": the search's
// own rate (loading, the baseline, calibration and projection left out), the
// line bench/bench_mpi.py compares across rank counts.
void logRate(JobContext& context, const char* what, int64_t count, const char* unit,
             std::chrono::steady_clock::time_point start) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[160];
    std::snprintf(line, sizeof line, "%s: %lld %s in %.1f s (%.3f per second)", what, (long long)count, unit,
                  seconds, double(count) / std::max(seconds, 1e-9));
    context.log(line);
}

// Up to `count` tokens for a speed measurement: the calibration sequences
// one after the other as one sequence (no padding in the measurement).
std::vector<int64_t> speedTokensOf(const std::vector<std::vector<int64_t>>& sequences, size_t count) {
    std::vector<int64_t> tokens;
    for (const auto& sequence : sequences)
        for (int64_t id : sequence) {
            if (tokens.size() == count) return tokens;
            tokens.push_back(id);
        }
    return tokens;
}

// Tokens per wall-clock second of one forward over `tokens`, best of 3 after
// a warm-up (the model as it is now: dense or with factors applied).
double forwardTokensPerSecond(const Model& model, const std::vector<int64_t>& tokens) {
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::tensor(tokens, torch::kLong).unsqueeze(0).to(model.device());
    model.forward(ids);
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const torch::Tensor logits = model.forward(ids);
        logits.sum().item<double>();  // waits for the device
        best =
            std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return double(tokens.size()) / std::max(best, 1e-9);
}

}  // namespace

ExportReport Engine::Impl::exportGenes(const std::string& directory, ExportFormat format,
                                       const std::vector<int>& genes, const RunSettings& s,
                                       JobContext& context) {
    validateRunSettings(s);
    const ProjectionSet& set = project(searchMethodOf(s), s, context);
    DenseRestoreGuard restore(set);
    if (genes.size() != size_t(set.matrixCount()))
        throw InputError("the chromosome has " + std::to_string(genes.size()) + " genes, the model " +
                         std::to_string(set.matrixCount()) + " matrices");
    // --int8: the 8-bit model (its factors quantized and dequantized), so that
    // a dense export multiplies those back and a factorized one stores them.
    if (s.int8Factors)
        set.applyInt8(levelsOf(genes, s.grid));
    else
        set.apply(levelsOf(genes, s.grid));
    context.beginPhase("export", 1, directory);
    ExportReport report =
        sieve::exportModel(*model, directory, format, summary.path, searchMethodOf(s), s.int8Factors);
    context.advance(1);
    // What the export buys at run time, measured here on the calibration
    // tokens: the factorized form multiplies with B and A (a dense export has
    // the dense model's shapes, and so its speed), then the dense model.
    const std::vector<int64_t> tokens =
        speedTokensOf(calibrationSequences(), size_t(std::min<int64_t>(256, model->config().maxPositions)));
    if (!tokens.empty()) {
        report.speedTokens = int64_t(tokens.size());
        const bool factorized = format == ExportFormat::Factorized;
        const double exported = factorized ? forwardTokensPerSecond(*model, tokens) : 0.0;  // applied
        set.restoreDense();
        report.denseTokensPerSecond = forwardTokensPerSecond(*model, tokens);
        report.tokensPerSecond = factorized ? exported : report.denseTokensPerSecond;
    }
    return report;
}

double Engine::evaluateDense(JobContext& context, std::map<std::string, double>* scoreByTag) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    EvalOptions options;
    options.keepPredictions = false;
    const EvalResult r = evaluateTask(*d.model, d.tokenizer.get(), d.task, options, context);
    d.warnContext(r.contextNote, context);
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
    return impl_->calibrationBudget >= 0;
}

void Engine::setMemoryLimit(int64_t bytes) {
    impl_->memoryLimit = std::max<int64_t>(0, bytes);
}

MemoryPlan Engine::plan(const RunSettings& settings) const {
    const Impl& d = *impl_;
    if (!d.model) throw InputError("no model is open");
    validateRunSettings(settings);
    return planMemory(d.planRequest(settings));
}

const MemoryPlan& Engine::lastPlan() const {
    return impl_->plan;
}

const std::vector<PhaseMeasurement>& Engine::phaseMeasurements() const {
    return impl_->measurements;
}

std::string Engine::factorStoreSummary() const {
    return impl_->store.summary();
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
    const SearchScoring scoring = d.searchScoring(settings, context);
    DenseRestoreGuard restore(set);
    ProjectionEvaluator evaluator(set, settings.grid, scoring);
    return evaluator.accuracy(genes, context);
}

UniformResult Engine::uniform(const std::string& name, const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const MethodInfo& method = requireMethod(name);
    const BaselineResult b = d.baseline(context);
    UniformResult result;
    if (method.evaluation == MethodEvaluation::Sequential) {
        d.checkPlan(settings, {"load", "calibrate", "search"}, context);
        const TaskScorer& scorer = d.search();
        SequentialEvaluator evaluator(*d.model, d.calibrationSequences(), d.streamOptions(settings),
                                      settings.grid,
                                      [&](const JobContext& c) { return completeScore(scorer, c); });
        result = uniformSearch(d.problem(settings, b.a0), evaluator, {name, settings.fullCurve}, context);
        evaluator.restoreDense();
    } else {
        const ProjectionSet& set = d.project(name, settings, context);
        SearchScope scope(set, d.problem(settings, b.a0), settings.grid, d.searchScoring(settings, context));
        // Over a cluster, the search method's curve is spread as the searches
        // after it are (the other ranks hold only that method's factors).
        const std::unique_ptr<ClusterEvaluator> spread =
            name == searchMethodOf(settings) ? d.spreadOverRanks(name, b.a0, set, scope.evaluator, context)
                                             : nullptr;
        ChromosomeEvaluator& evaluator =
            spread ? static_cast<ChromosomeEvaluator&>(*spread) : scope.evaluator;
        result = uniformSearch(scope.problem, evaluator, {name, settings.fullCurve}, context);
        Impl::endSpread(spread.get(), context);
    }
    if (settings.int8Factors) result.int8 = d.int8Sweep(method, settings, b.a0, result, context);
    d.session.recordSettings(settings.eps, settings.grid, {name}, settings.ga.seed);
    d.session.putUniform(result);
    context.emit(UniformFinishedEvent{result});
    return result;
}

std::vector<UniformResult> Engine::uniformSweeps(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    std::vector<UniformResult> results;
    for (const std::string& m : settings.methods) {
        results.push_back(uniform(m, settings, context));
        // The run moves on: a method's factors go when the plan needs their memory
        // (the search method's stay for the genetic search, the scan and exports).
        if (d.plan.evictAfterSweep && m != searchMethodOf(settings) && d.store.has(m)) {
            d.store.evict(m);
            context.log("factors of " + m + " evicted; " + d.store.summary());
        }
    }
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
    std::optional<GaSession> stored = d.session.resumableGa(key, settings.ga.generations, &why);
    if (stored && !SearchRng::validState(stored->rngState)) {
        why = "the session's genetic search has a damaged random state (it cannot continue on its stream)";
        stored.reset();
    }
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

    SearchScope scope(set, d.problem(settings, b.a0), settings.grid, d.searchScoring(settings, context),
                      d.blockOfMatrix());
    GeneticSearch search(scope.problem, settings.ga);
    GaRunOptions options;
    options.method = name;
    options.uniformBestIndex = uniformBest;
    BlockStateCache::Stats reuseBefore = d.states ? d.states->stats() : BlockStateCache::Stats{};
    options.onGeneration = [&](const Generation& g, const std::string& rng) {
        d.session.appendGeneration(g, rng);
        const BlockStateCache::Stats reuse = d.states ? d.states->stats() : BlockStateCache::Stats{};
        context.log(generationSpeedReport(g, d.taskInfo.searchExamples, reuse, reuseBefore));
        reuseBefore = reuse;
    };
    // Over a cluster: the same search, its evaluations handed out to every rank.
    const std::unique_ptr<ClusterEvaluator> spread =
        d.spreadOverRanks(name, b.a0, set, scope.evaluator, context);
    ChromosomeEvaluator& evaluator = spread ? static_cast<ChromosomeEvaluator&>(*spread) : scope.evaluator;
    const auto searchStart = std::chrono::steady_clock::now();
    GaResult result;
    {
        // The plan's "search" figure is for its largest evaluation batch: an upper bound here.
        Impl::PhaseMeter meter(d, "search", context);
        result = search.run(evaluator, options, context, stored ? &checkpoint : nullptr);
    }
    int evaluations = 0;
    for (size_t g = stored ? stored->result.generations.size() : 0; g < result.generations.size(); ++g)
        evaluations += result.generations[g].evaluations;
    logRate(context, "genetic search", evaluations, "evaluations", searchStart);
    Impl::endSpread(spread.get(), context);
    d.session.finishGa(result,
                       GeneticSearch::levelStatistics(scope.problem, result.generations.back().population));
    context.emit(GaFinishedEvent{result});
    return result;
}

void Engine::setCluster(Cluster* cluster) {
    impl_->cluster = cluster;
}

int64_t Engine::serveSearch(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    if (!d.cluster || d.cluster->isRoot())
        throw std::logic_error("serveSearch: only ranks other than 0 of a cluster serve");
    d.beginRun(settings, context);
    // While rank 0 calibrates: the search examples prepared and ordered by the
    // dense model's margins, exactly as rank 0 orders them (one dense pass).
    const SearchScoring scoring = d.searchScoring(settings, context);
    // Search after search (`run`: the genetic search, then the sensitivity
    // scan), until rank 0 says the command is over.
    int64_t served = 0;
    for (;;) {
        const ClusterMessage m = d.cluster->receive(0, -1);
        if (m.tag == kClusterEnd) return served;
        if (m.tag == kClusterStop) continue;  // a search that needed no evaluations
        if (m.tag != kClusterSearch)
            throw std::runtime_error("rank " + std::to_string(d.cluster->rank()) +
                                     ": expected a search to start, got message tag " +
                                     std::to_string(m.tag));
        WireReader in(m.bytes, "search from rank 0");
        const std::string name = in.text();
        const double a0 = in.f64();
        const bool factorsFollow = in.i64() != 0;
        in.finish();
        if (name != searchMethodOf(settings))
            throw InputError("rank 0 searches with '" + name + "', this rank was started for '" +
                             searchMethodOf(settings) + "': every rank must run the same command");
        const ProjectionSet* held = d.store.find(name, settings.grid);
        if (factorsFollow) {
            ProjectionSetOptions options;
            options.factor.levels = settings.grid;
            options.factor.seed = 0;
            options.factorsOnHost =
                std::find(d.plan.hostFactorMethods.begin(), d.plan.hostFactorMethods.end(), name) !=
                d.plan.hostFactorMethods.end();
            ProjectionSet set =
                ProjectionSet::start(*makeProjection(name), prunableLinears(*d.model), options);
            receiveFactors(set, *d.cluster, 0);
            held = &d.store.insert(name, settings.grid, std::move(set));
        } else if (!held) {
            throw std::logic_error("rank 0 reuses " + name + " factors this rank never received");
        }
        SearchScope scope(*held, d.problem(settings, a0), settings.grid, scoring, d.blockOfMatrix());
        served += serveChromosomes(scope.evaluator, scope.problem, *d.cluster, context);
    }
}

SensitivityResult Engine::sensitivity(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    const std::string name = searchMethodOf(settings);
    const BaselineResult b = d.baseline(context);
    const ProjectionSet& set = d.project(name, settings, context);
    SearchScoring scoring = d.searchScoring(settings, context);
    // Its own cache, freed when the scan ends: the dense model's states at
    // block boundaries (the genetic search's cache keeps its own states).
    std::optional<BlockStateCache> densePrefixes;
    if (scoring.states) {
        scoring.states = &densePrefixes.emplace(settings.speed.reuseBytes, settings.speed.reuseStride);
        scoring.densePrefixesOnly = true;
    }
    SearchScope scope(set, d.problem(settings, b.a0), settings.grid, scoring, d.blockOfMatrix());
    // Over a cluster: the variants handed out to every rank, as the genetic search's chromosomes.
    const std::unique_ptr<ClusterEvaluator> spread =
        d.spreadOverRanks(name, b.a0, set, scope.evaluator, context);
    ChromosomeEvaluator& evaluator = spread ? static_cast<ChromosomeEvaluator&>(*spread) : scope.evaluator;
    const auto scanStart = std::chrono::steady_clock::now();
    SensitivityResult result =
        singleMatrixSensitivity(scope.problem, evaluator, {name, sensitivityLevelIndex(settings)}, context);
    logRate(context, "sensitivity scan", int64_t(result.accuracy.size()), "variants", scanStart);
    Impl::endSpread(spread.get(), context);
    if (densePrefixes) {
        const BlockStateCache::Stats reuse = densePrefixes->stats();
        const int64_t forwards = reuse.savedBlocks + reuse.runBlocks;
        char line[200];
        std::snprintf(line, sizeof line,
                      "sensitivity: %lld of %lld block forwards resumed from the dense model's states "
                      "(%.0f %%, %.0f MiB held)",
                      (long long)reuse.savedBlocks, (long long)forwards,
                      100.0 * double(reuse.savedBlocks) / double(std::max<int64_t>(1, forwards)),
                      double(reuse.bytes) / (1 << 20));
        context.log(line);
    }
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
    context.beginPhase("held-out", 2);
    const EvalResult dense = d.scoreAll(d.heldOutTask, context);
    context.advance(1);
    const AppliedResult applied{ResultSource{true, {}}, searchMethodOf(settings), genes};
    HeldOutEval e = d.scoreApplied(applied, d.heldOutTask, dense, settings, context);
    // "ga" names the session's search best; any other chromosome is just that.
    const std::optional<GaSession> ga = d.session.ga();
    if (!ga || ga->result.best.genes != genes || ga->result.method != applied.method) e.source = "chromosome";
    e.taskName = d.taskInfo.name + " (held-out)";
    e.taskPath = d.taskIdentity.path;
    context.advance(2);
    d.record(e, kHeldOutSplit, context);
    return e;
}

void Engine::runAll(const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.beginRun(settings, context);
    d.baseline(context);
    uniformSweeps(settings, context);
    const GaResult ga = genetic(settings, context);
    sensitivity(settings, context);
    if (!d.heldOutTask.evaluation.empty() && !ga.best.genes.empty()) heldOutAll(settings, context);
    context.log(d.store.summary());
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
    return d.exportGenes(directory, format, genes, s, context);
}

ExportReport Engine::exportResult(const std::string& directory, ExportFormat format,
                                  const ResultSource& source, const RunSettings& settings,
                                  JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    // The session's grid and calibration budget: the factors its searches scored.
    RunSettings s = d.settingsOfSession(settings);
    const AppliedResult applied =
        resolveResult(d.session.snapshot(), source, s.grid, d.summary.matrices.size());
    s.searchMethod = applied.method;
    return d.exportGenes(directory, format, applied.genes, s, context);
}

// ---- recovery after pruning ----------------------------------------------------------------

LoraRun Engine::lora(const LoraTarget& target, const LoraSettings& lora, const RunSettings& settings,
                     JobContext& context, const std::string& exportDirectory) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    validateLoraSettings(lora);
    // Refused now, not after the training: where the export would go.
    if (!exportDirectory.empty()) requireEmptyExportDirectory(exportDirectory);
    // The session's grid and calibration budget: the factors its results were scored with.
    RunSettings s = d.settingsOfSession(settings);
    d.beginRun(s, context);
    LoraRun run;
    std::vector<int> genes;
    if (target.level >= 0) {
        const auto it = std::find(s.grid.begin(), s.grid.end(), target.level);
        if (it == s.grid.end() || target.level == 0.0)
            throw InputError("LoRA: level " + std::to_string(target.level) +
                             " is not a pruning level of the grid");
        run.method = searchMethodOf(s);
        run.source = "level:" + run.method;
        run.level = target.level;
        genes.assign(d.summary.matrices.size(), int(it - s.grid.begin()));
    } else {
        const ResultSource source = parseResultSource(target.result, "LoRA target");
        const AppliedResult applied =
            resolveResult(d.session.snapshot(), source, s.grid, d.summary.matrices.size());
        run.method = applied.method;
        run.source = resultSourceText(source);
        genes = applied.genes;
    }
    if (requireMethod(run.method).evaluation == MethodEvaluation::Sequential)
        throw InputError("LoRA: method '" + run.method +
                         "' prunes with factors that depend on the blocks before: recover a result of "
                         "another method");
    s.searchMethod = run.method;
    run.settings = lora;
    run.removedFraction = d.problem(s, 1.0).removedFraction(genes);
    run.int8Factors = s.int8Factors;

    const ProjectionSet& set = d.project(run.method, s, context);
    DenseRestoreGuard restore(set);  // also removes the adapters
    if (s.int8Factors)
        set.applyInt8(levelsOf(genes, s.grid));
    else
        set.apply(levelsOf(genes, s.grid));
    const bool heldOut = !d.heldOutTask.evaluation.empty();
    auto scores = [&](double& search, double& held) {
        const EvalResult r = d.scoreAll(d.searchTask, context);
        search = r.score;
        run.searchExamples = r.examples;
        if (heldOut) {
            const EvalResult h = d.scoreAll(d.heldOutTask, context);
            held = h.score;
            run.heldOutExamples = h.examples;
        }
    };
    context.beginPhase("evaluate", 1, "before LoRA");
    scores(run.searchBefore, run.heldOutBefore);

    Model& model = *d.model;
    run.adapterParams = attachLoraAdapters(model, lora);
    const auto start = std::chrono::steady_clock::now();
    run.loss = trainLora(model, answerSequences(d.task, d.tokenizer.get(), model.config().maxPositions), lora,
                         model.config().padTokenId.value_or(0), context);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    context.beginPhase("evaluate", 1, "after LoRA");
    scores(run.searchAfter, run.heldOutAfter);

    if (!exportDirectory.empty()) {
        context.beginPhase("export", 1, exportDirectory);
        // The base peft loads the adapters onto: the pruned model, dense (B A multiplied back).
        sieve::exportModel(model, exportDirectory, ExportFormat::Dense, d.summary.path, run.method,
                           s.int8Factors);
        writePeftAdapter(model, lora, (std::filesystem::path(exportDirectory) / "adapter").string(), "..");
        context.advance(1);
    }
    d.session.putLora(run);
    context.emit(LoraFinishedEvent{run});
    context.log(
        "LoRA on " + run.source + (run.level >= 0 ? " at level " + fixed(run.level, 2) : "") + " (" +
        run.method + (run.int8Factors ? ", 8-bit factors" : "") + ", " + fixed(100 * run.removedFraction, 1) +
        " % of the prunable parameters removed): search " + fixed(run.searchBefore, 3) + " -> " +
        fixed(run.searchAfter, 3) +
        (heldOut ? ", held-out " + fixed(run.heldOutBefore, 3) + " -> " + fixed(run.heldOutAfter, 3) : "") +
        ", loss " + fixed(run.loss.front(), 4) + " -> " + fixed(run.loss.back(), 4) + " in " +
        std::to_string(lora.steps) + " steps");
    return run;
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
                    std::vector<ExampleComparison>& out) {
    for (size_t i = 0; i < pruned.perExample.size(); ++i) {
        const ExampleResult& p = pruned.perExample[i];
        const TaskExample& example = task.evaluation.at(size_t(p.index));
        ExampleComparison o;
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

// ---- held-out and generalisation scores --------------------------------------------------

// A session's results were made with its grid and eps; its Grams with a
// token budget that calibrating up to the recorded token count reproduces
// (calibration stops after the batch that reaches the budget).
RunSettings Engine::Impl::settingsOfSession(const RunSettings& s) const {
    RunSettings out = s;
    const SessionData data = session.snapshot();
    if (!data.provenance.levelGrid.empty()) out.grid = data.provenance.levelGrid;
    if (data.provenance.eps > 0) out.eps = data.provenance.eps;
    if (data.calibration && data.calibration->tokens > 0)
        out.maxCalibrationTokens = calibration && calibration->tokens() == data.calibration->tokens
                                       ? calibrationBudget
                                       : data.calibration->tokens;
    return out;
}

EvalResult Engine::Impl::scoreAll(const Task& t, const JobContext& parent) {
    JobContext child = quietChild(parent);
    EvalOptions options;
    options.keepPredictions = false;
    return evaluateTask(*model, tokenizer.get(), t, options, child);
}

HeldOutEval Engine::Impl::scoreApplied(const AppliedResult& applied, const Task& t, const EvalResult& dense,
                                       const RunSettings& s, JobContext& context) {
    EvalResult pruned;
    const auto score = [&](const JobContext& c) {
        pruned = scoreAll(t, c);
        return pruned.score;
    };
    const bool dense0 = std::all_of(applied.genes.begin(), applied.genes.end(), [](int g) { return g == 0; });
    if (dense0) {
        pruned = dense;  // level 0 everywhere is the dense model
    } else if (requireMethod(applied.method).evaluation == MethodEvaluation::Sequential) {
        SequentialEvaluator evaluator(*model, calibrationSequences(), streamOptions(s), s.grid, score);
        struct Restore {
            SequentialEvaluator& e;
            ~Restore() { e.restoreDense(); }
        } restore{evaluator};
        evaluator.accuracy(applied.genes, context);
    } else {
        const ProjectionSet& set = project(applied.method, s, context);
        DenseRestoreGuard restore(set);
        set.apply(levelsOf(applied.genes, s.grid));
        score(context);
    }
    HeldOutEval e = pairedScore(dense, pruned);
    e.source = resultSourceText(applied.source);
    e.method = applied.method;
    e.removedFraction = problem(s, 1.0).removedFraction(applied.genes);
    return e;
}

void Engine::Impl::record(HeldOutEval& e, const std::string& split, JobContext& context) {
    e.split = split;
    session.putEval(e);
    context.log(e.taskName + ", " + e.source + " (" + e.method + "): dense " + fixed(e.denseAccuracy, 3) +
                ", pruned " + fixed(e.prunedAccuracy, 3) + " on " + std::to_string(e.examples) +
                " examples, " + fixed(100 * e.removedFraction, 1) + " % of the prunable parameters removed");
    context.emit(HeldOutEvent{e});
}

std::vector<HeldOutEval> Engine::heldOutAll(const RunSettings& settings, JobContext& context,
                                            bool onlyMissing) {
    Impl& d = *impl_;
    const RunSettings s = d.settingsOfSession(settings);
    d.beginRun(s, context);
    if (d.heldOutTask.evaluation.empty())
        throw InputError("the task has no held-out examples (held-out fraction 0)");
    const SessionData data = d.session.snapshot();
    std::vector<ResultSource> sources;
    for (const UniformResult& u : data.uniform) sources.push_back({false, u.method});
    if (data.ga && !data.ga->result.best.genes.empty()) sources.push_back({true, {}});
    if (onlyMissing)
        sources.erase(std::remove_if(sources.begin(), sources.end(),
                                     [&](const ResultSource& source) {
                                         return std::any_of(data.eval.begin(), data.eval.end(),
                                                            [&](const HeldOutEval& e) {
                                                                return e.split == kHeldOutSplit &&
                                                                       e.source == resultSourceText(source);
                                                            });
                                     }),
                      sources.end());
    if (sources.empty()) return {};
    context.beginPhase("held-out", int64_t(sources.size()) + 1, d.taskInfo.name);
    const EvalResult dense = d.scoreAll(d.heldOutTask, context);
    context.advance(1);
    std::vector<HeldOutEval> out;
    for (const ResultSource& source : sources) {
        const AppliedResult applied = resolveResult(data, source, s.grid, d.summary.matrices.size());
        HeldOutEval e = d.scoreApplied(applied, d.heldOutTask, dense, s, context);
        e.taskName = d.taskInfo.name + " (held-out)";
        e.taskPath = d.taskIdentity.path;
        d.record(e, kHeldOutSplit, context);
        out.push_back(std::move(e));
        context.advance(int64_t(out.size()) + 1, resultSourceText(source));
    }
    return out;
}

HeldOutEval Engine::evaluateOnTask(const std::string& taskPath, const ResultSource& source,
                                   const RunSettings& settings, JobContext& context) {
    Impl& d = *impl_;
    d.requireModel();
    d.requireTask();
    if (d.session.isViewOnly())
        throw InputError(
            "the session was made with another model or task than the open ones: open its model "
            "and task to apply its results");
    const RunSettings s = d.settingsOfSession(settings);
    d.beginRun(s, context);
    const Task other = loadTask(taskPath);
    const bool own = hashFiles(taskFiles(taskPath, other.spec)).combined == d.taskIdentity.hash;
    if (!own && other.evaluation.empty()) throw InputError(taskPath + ": the evaluation split is empty");
    const Task& scored = own ? d.heldOutTask : other;
    if (own && scored.evaluation.empty())
        throw InputError(taskPath + " is the session's own task, and it has no held-out examples");
    if (own) context.log(taskPath + " is the session's own task: its held-out examples are scored");
    const AppliedResult applied =
        resolveResult(d.session.snapshot(), source, s.grid, d.summary.matrices.size());
    context.beginPhase("evaluate on " + other.spec.name, 2, resultSourceText(source));
    const EvalResult dense = d.scoreAll(scored, context);
    context.advance(1);
    HeldOutEval e = d.scoreApplied(applied, scored, dense, s, context);
    e.taskName = own ? d.taskInfo.name + " (held-out)" : other.spec.name;
    e.taskPath = absolutePath(taskPath);
    context.advance(2);
    d.record(e, own ? kHeldOutSplit : kEvaluationSplit, context);
    return e;
}

}  // namespace sieve

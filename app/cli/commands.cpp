#include "app/cli/commands.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/plan_command.h"
#include "app/cli/progress_printer.h"
#include "app/cli/report.h"
#include "core/cluster/cluster.h"
#include "core/common/compute_threads.h"
#include "core/demo/train_demo.h"
#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/session/session_file.h"
#include "core/types/method_registry.h"
#include "core/types/statistics.h"

namespace sieve::cli {

namespace {

Cluster* g_cluster = nullptr;

// This process is one of several ranks, and not the one that owns the run.
bool isWorkerRank() {
    return g_cluster && g_cluster->size() > 1 && !g_cluster->isRoot();
}

// ---- shared options ----------------------------------------------------------
OptionSpec modelOption() {
    return {"model", "PATH", "model: HF directory, .gguf file or llama2.c .bin", "", true};
}
OptionSpec taskOption() {
    return {"task", "FILE", "task file (JSONL)", "", true};
}
std::vector<OptionSpec> commonOptions() {
    return {{"device", "NAME", "auto, cpu, cuda or cuda:N", "auto"},
            {"dtype", "NAME",
             "compute dtype: auto, bf16, f16 or f32 (auto: bf16 on CUDA; on the CPU bf16 where the processor "
             "multiplies it natively (AVX-512 BF16, AMX), else f32)",
             "auto"},
            {"devices", "LIST",
             "several devices, e.g. cuda:0,cuda:1: contiguous blocks on each, placed by the memory plan "
             "(overrides --device)",
             ""},
            {"memory-limit", "GB",
             "plan runs as if each device (and the host) had at most this much free memory, in GB (1e9 bytes)", ""},
            {"tokenizer", "PATH", "tokenizer file when not beside the model", ""},
            {"threads", "N", "CPU threads for torch and the BLAS under it (0 = their defaults)", "0"},
            {"devices-per-rank", "N",
             "under mpirun/srun: each rank takes N GPUs of its node, cuda:(local rank x N) onwards "
             "(0 = --device/--devices as given)",
             "0"},
            {"quiet", "", "print only errors and the final result", ""}};
}
std::vector<OptionSpec> taskOptions() {
    return {{"skip-bad-lines", "", "skip malformed task lines (counted) instead of refusing the file", ""},
            {"held-out", "FRACTION", "part of the evaluation split kept out of every search", "0.5"}};
}
std::vector<OptionSpec> searchOptions() {
    return {
        {"session", "FILE", "HDF5 session to read and extend (created if absent)", ""},
        {"methods", "LIST", "projection methods of the uniform sweeps: " + methodNameList(), "sieve"},
        {"method", "NAME",
         "method of the genetic search, the sensitivity scan and exports [default: the first of --methods "
         "that serves them]",
         ""},
        {"eps", "EPS", "accepted accuracy loss: keep >= (1 - eps) a0", "0.05"},
        {"grid", "LIST", "pruning levels (fraction removed), ascending from 0",
         "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"},
        {"population", "N", "GA population", "24"},
        {"generations", "N", "GA generations", "15"},
        {"patience", "N", "GA: stop after N generations without improvement", "8"},
        {"seed", "N", "GA random seed", "1234"},
        {"calibration-tokens", "N", "stop calibration after N tokens (0 = whole split)", "0"},
        {"int8", "",
         "uniform sweeps: sweep each method again with its low-rank factors in 8 bits (int8, one absmax "
         "scale per factor row) for an accuracy curve beside the float one (wanda keeps masks, not factors: "
         "it gets no 8-bit curve)",
         ""},
        {"no-early-decisions", "",
         "GA: score every example of every chromosome (the results are the same; only slower)", ""},
        {"batch-tokens", "N",
         "GA: tokens per scoring batch (smaller batches decide sooner, larger ones multiply faster)", "4096"},
        {"reuse-memory", "MIB",
         "GA: memory for hidden states reused across chromosomes that share their first blocks (0 = none)",
         "512"}};
}
std::vector<OptionSpec> concat(std::initializer_list<std::vector<OptionSpec>> parts) {
    std::vector<OptionSpec> all;
    for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
}

// The options as core's RunSettings; numbers outside their range are usage
// errors naming the option, anything else the engine refuses is bad input.
RunSettings runSettings(const Arguments& a) {
    RunSettings s;
    s.methods = a.list("methods");
    s.searchMethod = a.get("method");
    s.eps = a.number("eps", 1e-6, 0.999999);
    s.grid = a.numbers("grid");
    s.ga.population = int(a.integer("population", 2, 100000));
    s.ga.generations = int(a.integer("generations", 1, 1000000));
    s.ga.patience = int(a.integer("patience", 1, 1000000));
    s.ga.seed = uint64_t(a.integer("seed", 0, std::numeric_limits<long long>::max()));
    s.maxCalibrationTokens = a.integer("calibration-tokens", 0, int64_t(1) << 40);
    s.int8Factors = a.flag("int8");
    s.speed.earlyDecisions = !a.flag("no-early-decisions");
    s.speed.reuseBytes = a.integer("reuse-memory", 0, int64_t(1) << 26) << 20;
    s.speed.batchTokens = a.integer("batch-tokens", 16, int64_t(1) << 24);
    validateRunSettings(s);
    return s;
}

DeviceChoice deviceChoice(const Arguments& a) {
    DeviceChoice device;
    device.device = a.get("device");
    try {
        device.dtype = parseDType(a.get("dtype"));
    } catch (const InputError& e) {
        throw UsageError(std::string("--dtype: ") + e.what());
    }
    device.devices = a.list("devices");
    // Several ranks on one node: each its own GPUs.
    if (const int perRank = int(a.integer("devices-per-rank", 0, 1024)); perRank > 0 && g_cluster) {
        device.devices.clear();
        for (int k = 0; k < perRank; ++k)
            device.devices.push_back("cuda:" + std::to_string(g_cluster->localRank() * perRank + k));
    }
    return device;
}

// The engine with the model, the task and (when given) the session open.
struct Workbench {
    Engine engine;
    ProgressPrinter printer;
    JobContext context;

    Workbench(const Arguments& a, const CancelToken& cancel, bool withTask)
        : printer(a.flag("quiet") || isWorkerRank()),
          context([this](const Progress& p) { printer.onProgress(p); },
                  [this](const JobEvent& e) { printer.onEvent(e); }, cancel) {
        engine.setCluster(g_cluster);
        if (a.has("memory-limit")) engine.setMemoryLimit(int64_t(a.number("memory-limit", 0.001, 1e7) * 1e9));
        // Before any tensor work: OpenBLAS sizes its thread pool on first use.
        if (const int threads = int(a.integer("threads", 0, 4096)); threads > 0) setComputeThreads(threads);
        const ModelSummary& m = engine.openModel(a.get("model"), deviceChoice(a), context, a.get("tokenizer"));
        printer.message("model " + m.path + ": " + m.architecture + ", " + std::to_string(m.layers) +
                        " layers, " + std::to_string(m.totalParams) + " parameters on " + m.device + " in " +
                        m.dtype);
        if (!withTask) return;
        TaskOptions t;
        t.skipBadLines = a.flag("skip-bad-lines");
        t.heldOutFraction = a.number("held-out", 0.0, 0.99);
        const TaskInfo& info = engine.openTask(a.get("task"), t);
        printer.message(
            "task " + info.name + " (" + info.kind + ", " + info.metric +
            "): " + std::to_string(info.calibrationExamples) + " calibration, " +
            std::to_string(info.searchExamples) + " search, " + std::to_string(info.heldOutExamples) +
            " held-out examples" +
            (info.skippedLines ? ", " + std::to_string(info.skippedLines) + " bad lines skipped" : ""));
    }

    // Results of an earlier run of the same model, task and settings are
    // picked up (an interrupted GA resumes); every result is then saved as it
    // arrives.
    void useSession(const std::string& path, const RunSettings* settings) {
        if (path.empty()) return;
        const bool existed = std::filesystem::exists(path);
        engine.useSessionFile(path, settings);
        if (existed) printer.message("continuing session " + path);
    }
};

bool parseOrHelp(Arguments& a, const std::vector<std::string>& args) {
    if (!a.parse(args)) {
        std::cout << a.help();
        return false;
    }
    return true;
}

// ---- commands -----------------------------------------------------------------
int runInfo(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a(
        "info", "Print a model's architecture and its prunable matrices.",
        concat({{modelOption()}, commonOptions(), {{"json", "", "print JSON instead of a table", ""}}}));
    if (!parseOrHelp(a, args)) return kOk;
    Workbench w(a, cancel, false);
    const std::vector<std::string> tokenizer = w.engine.tokenizerDescription();
    std::cout << (a.flag("json") ? modelSummaryJson(w.engine.model(), tokenizer)
                                 : modelSummaryTable(w.engine.model(), tokenizer));
    return kOk;
}

// `sieve eval --session S --apply ga|uniform:METHOD --task OTHER`: a result of
// the session scored on another task (generalisation), beside the dense model
// on the same examples; the score is stored in the session.
int runEvalApplied(const Arguments& a, const CancelToken& cancel) {
    if (!a.has("session"))
        throw UsageError("sieve eval: --apply needs --session FILE (the session whose result is applied)");
    const ResultSource source = parseResultSource(a.get("apply"), "sieve eval --apply");
    ProgressPrinter printer(a.flag("quiet"));
    JobContext context([&](const Progress& p) { printer.onProgress(p); },
                       [&](const JobEvent& e) { printer.onEvent(e); }, cancel);
    Engine engine;
    DeviceChoice device;
    device.device = a.get("device");
    if (a.has("model")) engine.openModel(a.get("model"), device, context, a.get("tokenizer"));
    const std::string path = a.get("session");
    std::string mismatch;
    const SessionData recorded = engine.openSessionWithInputs(path, device, context, &mismatch);
    if (!engine.hasModel())
        throw InputError(path + ": its model " + recorded.model.summary.path +
                         " does not exist here (give it with --model)");
    if (!engine.hasTask())
        throw InputError(path + ": its task " + recorded.task.path +
                         " does not exist here (the projections are calibrated on it)");
    if (!mismatch.empty())
        throw InputError(path + " does not belong to the open model and task: " + mismatch);
    const HeldOutEval e = engine.evaluateOnTask(a.get("task"), source, RunSettings{}, context);
    printer.finishLine();
    SessionData shown = engine.session().snapshot();
    shown.eval = {e};
    std::cout << heldOutTable(shown);
    std::cout << "stored in " << path << "\n";
    return kOk;
}

int runEval(const std::vector<std::string>& args, const CancelToken& cancel) {
    OptionSpec model = modelOption();
    model.required = false;  // with --apply, the session names it
    model.help += " (required unless --apply: then the session's model)";
    Arguments a(
        "eval",
        "Score the model on a task's evaluation split (per tag for mixed tasks), and a0 on its "
        "search examples. With --session and --apply, score a result of the session on the task "
        "instead (dense and pruned on the same examples): does what the search kept generalise?",
        concat({{model, taskOption()},
                commonOptions(),
                taskOptions(),
                {{"session", "FILE", "store a0 in this session (with --apply: the session to apply)", ""},
                 {"apply", "RESULT",
                  "ga (the session's genetic-search best) or uniform:METHOD (that sweep's optimum)", ""}}}));
    if (!parseOrHelp(a, args)) return kOk;
    if (a.has("apply")) return runEvalApplied(a, cancel);
    if (!a.has("model")) throw UsageError("sieve eval: --model PATH is required");
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), nullptr);  // a0 depends on no run setting
    std::map<std::string, double> byTag;
    const double all = w.engine.evaluateDense(w.context, &byTag);
    const TaskInfo& t = w.engine.task();
    const int64_t evaluated = t.searchExamples + t.heldOutExamples;
    const bool intervals = isProportionMetric(t.metric);
    auto interval = [&](double accuracy, int64_t n) {
        if (!intervals) return std::string();
        const Interval ci = wilsonIntervalOf(accuracy, n);
        char text[64];
        std::snprintf(text, sizeof text, " [%.4f, %.4f]", ci.low, ci.high);
        return std::string(text);
    };
    std::printf("%s: %s = %.4f%s on the evaluation split (%lld examples)\n", t.name.c_str(), t.metric.c_str(),
                all, interval(all, evaluated).c_str(), static_cast<long long>(evaluated));
    for (const auto& [tag, score] : byTag)
        std::printf("  %-12s %s = %.4f\n", tag.c_str(), t.metric.c_str(), score);
    const BaselineResult b = w.engine.baseline(w.context);
    std::printf("%s: %s = %.4f%s on %lld search examples (a0; %.1f tokens/s)\n", t.name.c_str(),
                t.metric.c_str(), b.a0, interval(b.a0, b.examples).c_str(),
                static_cast<long long>(b.examples), b.tokensPerSecond);
    if (intervals) std::printf("(in brackets: Wilson 95 %% intervals)\n");
    return kOk;
}

int runCalibrate(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("calibrate", "Accumulate the Gram matrix of every matrix input over the calibration split.",
                concat({{modelOption(), taskOption()}, commonOptions(), taskOptions(), searchOptions()}));
    if (!parseOrHelp(a, args)) return kOk;
    const RunSettings s = runSettings(a);
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    w.engine.calibrate(s, w.context);
    const CalibrationRecord c = *w.engine.session().calibration();
    std::printf("calibrated on %lld examples, %lld tokens\n", static_cast<long long>(c.examples),
                static_cast<long long>(c.tokens));
    return kOk;
}

// Every result is scored on the held-out examples (issue 15): after a sweep or
// a search, the results the session holds no held-out score of yet.
void printMissingHeldOut(Workbench& w, const RunSettings& s) {
    if (w.engine.task().heldOutExamples == 0) return;
    SessionData shown = w.engine.session().snapshot();
    shown.eval = w.engine.heldOutAll(s, w.context, /*onlyMissing=*/true);
    if (!shown.eval.empty()) std::cout << heldOutTable(shown);
}

int runSweep(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("sweep", "Uniform pruning: the largest level within eps, and the accuracy curve, per method.",
                concat({{modelOption(), taskOption()}, commonOptions(), taskOptions(), searchOptions()}));
    if (!parseOrHelp(a, args)) return kOk;
    const RunSettings s = runSettings(a);
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    w.engine.uniformSweeps(s, w.context);
    std::cout << uniformTable(w.engine.session().snapshot());
    printMissingHeldOut(w, s);
    return kOk;
}

// A worker rank's whole part of `ga` or `run`: the model and task open,
// the search's factors taken from rank 0, chromosomes scored until it stops.
int serveAsWorker(const Arguments& a, const RunSettings& s, const CancelToken& cancel) {
    Workbench w(a, cancel, true);
    const int64_t served = w.engine.serveSearch(s, w.context);
    if (!a.flag("quiet"))
        std::fprintf(stderr, "rank %d: scored %lld chromosomes\n", g_cluster->rank(), (long long)served);
    return kOk;
}

int runGa(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("ga",
                "Genetic search: one pruning level per matrix (resumes an interrupted run of the session).",
                concat({{modelOption(), taskOption()}, commonOptions(), taskOptions(), searchOptions()}));
    if (!parseOrHelp(a, args)) return kOk;
    const RunSettings s = runSettings(a);
    if (isWorkerRank()) return serveAsWorker(a, s, cancel);
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    const GaResult r = w.engine.genetic(s, w.context);
    std::printf(
        "GA (%s): best removes %.1f %% of the prunable parameters (%.1f %% of all) at accuracy %.4f on the "
        "search examples after %zu generations\n",
        r.method.c_str(), 100 * r.best.removedFraction,
        100 * fractionOfAllParams(r.best.removedFraction, w.engine.model()), r.best.accuracy,
        r.generations.size());
    printMissingHeldOut(w, s);
    return kOk;
}

int runSensitivity(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("sensitivity", "Bottlenecks: prune one matrix at a time, rank the accuracy drops.",
                concat({{modelOption(), taskOption()},
                        commonOptions(),
                        taskOptions(),
                        searchOptions(),
                        {{"level-index", "N", "grid index of the level (-1 = highest)", "-1"}}}));
    if (!parseOrHelp(a, args)) return kOk;
    RunSettings s = runSettings(a);
    const long long index = a.integer("level-index", -1, (long long)s.grid.size() - 1);
    if (index >= 0) s.sensitivityLevel = s.grid[size_t(index)];
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    w.engine.sensitivity(s, w.context);
    std::cout << sensitivityTable(w.engine.session().snapshot());
    return kOk;
}

int runRun(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("run",
                "Everything: baseline, calibrate, project, uniform sweeps, GA, sensitivity, held-out check.",
                concat({{modelOption(), taskOption()}, commonOptions(), taskOptions(), searchOptions()}));
    if (!parseOrHelp(a, args)) return kOk;
    const RunSettings s = runSettings(a);
    if (isWorkerRank()) return serveAsWorker(a, s, cancel);
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    w.engine.runAll(s, w.context);
    std::cout << sessionReport(w.engine.session().snapshot());
    if (!w.engine.session().path().empty())
        std::cout << "session saved to " << w.engine.session().path() << "\n";
    return kOk;
}

int runExport(const std::vector<std::string>& args, const CancelToken& cancel) {
    Arguments a("export",
                "Write the pruned model: 'factorized' (B and A per matrix, read back by sieve) or 'dense' "
                "(B A multiplied back: a standard Hugging Face directory transformers loads).",
                concat({{modelOption(), taskOption()},
                        commonOptions(),
                        taskOptions(),
                        searchOptions(),
                        {{"out", "DIR", "output directory (new or empty)", "", true},
                         {"format", "NAME", "factorized or dense", "factorized"},
                         {"level", "P",
                          "prune every matrix to level P instead of using the session's GA best", ""}}}));
    if (!parseOrHelp(a, args)) return kOk;
    const RunSettings s = runSettings(a);
    std::optional<double> level;
    if (a.has("level")) {
        level = a.number("level");
        if (std::find(s.grid.begin(), s.grid.end(), *level) == s.grid.end())
            throw UsageError("sieve export: --level " + a.get("level") + " is not on the --grid");
    }
    Workbench w(a, cancel, true);
    w.useSession(a.get("session"), &s);
    const ExportReport r =
        w.engine.exportModel(a.get("out"), parseExportFormat(a.get("format")), level, s, w.context);
    std::cout << exportReportTable(r);
    return kOk;
}

int runTrainDemo(const std::vector<std::string>& args, const CancelToken& cancel) {
    const TrainDemoOptions defaults;
    Arguments a(
        "train-demo",
        "Train the bundled teaching model from scratch (a small Llama on five generated skills) and write "
        "it with its tokenizer and task files as a Hugging Face folder.",
        {{"out", "DIR", "output directory", "", true},
         {"seed", "N", "training seed", std::to_string(defaults.seed)},
         {"steps", "N", "optimiser steps (stops early once every skill is learnt)",
          std::to_string(defaults.steps)},
         {"threads", "N", "torch threads", std::to_string(defaults.threads)},
         {"quiet", "", "print only errors and the final result", ""}});
    if (!parseOrHelp(a, args)) return kOk;
    TrainDemoOptions o;
    o.outputDir = a.get("out");
    o.seed = uint64_t(a.integer("seed", 0, std::numeric_limits<long long>::max()));
    o.steps = int(a.integer("steps", 1, 10000000));
    o.threads = int(a.integer("threads", 1, 1024));
    ProgressPrinter printer(a.flag("quiet"));
    JobContext context([&](const Progress& p) { printer.onProgress(p); },
                       [&](const JobEvent& e) { printer.onEvent(e); }, cancel);
    const TrainDemoResult r = trainDemoModel(o, context);
    printer.finishLine();
    std::printf("trained %lld parameters in %d steps (%.0f s), final loss %.4f\n",
                static_cast<long long>(r.parameters), r.steps, r.totalSeconds, r.finalLoss);
    for (const auto& [skill, acc] : r.skillAccuracy)
        std::printf("  %-12s exact match %.3f\n", skill.c_str(), acc);
    std::printf("  %-12s exact match %.3f\n", "mixed", r.mixedAccuracy);
    return kOk;
}

int runReport(const std::vector<std::string>& args, const CancelToken&) {
    Arguments a("report", "Print a session's results as tables (or JSON).",
                {{"session", "FILE", "the session file", "", true}, {"json", "", "print JSON", ""}});
    if (!parseOrHelp(a, args)) return kOk;
    const SessionData data = SessionFile::load(a.get("session"));
    std::cout << (a.flag("json") ? sessionJson(data) : sessionReport(data));
    return kOk;
}

}  // namespace

void useCluster(Cluster* cluster) {
    g_cluster = cluster;
}

bool runsOnRanks(const std::string& command) {
    return command == "ga" || command == "run";
}

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"info", "model summary: architecture, matrices, parameters", runInfo},
        {"eval", "score the unpruned model on a task (a0)", runEval},
        {"calibrate", "Gram matrices over the calibration split", runCalibrate},
        {"sweep", "uniform pruning per method (accuracy vs sparsity)", runSweep},
        {"ga", "genetic search for per-matrix levels", runGa},
        {"sensitivity", "single-matrix sensitivity (bottlenecks)", runSensitivity},
        {"run", "all of the above into one session", runRun},
        {"export", "write the pruned model (factorized or dense)", runExport},
        {"report", "print a session's results", runReport},
        {"plan", "predict a run's memory from the config alone (no weights)", runPlan},
        {"train-demo", "train the bundled teaching model from scratch", runTrainDemo},
    };
    return all;
}

}  // namespace sieve::cli

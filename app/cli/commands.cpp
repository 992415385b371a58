#include "app/cli/commands.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "app/cli/command_line.h"
#include "app/cli/plan_command.h"
#include "app/cli/progress_printer.h"
#include "app/cli/report.h"
#include "core/cluster/cluster.h"
#include "core/common/compute_threads.h"
#include "core/demo/train_demo.h"
#include "core/engine/engine.h"
#include "core/export/model_export.h"
#include "core/session/session_file.h"
#include "core/types/results.h"
#include "core/types/statistics.h"

namespace sieve::cli {

namespace {

Cluster* g_cluster = nullptr;

// This process is one of several ranks, and not the one that owns the run.
bool isWorkerRank() {
    return g_cluster && g_cluster->size() > 1 && !g_cluster->isRoot();
}

DeviceChoice deviceChoice(const CommandLine& c) {
    DeviceChoice device(c.device, c.dtype, c.devices);
    // Several ranks on one node: each its own GPUs.
    if (c.devicesPerRank > 0 && g_cluster) {
        device.devices.clear();
        for (int k = 0; k < c.devicesPerRank; ++k)
            device.devices.push_back("cuda:" + std::to_string(g_cluster->localRank() * c.devicesPerRank + k));
    }
    return device;
}

// The engine with the model, the task and (when given) the session open.
struct Workbench {
    Engine engine;
    ProgressPrinter printer;
    JobContext context;

    Workbench(const CommandLine& c, const CancelToken& cancel, bool withTask)
        : printer(c.quiet || isWorkerRank()),
          context([this](const Progress& p) { printer.onProgress(p); },
                  [this](const JobEvent& e) { printer.onEvent(e); }, cancel) {
        engine.setCluster(g_cluster);
        if (c.memoryLimitBytes) engine.setMemoryLimit(*c.memoryLimitBytes);
        // Before any tensor work: OpenBLAS sizes its thread pool on first use.
        if (c.threads > 0) setComputeThreads(c.threads);
        const ModelSummary& m = engine.openModel(c.model, deviceChoice(c), context, c.tokenizer);
        printer.message("model " + m.path + ": " + m.architecture + ", " + std::to_string(m.layers) +
                        " layers, " + std::to_string(m.totalParams) + " parameters on " + m.device + " in " +
                        m.dtype);
        if (!withTask) return;
        TaskOptions t;
        t.skipBadLines = c.skipBadLines;
        t.heldOutFraction = c.heldOut;
        const TaskInfo& info = engine.openTask(c.task, t);
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

// ---- commands -----------------------------------------------------------------
int runInfo(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, false);
    const std::vector<std::string> tokenizer = w.engine.tokenizerDescription();
    std::cout << (c.json ? modelSummaryJson(w.engine.model(), tokenizer)
                         : modelSummaryTable(w.engine.model(), tokenizer));
    return kOk;
}

// `sieve eval --session S --apply ga|uniform:METHOD --task OTHER`: a result of
// the session scored on another task (generalisation), beside the dense model
// on the same examples; the score is stored in the session.
int runEvalApplied(const CommandLine& c, const CancelToken& cancel) {
    const ResultSource source = parseResultSource(c.apply, "sieve eval --apply");
    ProgressPrinter printer(c.quiet);
    JobContext context([&](const Progress& p) { printer.onProgress(p); },
                       [&](const JobEvent& e) { printer.onEvent(e); }, cancel);
    if (c.threads > 0) setComputeThreads(c.threads);
    Engine engine;
    if (c.memoryLimitBytes) engine.setMemoryLimit(*c.memoryLimitBytes);
    const DeviceChoice device = deviceChoice(c);
    if (!c.model.empty()) engine.openModel(c.model, device, context, c.tokenizer);
    std::string mismatch;
    const SessionData recorded = engine.openSessionWithInputs(c.session, device, context, &mismatch);
    if (!engine.hasModel())
        throw InputError(c.session + ": its model " + recorded.model.summary.path +
                         " does not exist here (give it with --model)");
    if (!engine.hasTask())
        throw InputError(c.session + ": its task " + recorded.task.path +
                         " does not exist here (the projections are calibrated on it)");
    if (!mismatch.empty())
        throw InputError(c.session + " does not belong to the open model and task: " + mismatch);
    const HeldOutEval e = engine.evaluateOnTask(c.task, source, RunSettings{}, context);
    printer.finishLine();
    SessionData shown = engine.session().snapshot();
    shown.eval = {e};
    std::cout << heldOutTable(shown);
    std::cout << "stored in " << c.session << "\n";
    return kOk;
}

int runEval(const CommandLine& c, const CancelToken& cancel) {
    if (!c.apply.empty()) return runEvalApplied(c, cancel);
    Workbench w(c, cancel, true);
    w.useSession(c.session, nullptr);  // a0 depends on no run setting
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

int runCalibrate(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    w.engine.calibrate(c.settings, w.context);
    const CalibrationRecord r = *w.engine.session().calibration();
    std::printf("calibrated on %lld examples, %lld tokens\n", static_cast<long long>(r.examples),
                static_cast<long long>(r.tokens));
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

int runSweep(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    w.engine.uniformSweeps(c.settings, w.context);
    std::cout << uniformTable(w.engine.session().snapshot());
    printMissingHeldOut(w, c.settings);
    return kOk;
}

// A worker rank's whole part of `ga`, `sensitivity` or `run`: the model and
// task open, each search's factors taken from rank 0, chromosomes scored
// until rank 0 ends the command.
int serveAsWorker(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, true);
    const int64_t served = w.engine.serveSearch(c.settings, w.context);
    if (!c.quiet)
        std::fprintf(stderr, "rank %d: scored %lld chromosomes\n", g_cluster->rank(), (long long)served);
    return kOk;
}

int runGa(const CommandLine& c, const CancelToken& cancel) {
    if (isWorkerRank()) return serveAsWorker(c, cancel);
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    const GaResult r = w.engine.genetic(c.settings, w.context);
    std::printf(
        "GA (%s): best removes %.1f %% of the prunable parameters (%.1f %% of all) at accuracy %.4f on the "
        "search examples after %zu generations\n",
        r.method.c_str(), 100 * r.best.removedFraction,
        100 * fractionOfAllParams(r.best.removedFraction, w.engine.model()), r.best.accuracy,
        r.generations.size());
    printMissingHeldOut(w, c.settings);
    return kOk;
}

int runSensitivity(const CommandLine& c, const CancelToken& cancel) {
    if (isWorkerRank()) return serveAsWorker(c, cancel);
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    w.engine.sensitivity(c.settings, w.context);
    std::cout << sensitivityTable(w.engine.session().snapshot());
    return kOk;
}

int runRun(const CommandLine& c, const CancelToken& cancel) {
    if (isWorkerRank()) return serveAsWorker(c, cancel);
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    w.engine.runAll(c.settings, w.context);
    std::cout << sessionReport(w.engine.session().snapshot());
    if (!w.engine.session().path().empty())
        std::cout << "session saved to " << w.engine.session().path() << "\n";
    return kOk;
}

int runExport(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    const ExportReport r =
        w.engine.exportModel(c.out, parseExportFormat(c.exportFormat), c.exportLevel, c.settings, w.context);
    std::cout << exportReportTable(r);
    return kOk;
}

int runLora(const CommandLine& c, const CancelToken& cancel) {
    Workbench w(c, cancel, true);
    w.useSession(c.session, &c.settings);
    std::vector<LoraTarget> targets;
    for (double level : c.loraLevels) targets.push_back({c.loraTarget.result, level});
    if (targets.empty()) targets.push_back(c.loraTarget);
    std::vector<LoraRun> runs;
    for (const LoraTarget& t : targets)
        runs.push_back(w.engine.lora(t, c.lora, c.settings, w.context, c.out));
    std::cout << loraTable(w.engine.session().snapshot(), runs);
    if (!c.out.empty())
        std::cout << "pruned model written to " << c.out << ", its LoRA adapters (PEFT) to " << c.out
                  << "/adapter\n";
    return kOk;
}

int runTrainDemo(const CommandLine& c, const CancelToken& cancel) {
    ProgressPrinter printer(c.quiet);
    JobContext context([&](const Progress& p) { printer.onProgress(p); },
                       [&](const JobEvent& e) { printer.onEvent(e); }, cancel);
    const TrainDemoResult r = trainDemoModel(c.trainDemo, context);
    printer.finishLine();
    std::printf("trained %lld parameters in %d steps (%.0f s), final loss %.4f\n",
                static_cast<long long>(r.parameters), r.steps, r.totalSeconds, r.finalLoss);
    for (const auto& [skill, acc] : r.skillAccuracy)
        std::printf("  %-12s exact match %.3f\n", skill.c_str(), acc);
    std::printf("  %-12s exact match %.3f\n", "mixed", r.mixedAccuracy);
    return kOk;
}

int runReport(const CommandLine& c, const CancelToken&) {
    const SessionData data = SessionFile::load(c.session);
    std::cout << (c.json ? sessionJson(data) : sessionReport(data));
    return kOk;
}

using Runner = int (*)(const CommandLine&, const CancelToken&);
const std::map<std::string, Runner>& runners() {
    static const std::map<std::string, Runner> all = {{"info", runInfo},
                                                      {"eval", runEval},
                                                      {"calibrate", runCalibrate},
                                                      {"sweep", runSweep},
                                                      {"ga", runGa},
                                                      {"sensitivity", runSensitivity},
                                                      {"run", runRun},
                                                      {"export", runExport},
                                                      {"lora", runLora},
                                                      {"report", runReport},
                                                      {"train-demo", runTrainDemo}};
    return all;
}

}  // namespace

void useCluster(Cluster* cluster) {
    g_cluster = cluster;
}

bool runsOnRanks(const std::string& command) {
    return command == "ga" || command == "run" || command == "sensitivity";
}

int runCommand(const std::string& command, const std::vector<std::string>& args, const CancelToken& cancel) {
    if (command == "plan") return runPlan(args, cancel);  // reads its own options: no weights or task
    // Every option is read and checked before anything is opened.
    const CommandLine line = parseCommandLine(command, args);
    if (line.helpShown) {
        std::cout << line.help;
        return kOk;
    }
    return runners().at(command)(line, cancel);
}

}  // namespace sieve::cli

// The full LLM-Sieve job on one skill of the bundled demo model, phase by
// phase, as `sieve run` does it: open, a0, calibrate, project (sieve),
// uniform search, genetic search, sensitivity. Prints each phase's wall and
// CPU time, the GA's fitness evaluations per second beside the rate of plain
// evaluations (the GA's own overhead), the whole sieve (calibrate + uniform +
// GA) against the 5-minute target, and peak memory after each phase.
// The plain-evaluation rate is measured warm, after the searches.
//
//   build/bench/bench_search [--task add] [--population 24] [--generations 15]
//                            [--method sieve] [--threads N] [--device auto]
#include "core/common/torch_compat.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "bench/bench_support.h"
#include "core/common/compute_threads.h"
#include "core/engine/engine.h"

using namespace sieve;
using namespace sieve::bench;

namespace {

struct Clock {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    double cpu = processCpuSeconds();
    std::pair<double, double> lap() {
        const auto now = std::chrono::steady_clock::now();
        const double c = processCpuSeconds();
        const std::pair<double, double> r{std::chrono::duration<double>(now - wall).count(), c - cpu};
        wall = now;
        cpu = c;
        return r;
    }
};

void row(const char* phase, std::pair<double, double> t, const std::string& note = {}) {
    std::printf("%-22s %9.2f %9.2f %10.0f   %s\n", phase, t.first, t.second, peakRssMiB(), note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const std::string skill = argString(argc, argv, "--task", "add");
    const int threads = int(argValue(argc, argv, "--threads", 0));
    if (threads > 0) setComputeThreads(threads);
    RunSettings settings;
    settings.searchMethod = argString(argc, argv, "--method", "sieve");
    settings.methods = {settings.searchMethod};
    settings.ga.population = int(argValue(argc, argv, "--population", settings.ga.population));
    settings.ga.generations = int(argValue(argc, argv, "--generations", settings.ga.generations));
    DeviceChoice device;
    device.device = argString(argc, argv, "--device", "auto");
    const std::string demo = SIEVE_SOURCE_DIR "/resources/demo";

    Engine engine;
    JobContext context;
    std::printf("demo model, task %s, method %s, GA %d x %d, eps %.2f, %d threads\n", skill.c_str(),
                settings.searchMethod.c_str(), settings.ga.population, settings.ga.generations, settings.eps,
                torch::get_num_threads());
    std::printf("%-22s %9s %9s %10s\n", "phase", "wall s", "CPU s", "peak MiB");
    Clock clock;
    engine.openModel(demo, device, context);
    const TaskInfo& task = engine.openTask(demo + "/tasks/" + skill + ".jsonl");
    row("open model + task", clock.lap(),
        std::to_string(task.calibrationExamples) + " calibration, " + std::to_string(task.searchExamples) +
            " search examples");
    const BaselineResult b = engine.baseline(context);
    row("a0 (one evaluation)", clock.lap(), "a0 = " + std::to_string(b.a0));

    const auto sieveStart = std::chrono::steady_clock::now();
    const double sieveCpuStart = processCpuSeconds();
    engine.calibrate(settings, context);
    row("calibrate", clock.lap());
    engine.project(settings.searchMethod, settings, context);
    row("project", clock.lap());
    const UniformResult u = engine.uniform(settings.searchMethod, settings, context);
    const auto uniformTime = clock.lap();
    row("uniform (full curve)", uniformTime,
        std::to_string(u.points.size()) + " levels, best " + std::to_string(u.bestRemovedFraction));
    const GaResult ga = engine.genetic(settings, context);
    const auto gaTime = clock.lap();
    int evaluations = 0;
    for (const Generation& g : ga.generations) evaluations += g.evaluations;
    row("genetic search", gaTime,
        std::to_string(ga.generations.size()) + " generations, " + std::to_string(evaluations) +
            " evaluations, best " + std::to_string(ga.best.removedFraction));
    const double sieveWall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sieveStart).count();
    const double sieveCpu = processCpuSeconds() - sieveCpuStart;
    engine.sensitivity(settings, context);
    row("sensitivity", clock.lap(), std::to_string(engine.model().matrices.size()) + " matrices");

    // The rate of plain evaluations (levels applied, task scored, nothing
    // else), warm, against which the GA's bookkeeping shows.
    const std::vector<int> half(engine.model().matrices.size(), 5);
    engine.evaluateChromosome(half, settings, context);
    clock.lap();  // the warm-up evaluation does not count
    const int repeats = 20;
    for (int i = 0; i < repeats; ++i) engine.evaluateChromosome(half, settings, context);
    const auto plainTime = clock.lap();
    row("20 plain evaluations", plainTime, "every matrix at level 0.5");
    const double plainRate = repeats / plainTime.first;
    const double gaRate = evaluations / gaTime.first;
    std::printf(
        "\nGA evaluations/s %.2f wall (%.2f per CPU-s); plain evaluations/s %.2f; ratio GA/plain %.2f\n",
        gaRate, evaluations / gaTime.second, plainRate, gaRate / plainRate);
    std::printf(
        "full sieve (calibrate + project + uniform + GA): %.1f s wall, %.1f CPU-s; target < 300 s: "
        "%.2f of the budget\n",
        sieveWall, sieveCpu, sieveWall / 300.0);
    std::printf("peak RSS %.0f MiB\n", peakRssMiB());
    return 0;
}

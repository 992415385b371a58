// Genetic-search fitness evaluations on a real model and a real task
// (issue 14). One GA with every speed-up, as `sieve ga` runs it; then its
// children (the chromosomes it evaluated after the first generation) again
// with each speed-up switched off, the way scoring worked before (one row per
// prompt + choice), and transformers scoring them the plain way
// (scripts/bench_ga_hf.py: dense weights replaced by B (A x), one forward per
// choice). CPU seconds per evaluation side by side, and the check that every
// variant reaches the same verdicts and accuracies.
//
//   build/bench/bench_ga --task resources/tasks/arc_easy.jsonl
//       [--model SmolLM2.gguf] [--questions 100] [--population 12] [--generations 3]
//       [--threads 1] [--replay 8] [--slow-chromosomes 3] [--reuse-memory 512]
//       [--batch-tokens 1024] [--no-hf] [--calibration-tokens 8192] [--dtype f32]
//
// --dtype auto, f32 or bf16 (the model's compute dtype, both sides: auto is
// what `sieve` picks on this machine, bf16 only where the CPU has AVX-512 BF16).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "core/calibration/calibrate.h"
#include "core/common/compute_threads.h"
#include "core/common/heap_reuse.h"
#include "core/common/torch_compat.h"
#include "core/engine/projection_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "core/projection/projection_set.h"
#include "core/search/genetic_search.h"
#include "core/task/task_file.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;
using namespace sieve::bench;
namespace fs = std::filesystem;

namespace {

// How scoring worked before shared-context packing: each prompt + choice its
// own row (Model::continuationLogLikelihood), every example scored.
class RowPerChoiceEvaluator : public ChromosomeEvaluator {
public:
    RowPerChoiceEvaluator(const ProjectionSet& set, const LevelGrid& grid, const Model& model,
                          const std::vector<std::vector<int64_t>>& prompts,
                          const std::vector<std::vector<std::vector<int64_t>>>& choices,
                          const std::vector<int>& labels)
        : set_(set), grid_(grid), model_(model), prompts_(prompts), choices_(choices), labels_(labels) {}
    double accuracy(const std::vector<int>& genes, const JobContext&) override {
        set_.apply(levelsOf(genes, grid_));
        int correct = 0;
        for (size_t q = 0; q < prompts_.size(); ++q) {
            std::vector<std::vector<int64_t>> contexts(choices_[q].size(), prompts_[q]);
            const std::vector<double> ll = model_.continuationLogLikelihood(contexts, choices_[q]);
            correct += int(std::max_element(ll.begin(), ll.end()) - ll.begin()) == labels_[q];
        }
        return double(correct) / double(prompts_.size());
    }

private:
    const ProjectionSet& set_;
    const LevelGrid& grid_;
    const Model& model_;
    const std::vector<std::vector<int64_t>>& prompts_;
    const std::vector<std::vector<std::vector<int64_t>>>& choices_;
    const std::vector<int>& labels_;
};

// Passes every question on and remembers the chromosomes and verdicts, in order.
class RecordingEvaluator : public ChromosomeEvaluator {
public:
    explicit RecordingEvaluator(ChromosomeEvaluator& inner) : inner_(inner) {}
    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        return inner_.accuracy(genes, context);
    }
    Verdict verdict(const std::vector<int>& genes, const PruningProblem& problem,
                    const JobContext& context) override {
        const Verdict v = inner_.verdict(genes, problem, context);
        this->genes.push_back(genes);
        verdicts.push_back(v);
        return v;
    }
    std::vector<std::vector<int>> genes;
    std::vector<Verdict> verdicts;

private:
    ChromosomeEvaluator& inner_;
};

}  // namespace

int main(int argc, char** argv) {
    reuseFreedHeapMemory();  // as sieve runs
    const std::string model = argString(argc, argv, "--model",
                                        SIEVE_SOURCE_DIR
                                        "/../shared/models/smollm2-135m-instruct/"
                                        "SmolLM2-135M-Instruct.Q4_1.gguf");
    const std::string taskPath = argString(argc, argv, "--task", "");
    const int questions = int(argValue(argc, argv, "--questions", 100));
    const int threads = int(argValue(argc, argv, "--threads", 1));
    const int slowChromosomes = int(argValue(argc, argv, "--slow-chromosomes", 3));
    const int replay = int(argValue(argc, argv, "--replay", 8));
    const int64_t reuseMiB = argValue(argc, argv, "--reuse-memory", 512);
    const int64_t calibrationTokens = argValue(argc, argv, "--calibration-tokens", 8192);
    bool hf = true;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--no-hf") hf = false;
    if (taskPath.empty()) {
        std::fprintf(stderr, "bench_ga: --task FILE (a choice task, e.g. ARC-Easy) is required\n");
        return 1;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows while it runs
    setComputeThreads(threads);
    GaSettings ga;
    ga.population = int(argValue(argc, argv, "--population", 12));
    ga.generations = int(argValue(argc, argv, "--generations", 3));
    ga.patience = ga.generations;
    ga.seed = uint64_t(argValue(argc, argv, "--seed", 1234));

    JobContext quiet;
    const DeviceChoice device{"cpu", parseDType(argString(argc, argv, "--dtype", "f32"))};
    const auto net = Model::load(model, LoadOptions{device});
    const auto tokenizer = Tokenizer::load(model);
    Task task = loadTask(taskPath);
    if (task.spec.kind != TaskKind::Choice) {
        std::fprintf(stderr, "bench_ga: %s is not a choice task\n", taskPath.c_str());
        return 1;
    }
    Task search = task;
    if (int(search.evaluation.size()) > questions) search.evaluation.resize(size_t(questions));
    std::printf("model %s (%s), task %s: %zu search questions, GA %d x %d generations, %d thread(s), %s\n",
                fs::path(model).filename().c_str(), net->summary().dtype.c_str(), task.spec.name.c_str(),
                search.evaluation.size(), ga.population, ga.generations, threads, heapAllocatorName());

    // Calibrate and factor once (not timed: the same for every variant).
    CalibrationOptions calibration;
    calibration.maxTokens = calibrationTokens;
    const CalibrationData grams = calibrate(
        *net, calibrationBatches(task, tokenizer.get(), net->config().maxPositions), calibration, quiet);
    const LevelGrid grid = defaultLevelGrid();
    ProjectionSetOptions setOptions;
    setOptions.factor.levels = grid;
    const ProjectionSet set = ProjectionSet::build(*makeProjection("sieve"), prunableLinears(*net),
                                                   grams.gramsPerMatrix(), setOptions, quiet);

    // a0 and the search order (least certain dense answers first).
    ScorerOptions scoring;
    scoring.batchTokens = argValue(argc, argv, "--batch-tokens", 1024);
    TaskScorer scorer(*net, tokenizer.get(), search, scoring);
    std::vector<ExampleOutcome> dense;
    const double a0 = scorer.score(quiet, {}, &dense).value();
    std::vector<double> margins;
    for (const ExampleOutcome& o : dense) margins.push_back(o.margin);
    scorer.orderBy(margins);
    const PruningProblem problem(net->summary().matrices, grid, a0, 0.05);
    std::vector<int> blockOfMatrix;
    for (const MatrixInfo& m : net->summary().matrices) blockOfMatrix.push_back(m.layer);
    std::printf("a0 = %.4f, feasible at >= %.4f\n\n", a0, problem.threshold());

    // 1. The GA with every speed-up, as `sieve ga` runs it, recording the
    //    chromosomes in the order they were evaluated.
    BlockStateCache states(reuseMiB << 20);
    ProjectionEvaluator fastEvaluator(set, grid, SearchScoring{&scorer, true, &states}, blockOfMatrix);
    RecordingEvaluator recorder(fastEvaluator);
    GaResult gaRun;
    double gaCpu = 0, gaWall = 0;
    int gaEvaluations = 0;
    {
        DenseRestoreGuard restore(set);
        GaRunOptions options;
        options.method = "sieve";
        options.uniformBestIndex = 3;
        const double cpu0 = processCpuSeconds();
        const auto wall0 = std::chrono::steady_clock::now();
        gaRun = GeneticSearch(problem, ga).run(recorder, options, quiet);
        gaCpu = processCpuSeconds() - cpu0;
        gaWall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        for (const Generation& g : gaRun.generations) gaEvaluations += g.evaluations;
    }
    const auto reuse = states.stats();
    double scoredShare = 0;
    for (const Verdict& v : recorder.verdicts)
        scoredShare += v.scoredExamples == 0 ? 1.0 : double(v.scoredExamples) / double(scorer.examples());
    scoredShare /= double(std::max<size_t>(1, recorder.verdicts.size()));
    std::printf(
        "GA, every speed-up: %d evaluations in %.1f CPU-s (%.1f s wall), %.2f CPU-s each; best removes "
        "%.1f %% (fitness %.4f, accuracy %.4f)\n",
        gaEvaluations, gaCpu, gaWall, gaCpu / std::max(1, gaEvaluations), 100 * gaRun.best.removedFraction,
        gaRun.best.fitness, gaRun.best.accuracy);
    std::printf("  early decisions: %.0f %% of the search examples scored on average\n", 100 * scoredShare);
    std::printf(
        "  state reuse: %lld of %lld batches resumed, %lld of %lld block forwards saved (%.0f %%), "
        "%.0f MiB held\n\n",
        (long long)reuse.hits, (long long)reuse.lookups, (long long)reuse.savedBlocks,
        (long long)(reuse.savedBlocks + reuse.runBlocks),
        100.0 * double(reuse.savedBlocks) / double(std::max<int64_t>(1, reuse.savedBlocks + reuse.runBlocks)),
        double(reuse.bytes) / (1 << 20));

    // 2. Each speed-up switched off, on the same chromosomes: the GA's
    //    children (its evaluations after the first generation), in its order.
    //    Variants with state reuse first replay the first generation untimed,
    //    so their cache holds what it held in the GA.
    const size_t firstChild = size_t(gaRun.generations.empty() ? 0 : gaRun.generations.front().evaluations);
    const size_t replayEnd = std::min(recorder.genes.size(), firstChild + size_t(replay));
    struct Variant {
        std::string name;
        bool early = false;
        bool reuse = false;
        double cpu = 0;
        int evaluations = 0;
        int sameVerdicts = 0;
        std::vector<double> accuracies;  // complete scorings only
    };
    std::vector<Variant> variants(4);
    variants[0].name = "every speed-up", variants[0].early = true, variants[0].reuse = true;
    variants[1].name = "no state reuse", variants[1].early = true, variants[1].reuse = false;
    variants[2].name = "no early decisions", variants[2].early = false, variants[2].reuse = true;
    variants[3].name = "shared context only", variants[3].early = false, variants[3].reuse = false;
    for (Variant& v : variants) {
        DenseRestoreGuard restore(set);
        BlockStateCache cache(reuseMiB << 20);
        ProjectionEvaluator e(set, grid, SearchScoring{&scorer, v.early, v.reuse ? &cache : nullptr},
                              blockOfMatrix);
        if (v.reuse && replayEnd > firstChild)  // nothing to replay: no warm-up either
            for (size_t i = 0; i < firstChild; ++i) e.verdict(recorder.genes[i], problem, quiet);
        const double cpu0 = processCpuSeconds();
        for (size_t i = firstChild; i < replayEnd; ++i) {
            const Verdict verdict = e.verdict(recorder.genes[i], problem, quiet);
            v.sameVerdicts += verdict.feasible == recorder.verdicts[i].feasible;
            if (!v.early) v.accuracies.push_back(verdict.accuracy);
            ++v.evaluations;
        }
        v.cpu = processCpuSeconds() - cpu0;
        if (v.evaluations > 0)  // --replay 0: no replay, no rows
            std::printf("  %-22s %d chromosomes in %.1f CPU-s\n", v.name.c_str(), v.evaluations, v.cpu);
    }

    // The questions as token ids, for the plain scorings below.
    std::vector<std::vector<int64_t>> prompts;
    std::vector<std::vector<std::vector<int64_t>>> choices;
    std::vector<int> labels;
    for (const TaskExample& ex : search.evaluation) {
        prompts.push_back(promptTokens(ex, search.spec, tokenizer.get()));
        choices.emplace_back();
        for (const auto& c : ex.choices)
            choices.back().push_back(
                continuationTokens(search.spec.fewShotPrefix + ex.prompt, c, tokenizer.get()));
        labels.push_back(ex.label);
    }
    // 3. The way scoring worked before shared-context packing (one row per
    //    prompt + choice, every example) on the first of those chromosomes,
    //    against the exact accuracies of the complete shared-context scoring.
    std::vector<std::vector<int>> chosen;
    std::vector<double> ours;
    for (size_t i = firstChild; i < replayEnd && int(chosen.size()) < slowChromosomes; ++i) {
        chosen.push_back(recorder.genes[i]);
        ours.push_back(variants.back().accuracies[i - firstChild]);
    }
    Variant before;
    before.name = "one row per choice (before)";
    {
        DenseRestoreGuard restore(set);
        RowPerChoiceEvaluator e(set, grid, *net, prompts, choices, labels);
        const double cpu0 = processCpuSeconds();
        for (size_t c = 0; c < chosen.size(); ++c) {
            const double accuracy = e.accuracy(chosen[c], quiet);
            before.sameVerdicts += std::abs(accuracy - ours[c]) < 1e-12;
            ++before.evaluations;
        }
        before.cpu = processCpuSeconds() - cpu0;
    }

    const double beforePerEval = before.cpu / std::max(1, before.evaluations);
    std::printf("\n%-30s %6s %9s %11s %10s  %s\n", "scoring", "evals", "CPU s", "CPU s/eval", "vs before",
                "same result");
    for (const Variant& v : variants) {
        if (v.evaluations == 0) continue;  // --replay 0
        const double perEval = v.cpu / std::max(1, v.evaluations);
        std::printf("%-30s %6d %9.1f %11.2f %9.2fx  %d of %d verdicts as in the GA\n", v.name.c_str(),
                    v.evaluations, v.cpu, perEval, beforePerEval / perEval, v.sameVerdicts, v.evaluations);
    }
    if (before.evaluations > 0)
        std::printf("%-30s %6d %9.1f %11.2f %9.2fx  %d of %d accuracies as shared-context scoring\n",
                    before.name.c_str(), before.evaluations, before.cpu, beforePerEval, 1.0,
                    before.sameVerdicts, before.evaluations);

    // The default GA (population 24, 15 generations) on this task, from the GA's own rate.
    const double perEval = gaCpu / std::max(1, gaEvaluations);
    const double newShare = gaEvaluations / double(ga.population * int(gaRun.generations.size()));
    std::printf(
        "\none evaluation in the GA: %.2f CPU-s (target <= 6); the default GA (24 x 15, %.0f %% of "
        "chromosomes new as here): ~%.0f CPU-s, ~%.1f minutes wall on 2 cores (target < 20)\n",
        perEval, 100 * newShare, 360 * newShare * perEval, 360 * newShare * perEval / 2 / 60);

    if (!hf) return 0;
    if (chosen.empty()) {  // --replay 0 or --slow-chromosomes 0: nothing to hand over
        std::printf("transformers: no chromosomes to compare (give --replay and --slow-chromosomes > 0)\n");
        return 0;
    }
    // 4. transformers on the same chromosomes, the plain way.
    const fs::path dir = fs::temp_directory_path() / ("bench_ga_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::map<std::string, torch::Tensor> factors;
    nlohmann::json spec;
    spec["model_dir"] = fs::path(model).parent_path().string();
    spec["gguf_file"] = fs::path(model).filename().string();
    for (int i = 0; i < set.matrixCount(); ++i) {
        const std::string name = net->summary().matrices[size_t(i)].name;
        spec["matrices"].push_back(name);
        factors[name + ".B"] = set.factorization(i).B().contiguous();
        factors[name + ".A"] = set.factorization(i).A().contiguous();
    }
    for (const auto& genes : chosen) {
        std::vector<int64_t> ranks;
        for (size_t i = 0; i < genes.size(); ++i) {
            const MatrixInfo& m = net->summary().matrices[i];
            ranks.push_back(genes[i] == 0 ? 0 : rankForLevel(m.rows, m.cols, grid[size_t(genes[i])]));
        }
        spec["chromosomes"].push_back(ranks);
    }
    for (size_t q = 0; q < prompts.size(); ++q)
        spec["questions"].push_back(
            {{"prompt", prompts[q]}, {"continuations", choices[q]}, {"label", labels[q]}});
    writeSafetensors((dir / "factors.safetensors").string(), factors, {});
    std::ofstream(dir / "ga.json") << spec.dump();
    const std::string out =
        runCapture("python3 " SIEVE_SOURCE_DIR "/scripts/bench_ga_hf.py --inputs " +
                   (dir / "ga.json").string() + " --factors " + (dir / "factors.safetensors").string() +
                   " --threads " + std::to_string(threads) + " --dtype " + net->summary().dtype);
    fs::remove_all(dir);
    nlohmann::json answer;
    try {
        answer = nlohmann::json::parse(out);
    } catch (const std::exception&) {
        std::fprintf(stderr, "bench_ga: transformers side failed: %s\n", out.c_str());
        return 2;
    }
    double hfCpu = 0;
    int same = 0;
    std::printf("\ntransformers (plain loop, one forward per choice) on %zu of the chromosomes:\n",
                chosen.size());
    for (size_t c = 0; c < chosen.size(); ++c) {
        const double theirs = answer["accuracy"][c].get<double>();
        hfCpu += answer["cpu_seconds"][c].get<double>();
        same += std::abs(theirs - ours[c]) < 1e-12;
        std::printf("  chromosome %zu: accuracy ours %.4f, transformers %.4f%s\n", c, ours[c], theirs,
                    std::abs(theirs - ours[c]) < 1e-12 ? "" : "  (differs)");
    }
    const double hfPerEval = hfCpu / double(chosen.size());
    std::printf(
        "transformers: %.2f CPU-s per evaluation; ours %.2f (every speed-up): %.1fx (target >= 10x); "
        "same accuracy on %d of %zu\n",
        hfPerEval, perEval, hfPerEval / perEval, same, chosen.size());
    return 0;
}

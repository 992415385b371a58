#include "app/cli/command_line.h"

#include <algorithm>
#include <limits>

#include "app/cli/arguments.h"
#include "core/common/error.h"
#include "core/export/model_export.h"
#include "core/types/method_registry.h"
#include "core/types/results.h"

namespace sieve::cli {

namespace {

// ---- shared options ----------------------------------------------------------
// `unless`: the option that makes --model optional (its session names the model).
OptionSpec modelOption(const char* unless = nullptr) {
    OptionSpec o{"model", "PATH", "model: HF directory, .gguf file or llama2.c .bin", "", true};
    if (unless) {
        o.required = false;  // checked in parseCommandLine, knowing the other options
        o.help += std::string(" (required unless --") + unless + ": then the session's model)";
    }
    return o;
}
OptionSpec taskOption() {
    return {"task", "FILE", "task file (JSONL)", "", true};
}
std::vector<OptionSpec> commonOptions() {
    return {
        {"device", "NAME", "auto, cpu, cuda or cuda:N", "auto"},
        {"dtype", "NAME",
         "compute dtype: auto, bf16, f16 or f32 (auto: bf16 on CUDA; on the CPU bf16 where the processor "
         "multiplies it natively (AVX-512 BF16, AMX), else f32)",
         "auto"},
        {"devices", "LIST",
         "several devices, e.g. cuda:0,cuda:1: contiguous blocks on each, placed by the memory plan "
         "(overrides --device)",
         ""},
        {"memory-limit", "GB",
         "plan runs as if each device (and the host) had at most this much free memory, in GB (1e9 bytes)",
         ""},
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
         "it gets no 8-bit curve); export: the model with 8-bit factors, stored in 8 bits when factorized",
         ""},
        {"no-early-decisions", "",
         "GA: score every example of every chromosome (the results are the same; only slower)", ""},
        {"batch-tokens", "N",
         "GA: tokens per scoring batch (smaller batches decide sooner, larger ones multiply faster)", "1024"},
        {"reuse-memory", "MIB",
         "GA: memory for hidden states reused across chromosomes that share their first blocks (0 = none)",
         "512"}};
}
std::vector<OptionSpec> concat(std::initializer_list<std::vector<OptionSpec>> parts) {
    std::vector<OptionSpec> all;
    for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
}

// How each command is declared: its summary line and options, and which of
// the shared groups it reads.
struct Declaration {
    const char* name;
    const char* summary;      // `sieve --help`
    const char* description;  // `sieve <command> --help`
    bool model = false, task = false, search = false;
    std::vector<OptionSpec> extra;
    // Set: --model may be left out when this option is given (the session names the model).
    const char* modelUnlessOption = nullptr;
};

const std::vector<Declaration>& declarations() {
    const TrainDemoOptions demo;
    static const std::vector<Declaration> all = {
        {"info",
         "model summary: architecture, matrices, parameters",
         "Print a model's architecture and its prunable matrices.",
         true,
         false,
         false,
         {{"json", "", "print JSON instead of a table", ""}}},
        {"eval",
         "score the unpruned model on a task (a0)",
         "Score the model on a task's evaluation split (per tag for mixed tasks), and a0 on its search "
         "examples. With --session and --apply, score a result of the session on the task instead (dense "
         "and pruned on the same examples): does what the search kept generalise?",
         true,
         true,
         false,
         {{"session", "FILE", "store a0 in this session (with --apply: the session to apply)", ""},
          {"apply", "RESULT",
           "ga (the session's genetic-search best) or uniform:METHOD (that sweep's optimum)", ""}},
         "apply"},
        {"calibrate",
         "Gram matrices over the calibration split",
         "Accumulate the Gram matrix of every matrix input over the calibration split.",
         true,
         true,
         true,
         {}},
        {"sweep",
         "uniform pruning per method (accuracy vs sparsity)",
         "Uniform pruning: the largest level within eps, and the accuracy curve, per method.",
         true,
         true,
         true,
         {}},
        {"ga",
         "genetic search for per-matrix levels",
         "Genetic search: one pruning level per matrix (resumes an interrupted run of the session).",
         true,
         true,
         true,
         {}},
        {"sensitivity",
         "single-matrix sensitivity (bottlenecks)",
         "Bottlenecks: prune one matrix at a time, rank the accuracy drops.",
         true,
         true,
         true,
         {{"level-index", "N", "grid index of the level (-1 = highest)", "-1"}}},
        {"run",
         "all of the above into one session",
         "Everything: baseline, calibrate, project, uniform sweeps, GA, sensitivity, held-out check.",
         true,
         true,
         true,
         {}},
        {"export",
         "write the pruned model (factorized, dense or GGUF)",
         "Write the pruned model: 'factorized' (B and A per matrix: smaller; transformers loads it with "
         "trust_remote_code), 'dense' (B A multiplied back: a standard Hugging Face directory), or "
         "'gguf-f16' / 'gguf-q8_0' (B A multiplied back into one GGUF file, model.gguf, for llama.cpp; a "
         "GGUF source's tokenizer is copied into it). The source's tokenizer goes with the Hugging Face "
         "forms: its files copied, or a GGUF's vocabulary written as tokenizer.json and "
         "tokenizer_config.json.",
         true,
         true,
         true,
         {{"out", "DIR", "output directory (new or empty)", "", true},
          {"format", "NAME", "factorized, dense, gguf-f16 or gguf-q8_0", "factorized"},
          {"level", "P", "prune every matrix to level P instead of using the session's GA best", ""}}},
        {"lora",
         "recover accuracy with LoRA adapters",
         "LoRA recovery (as PEFT does it): adapters beside the pruned model's matrices, trained on the "
         "task's calibration split (teacher-forced loss on the answer tokens, AdamW), the pruned weights "
         "frozen; the search and held-out scores before and after go into the session. The pruned model is "
         "the session's GA best (--result ga), a sweep's optimum (--result uniform:METHOD) or, with "
         "--levels, every matrix at each of those levels (a with-LoRA accuracy-vs-pruning curve).",
         true,
         true,
         true,
         {{"result", "RESULT", "ga or uniform:METHOD: the session's result to recover", "ga"},
          {"levels", "LIST", "grid levels to recover instead of --result, one run each (method: --method)",
           ""},
          {"lora-rank", "N", "adapter rank r", "8"},
          {"lora-alpha", "A", "lora_alpha: the adapters are scaled by alpha / r", "16"},
          {"lora-targets", "LIST", "matrix types that get an adapter (q,k,v,o,gate,up,down)",
           "q,k,v,o,gate,up,down"},
          {"lora-steps", "N", "training steps", "100"},
          {"lora-lr", "LR", "AdamW learning rate", "0.001"},
          {"lora-batch", "N", "calibration examples per step", "8"},
          {"lora-seed", "N", "adapter initialisation and example order", "1234"},
          {"out", "DIR",
           "also write the pruned model (dense) and its adapters in PEFT's format in DIR/adapter (one level "
           "or result only)",
           ""}}},
        {"report",
         "print a session's results",
         "Print a session's results as tables (or JSON).",
         false,
         false,
         false,
         {{"session", "FILE", "the session file", "", true}, {"json", "", "print JSON", ""}}},
        {"train-demo",
         "train the bundled teaching model from scratch",
         "Train the bundled teaching model from scratch (a small Llama on five generated skills) and write "
         "it "
         "with its tokenizer and task files as a Hugging Face folder.",
         false,
         false,
         false,
         {{"out", "DIR", "output directory", "", true},
          {"seed", "N", "training seed", std::to_string(demo.seed)},
          {"steps", "N", "optimiser steps (stops early once every skill is learnt)",
           std::to_string(demo.steps)},
          {"threads", "N", "torch threads", std::to_string(demo.threads)},
          {"quiet", "", "print only errors and the final result", ""}}},
    };
    return all;
}

std::vector<OptionSpec> optionsOf(const Declaration& d) {
    std::vector<OptionSpec> options;
    if (d.model) options.push_back(modelOption(d.modelUnlessOption));
    if (d.task) options.push_back(taskOption());
    if (d.model) options = concat({options, commonOptions()});
    if (d.task) options = concat({options, taskOptions()});
    if (d.search) options = concat({options, searchOptions()});
    return concat({options, d.extra});
}

// The search options as core's RunSettings; numbers outside their range are
// usage errors naming the option, anything else the engine refuses is bad input.
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

// eval --apply RESULT: needs the session holding RESULT, which then names
// the model; without it, --model is required.
void readApply(const Arguments& a, const Declaration& d, CommandLine& line) {
    const std::string prefix = std::string("sieve ") + d.name + ": ";
    if (!a.has(d.modelUnlessOption)) {
        if (!a.has("model")) throw UsageError(prefix + "--model PATH is required");
        return;
    }
    if (!a.has("session"))
        throw UsageError(prefix + "--" + d.modelUnlessOption +
                         " needs --session FILE (the session whose result is applied)");
    line.apply = a.get(d.modelUnlessOption);
    parseResultSource(line.apply,
                      std::string("sieve ") + d.name + " --" + d.modelUnlessOption);  // InputError
}

}  // namespace

const std::vector<CommandSummary>& commandSummaries() {
    static const std::vector<CommandSummary> all = [] {
        std::vector<CommandSummary> s;
        for (const Declaration& d : declarations()) s.push_back({d.name, d.summary});
        // `plan` reads its own options (plan_command.cpp): it needs no weights, task or session.
        s.insert(s.end() - 1, {"plan", "predict a run's memory from the config alone (no weights)"});
        return s;
    }();
    return all;
}

CommandLine parseCommandLine(const std::string& command, const std::vector<std::string>& args) {
    const auto declaration = std::find_if(declarations().begin(), declarations().end(),
                                          [&](const Declaration& d) { return command == d.name; });
    if (declaration == declarations().end()) throw UsageError("sieve: unknown command '" + command + "'");
    const Declaration& d = *declaration;
    Arguments a(d.name, d.description, optionsOf(d));
    CommandLine line;
    line.command = command;
    if (!a.parse(args)) {
        line.helpShown = true;
        line.help = a.help();
        return line;
    }
    const auto has = [&](const char* name) {
        for (const OptionSpec& o : optionsOf(d))
            if (o.name == name) return true;
        return false;
    };
    if (has("model")) line.model = a.get("model");
    if (has("task")) line.task = a.get("task");
    if (has("device")) line.device = a.get("device");
    if (has("tokenizer")) line.tokenizer = a.get("tokenizer");
    if (has("session")) line.session = a.get("session");
    if (has("quiet")) line.quiet = a.flag("quiet");
    if (has("json")) line.json = a.flag("json");
    if (has("skip-bad-lines")) line.skipBadLines = a.flag("skip-bad-lines");
    if (has("held-out")) line.heldOut = a.number("held-out", 0.0, 0.99);
    if (d.model) {
        line.threads = int(a.integer("threads", 0, 4096));  // train-demo's --threads is its own
        try {
            line.dtype = parseDType(a.get("dtype"));
        } catch (const InputError& e) {
            throw UsageError(std::string("sieve ") + d.name + ": --dtype: " + e.what());
        }
        line.devices = a.list("devices");
        line.devicesPerRank = int(a.integer("devices-per-rank", 0, 1024));
        if (a.has("memory-limit"))
            line.memoryLimitBytes = int64_t(a.number("memory-limit", 0.001, 1e7) * 1e9);
    }
    if (d.modelUnlessOption) readApply(a, d, line);
    if (d.search) {
        line.hasSettings = true;
        line.settings = runSettings(a);
    }
    if (command == "sensitivity") {
        const long long index = a.integer("level-index", -1, (long long)line.settings.grid.size() - 1);
        if (index >= 0) line.settings.sensitivityLevel = line.settings.grid[size_t(index)];
    }
    if (command == "export") {
        line.out = a.get("out");
        line.exportFormat = a.get("format");
        parseExportFormat(line.exportFormat);  // InputError naming the choices
        if (a.has("level")) {
            line.exportLevel = a.number("level", 0.0, 0.999999);
            const auto& grid = line.settings.grid;
            if (std::find(grid.begin(), grid.end(), *line.exportLevel) == grid.end())
                throw UsageError("sieve export: --level " + a.get("level") + " is not on the --grid");
        }
    }
    if (command == "lora") {
        line.loraTarget.result = a.get("result");
        parseResultSource(line.loraTarget.result, "sieve lora --result");  // InputError
        for (double level : a.has("levels") ? a.numbers("levels") : std::vector<double>{}) {
            const auto& grid = line.settings.grid;
            if (level <= 0 || std::find(grid.begin(), grid.end(), level) == grid.end())
                throw UsageError("sieve lora: --levels: " + std::to_string(level) +
                                 " is not a pruning level of the --grid");
            line.loraLevels.push_back(level);
        }
        LoraSettings& l = line.lora;
        l.rank = int(a.integer("lora-rank", 1, 4096));
        l.alpha = a.number("lora-alpha", 1e-6, 1e6);
        l.targets = parseLoraTargets(a.get("lora-targets"), "sieve lora --lora-targets");
        l.steps = int(a.integer("lora-steps", 1, 1000000));
        l.learningRate = a.number("lora-lr", 1e-9, 0.999999);
        l.batchSize = int(a.integer("lora-batch", 1, 4096));
        l.seed = uint64_t(a.integer("lora-seed", 0, std::numeric_limits<long long>::max()));
        validateLoraSettings(l);
        line.out = a.get("out");
        if (!line.out.empty() && line.loraLevels.size() > 1)
            throw UsageError("sieve lora: --out writes one model: give one level, or a --result");
    }
    if (command == "train-demo") {
        line.trainDemo.outputDir = a.get("out");
        line.out = line.trainDemo.outputDir;
        line.trainDemo.seed = uint64_t(a.integer("seed", 0, std::numeric_limits<long long>::max()));
        line.trainDemo.steps = int(a.integer("steps", 1, 10000000));
        line.trainDemo.threads = int(a.integer("threads", 1, 1024));
    }
    return line;
}

}  // namespace sieve::cli

#pragma once
// What a subcommand was asked to do, read from its options and checked
// before anything is opened: a malformed or out-of-range number is a usage
// error naming the option and its range (exit 1), a method, grid or export
// format the engine refuses is bad input (exit 2), both at once rather than
// after a model has loaded. fuzz/fuzz_cli_options drives it with any argv.
#include <optional>
#include <string>
#include <vector>

#include "core/demo/train_demo.h"
#include "core/types/device_choice.h"
#include "core/types/lora.h"
#include "core/types/run_settings.h"

namespace sieve::cli {

struct CommandLine {
    std::string command;
    // --help: the text to print, and nothing else was read.
    bool helpShown = false;
    std::string help;

    std::string model, task, tokenizer, session, device = "auto";
    // Where the model goes and in which dtype (--dtype, --devices, --devices-per-rank).
    DType dtype = DType::Auto;
    std::vector<std::string> devices;
    int devicesPerRank = 0;
    std::optional<int64_t> memoryLimitBytes;  // --memory-limit
    int threads = 0;                          // CPU threads for torch and its BLAS (0 = their defaults)
    bool quiet = false;
    bool json = false;
    bool skipBadLines = false;
    double heldOut = 0.5;
    // The search options (calibrate, sweep, ga, sensitivity, run, export).
    bool hasSettings = false;
    RunSettings settings;
    // eval --apply: a result of the session ("ga", "uniform:METHOD") scored on the task
    std::string apply;
    // export
    std::string out, exportFormat;
    std::optional<double> exportLevel;
    // lora: the session's result, or uniform levels (one run each)
    LoraTarget loraTarget;
    std::vector<double> loraLevels;
    LoraSettings lora;
    // train-demo
    TrainDemoOptions trainDemo;
};

// Throws UsageError (exit 1) for an unknown command or option, a missing or
// malformed value and a number outside its range; InputError (exit 2) for
// settings the engine refuses (validateRunSettings).
CommandLine parseCommandLine(const std::string& command, const std::vector<std::string>& args);

// The subcommands and their one-line summaries, in `sieve --help` order.
struct CommandSummary {
    const char* name;
    const char* summary;
};
const std::vector<CommandSummary>& commandSummaries();

}  // namespace sieve::cli

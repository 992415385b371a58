// Evaluation throughput, ours vs transformers on the same machine, threads and
// token ids: examples/s on the demo model's mixed task (greedy generation)
// and on stories260K's next-token task (teacher-forced scoring).
//
//   build/bench/bench_evaluate [--threads N] [--repeats R] [--no-hf]
//
// The transformers side is scripts/bench_evaluate_hf.py; this program writes
// the token ids it evaluates to a temporary JSON file and runs the script.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "core/common/compute_threads.h"
#include "core/common/torch_compat.h"
#include "core/model/model.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"

using namespace sieve;
using namespace sieve::bench;
namespace fs = std::filesystem;

namespace {

struct Measured {
    double examplesPerSecond = 0;
    int examples = 0;
    double score = 0;
};

Measured bestOf(int repeats, const Model& model, const Tokenizer* tokenizer, const Task& task, int batch) {
    Measured best;
    for (int r = 0; r < repeats; ++r) {
        JobContext quiet;
        EvalOptions options;
        options.maxBatchExamples = batch;
        options.keepPredictions = false;
        const EvalResult e = evaluateTask(model, tokenizer, task, options, quiet);
        if (e.examplesPerSecond > best.examplesPerSecond) best = {e.examplesPerSecond, e.examples, e.score};
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2, repeats = 3;
    bool hf = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-hf"))
            hf = false;
    }
    setComputeThreads(threads);
    const std::string root = SIEVE_SOURCE_DIR;
    const std::string demoDir = root + "/resources/demo";
    const std::string storiesModel = root + "/../shared/models/stories260K/stories260K.bin";
    const std::string storiesTok = root + "/../shared/models/stories260K/tok512.bin";
    const int demoBatch = 32, storiesBatch = 16;

    LoadOptions load;
    load.device.device = "cpu";
    auto demo = Model::load(demoDir, load);
    auto demoTok = Tokenizer::load(demoDir);
    const Task mixed = loadTask(demoDir + "/tasks/mixed.jsonl");
    auto stories = Model::load(storiesModel, load);
    auto storiesTokenizer = Tokenizer::load(storiesTok);
    const Task nextToken = loadTask(root + "/resources/stories260k/stories-next-token.jsonl");

    const Measured oursDemo = bestOf(repeats, *demo, demoTok.get(), mixed, demoBatch);
    const Measured oursStories = bestOf(repeats, *stories, storiesTokenizer.get(), nextToken, storiesBatch);

    double hfDemo = 0, hfStories = 0;
    if (hf) {
        nlohmann::json inputs;
        std::vector<std::vector<int64_t>> prompts, texts;
        for (const auto& ex : mixed.evaluation)
            prompts.push_back(promptTokens(ex, mixed.spec, demoTok.get()));
        for (const auto& ex : nextToken.evaluation) {
            auto ids = textTokens(ex, storiesTokenizer.get());
            if (int64_t(ids.size()) > stories->config().maxPositions)
                ids.resize(size_t(stories->config().maxPositions));
            texts.push_back(ids);
        }
        inputs["demo"] = {{"model", demoDir},
                          {"prompts", prompts},
                          {"max_new_tokens", mixed.spec.maxNewTokens},
                          {"stop_ids", {*demoTok->tokenId("\n"), *demoTok->eosId()}},
                          {"pad_id", 0},
                          {"batch", demoBatch}};
        inputs["stories"] = {{"model", storiesModel}, {"texts", texts}, {"batch", storiesBatch}};
        const fs::path file = fs::temp_directory_path() / "sieve_bench_evaluate_inputs.json";
        std::ofstream(file) << inputs.dump();
        const std::string out = runCapture("python3 " + root + "/scripts/bench_evaluate_hf.py --inputs " +
                                           file.string() + " --threads " + std::to_string(threads) +
                                           " --repeats " + std::to_string(repeats) + " 2>/dev/null");
        try {
            const auto j = nlohmann::json::parse(out.substr(out.find('{')));
            hfDemo = j.at("demo_examples_per_s").get<double>();
            hfStories = j.at("stories_examples_per_s").get<double>();
        } catch (const std::exception&) {
            std::cerr << "transformers side failed (python3, torch, transformers needed): " << out << "\n";
        }
        fs::remove(file);
    }

    std::printf("bench_evaluate  threads=%d  torch %s  best of %d\n", threads, torchVersion().c_str(),
                repeats);
    std::printf("%-34s %10s %14s %10s\n", "task (examples)", "ours ex/s", "transformers", "ratio");
    auto row = [](const std::string& name, const Measured& ours, double ref) {
        if (ref > 0)
            std::printf("%-34s %10.1f %14.1f %9.2fx\n", name.c_str(), ours.examplesPerSecond, ref,
                        ours.examplesPerSecond / ref);
        else
            std::printf("%-34s %10.1f %14s %10s\n", name.c_str(), ours.examplesPerSecond, "-", "-");
    };
    row("demo mixed, generate (" + std::to_string(oursDemo.examples) + ")", oursDemo, hfDemo);
    row("stories260K next-token (" + std::to_string(oursStories.examples) + ")", oursStories, hfStories);
    std::printf("scores: demo exact match %.3f, stories next-token accuracy %.4f\n", oursDemo.score,
                oursStories.score);
    return 0;
}

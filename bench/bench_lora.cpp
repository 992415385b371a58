// One side of bench_lora (bench/bench_lora.py): LoRA training steps of our
// engine on a model directory (a dense or a factorized export of a pruned
// model), adapters on every projection, AdamW, one random batch of fixed
// shape with every token after the first labelled. Prints one JSON line:
// CPU and wall seconds per step (best of --steps after a warm-up step).
//
//   bench_lora --model DIR [--batch 8] [--tokens 128] [--rank 8] [--steps 5] [--threads 1]
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "core/common/compute_threads.h"
#include "core/export/model_export.h"
#include "core/model/model.h"
#include "core/recovery/lora.h"

using namespace sieve;
using namespace sieve::bench;

int main(int argc, char** argv) {
    const std::string path = argString(argc, argv, "--model", SIEVE_SOURCE_DIR "/resources/demo");
    const int64_t batch = argValue(argc, argv, "--batch", 8), tokens = argValue(argc, argv, "--tokens", 128);
    const int steps = int(argValue(argc, argv, "--steps", 5));
    setComputeThreads(int(argValue(argc, argv, "--threads", 1)));
    auto model = isFactorizedExport(path) ? loadFactorizedModel(path) : Model::load(path);
    LoraSettings settings;
    settings.rank = int(argValue(argc, argv, "--rank", 8));
    const int64_t adapterParams = attachLoraAdapters(*model, settings);
    LoraTrainer trainer(*model, settings);
    torch::manual_seed(0);
    LoraBatch b{torch::randint(model->config().vocab, {batch, tokens}, torch::kLong), {}};
    b.labels = b.ids.clone();
    b.labels.select(1, 0).fill_(-100);
    trainer.step(b);  // warm-up
    double cpu = 1e30, wall = 1e30;
    for (int i = 0; i < steps; ++i) {
        const double c0 = processCpuSeconds();
        const auto w0 = std::chrono::steady_clock::now();
        trainer.step(b);
        cpu = std::min(cpu, processCpuSeconds() - c0);
        wall = std::min(wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
    }
    int factorized = 0;
    for (int i = 0; i < model->matrixCount(); ++i) factorized += model->matrix(i).isFactorized();
    std::printf("%s\n", nlohmann::json{{"cpu_seconds_per_step", cpu},
                                       {"wall_seconds_per_step", wall},
                                       {"adapter_params", adapterParams},
                                       {"factorized_matrices", factorized},
                                       {"params", model->summary().totalParams}}
                            .dump()
                            .c_str());
    return 0;
}

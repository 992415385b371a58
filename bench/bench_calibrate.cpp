// Calibration overhead: calibrate() (forward + Gram accumulation) against a
// plain forward over the same padded batches, on a random Llama. Target:
// overhead <= 25 %. Both Gram product precisions are measured; peak RSS printed.
//
//   build/bench/bench_calibrate [--hidden 512] [--intermediate 1376] [--layers 8]
//                               [--vocab 32000] [--sequences 16] [--length 128]
//                               [--batch 8] [--repeats 3] [--threads N] [--device cpu]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include <time.h>

#include "bench/bench_support.h"
#include "core/calibration/calibrate.h"
#include "core/common/compute_threads.h"
#include "core/common/torch_compat.h"
#include "core/model/model.h"

using namespace sieve;
using namespace sieve::bench;

namespace {

struct Timing {
    double wall = 1e30;
    double cpu = 1e30;
};

void synchronize(const Model& model) {
    // A tiny host read waits for queued device work (no CUDA header needed).
    if (model.device().is_cuda()) torch::zeros({1}, torch::TensorOptions().device(model.device())).cpu();
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = int(argValue(argc, argv, "--threads", 0));
    if (threads > 0) setComputeThreads(threads);
    ModelConfig config;
    config.modelType = "llama";
    config.hidden = argValue(argc, argv, "--hidden", 512);
    config.intermediate = argValue(argc, argv, "--intermediate", 1376);
    config.layers = int(argValue(argc, argv, "--layers", 8));
    config.heads = config.hidden / 64;
    config.kvHeads = config.heads;
    config.headDim = 64;
    config.vocab = argValue(argc, argv, "--vocab", 32000);
    config.tieEmbeddings = true;
    config.maxPositions = 2048;
    const int64_t nSeq = argValue(argc, argv, "--sequences", 16);
    const int64_t length = argValue(argc, argv, "--length", 128);
    const int batch = int(argValue(argc, argv, "--batch", 8));
    const int repeats = int(argValue(argc, argv, "--repeats", 3));
    LoadOptions load;
    load.device.device = argString(argc, argv, "--device", "cpu");
    auto model = Model::randomInit(config, 1, load);
    std::printf(
        "model: hidden %lld, intermediate %lld, layers %d, vocab %lld, %.1fM params, device %s, %d threads\n",
        (long long)config.hidden, (long long)config.intermediate, config.layers, (long long)config.vocab,
        double(model->summary().totalParams) / 1e6, model->summary().device.c_str(),
        torch::get_num_threads());

    // Sequences of varied lengths (length/2 .. length) so batches are padded.
    std::vector<std::vector<int64_t>> sequences;
    torch::Tensor ids = torch::randint(config.vocab, {nSeq, length}, torch::kLong);
    int64_t tokens = 0;
    for (int64_t s = 0; s < nSeq; ++s) {
        const int64_t n = length / 2 + (s * 7919) % (length / 2 + 1);
        sequences.emplace_back(ids[s].data_ptr<int64_t>(), ids[s].data_ptr<int64_t>() + n);
        tokens += n;
    }
    // The same right-padded batches calibrate() builds.
    std::vector<std::pair<torch::Tensor, torch::Tensor>> batches;
    for (size_t first = 0; first < sequences.size(); first += size_t(batch)) {
        const size_t last = std::min(sequences.size(), first + size_t(batch));
        int64_t T = 0;
        for (size_t k = first; k < last; ++k) T = std::max<int64_t>(T, int64_t(sequences[k].size()));
        torch::Tensor b = torch::zeros({int64_t(last - first), T}, torch::kLong);
        torch::Tensor m = torch::zeros({int64_t(last - first), T}, torch::kLong);
        for (size_t k = first; k < last; ++k)
            for (size_t t = 0; t < sequences[k].size(); ++t) {
                b[int64_t(k - first)][int64_t(t)] = sequences[k][t];
                m[int64_t(k - first)][int64_t(t)] = 1;
            }
        batches.emplace_back(b.to(model->device()), m.to(model->device()));
    }

    // One run of a measured step; rounds interleave the steps so that load
    // changes on a shared machine hit all of them alike; the best round counts.
    auto once = [&](auto&& fn) {
        synchronize(*model);
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = processCpuSeconds();
        fn();
        synchronize(*model);
        return Timing{std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                      processCpuSeconds() - cpuStart};
    };
    const std::pair<GramProductPrecision, const char*> variants[] = {
        {GramProductPrecision::Float32, "calibrate, float32 products"},
        {GramProductPrecision::Float64, "calibrate, float64 products"},
        {GramProductPrecision::Auto, "calibrate, auto"}};
    Timing plain, hidden;
    Timing calib[3];
    int64_t bytes = 0;
    for (int r = 0; r < repeats; ++r) {
        const Timing p = once([&] {
            compat::InferenceGuard inference;
            for (const auto& [b, m] : batches) model->forward(b, m);
        });
        plain = {std::min(plain.wall, p.wall), std::min(plain.cpu, p.cpu)};
        const Timing h = once([&] {
            compat::InferenceGuard inference;
            for (const auto& [b, m] : batches) model->hiddenStates(b, m);
        });
        hidden = {std::min(hidden.wall, h.wall), std::min(hidden.cpu, h.cpu)};
        for (int v = 0; v < 3; ++v) {
            CalibrationOptions options;
            options.batchSize = batch;
            options.precision = variants[v].first;
            const Timing c = once([&] {
                JobContext quiet;
                bytes = calibrate(*model, sequences, options, quiet).bytes();
            });
            calib[v] = {std::min(calib[v].wall, c.wall), std::min(calib[v].cpu, c.cpu)};
        }
    }
    std::printf("%lld tokens in %zu batches of <= %d, best of %d interleaved rounds; Grams %.1f MiB\n",
                (long long)tokens, batches.size(), batch, repeats, double(bytes) / 1048576.0);
    // Overhead against the plain forward (the target: <= 25 %), and against
    // the forward without the lm_head that calibration runs (the Gram work alone).
    std::printf("%-28s %9s %9s %10s %10s %14s\n", "", "wall s", "CPU s", "wall ovh", "CPU ovh",
                "CPU ovh no-head");
    std::printf("%-28s %9.3f %9.3f\n", "plain forward", plain.wall, plain.cpu);
    std::printf("%-28s %9.3f %9.3f %+9.1f%% %+9.1f%%\n", "forward without lm_head", hidden.wall, hidden.cpu,
                100.0 * (hidden.wall - plain.wall) / plain.wall,
                100.0 * (hidden.cpu - plain.cpu) / plain.cpu);
    for (int v = 0; v < 3; ++v)
        std::printf("%-28s %9.3f %9.3f %+9.1f%% %+9.1f%% %+13.1f%%\n", variants[v].second, calib[v].wall,
                    calib[v].cpu, 100.0 * (calib[v].wall - plain.wall) / plain.wall,
                    100.0 * (calib[v].cpu - plain.cpu) / plain.cpu,
                    100.0 * (calib[v].cpu - hidden.cpu) / hidden.cpu);
    std::printf("peak RSS %.0f MiB\n", peakRssMiB());
    return 0;
}

// Time to factor every prunable matrix of a random Llama (default ~25M
// prunable parameters) with every projection method, from one calibration
// pass on random tokens; mean relative output error at level 0.5 on the
// calibration Gram and on a held-out Gram; peak RSS after each method.
//
//   build/bench/bench_project [--hidden 512] [--intermediate 1376] [--layers 8]
//                             [--tokens 4096] [--threads N] [--device cpu]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <time.h>

#include "bench/bench_support.h"
#include "core/calibration/calibrate.h"
#include "core/common/compute_threads.h"
#include "core/common/torch_compat.h"
#include "core/model/model.h"
#include "core/projection/output_error.h"
#include "core/projection/projection_set.h"

using namespace sieve;
using namespace sieve::bench;

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
    config.vocab = 4096;
    config.maxPositions = 512;
    const int64_t tokens = argValue(argc, argv, "--tokens", 4096);
    LoadOptions load;
    load.device.device = argString(argc, argv, "--device", "cpu");
    auto model = Model::randomInit(config, 1, load);
    std::printf(
        "model: hidden %lld, intermediate %lld, layers %d, %d matrices, %.1fM prunable params, device %s, "
        "%d threads\n",
        (long long)config.hidden, (long long)config.intermediate, config.layers, model->matrixCount(),
        double(model->summary().prunableParams) / 1e6, model->summary().device.c_str(),
        torch::get_num_threads());

    // Random tokens: enough for full-rank Grams of every site.
    std::vector<std::vector<int64_t>> sequences;
    torch::Tensor ids = torch::randint(config.vocab, {tokens / 128, 128}, torch::kLong);
    for (int64_t s = 0; s < ids.size(0); ++s) {
        auto row = ids[s];
        sequences.emplace_back(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel());
    }
    JobContext quiet;
    auto start = std::chrono::steady_clock::now();
    const CalibrationData data = calibrate(*model, sequences, CalibrationOptions{}, quiet);
    const double calibSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("calibration: %lld tokens in %.2f s, Grams %.1f MiB, peak RSS %.0f MiB\n",
                (long long)data.tokens(), calibSeconds, double(data.bytes()) / 1048576.0, peakRssMiB());
    const std::vector<torch::Tensor> grams = data.gramsPerMatrix();
    // A held-out split (other random tokens): the error a projection makes
    // on data it was not fitted to.
    std::vector<std::vector<int64_t>> heldOutSequences;
    torch::Tensor heldIds =
        torch::randint(config.vocab, {std::max<int64_t>(1, tokens / 256), 128}, torch::kLong);
    for (int64_t s = 0; s < heldIds.size(0); ++s)
        heldOutSequences.emplace_back(heldIds[s].data_ptr<int64_t>(),
                                      heldIds[s].data_ptr<int64_t>() + heldIds.size(1));
    const std::vector<torch::Tensor> heldOut =
        calibrate(*model, heldOutSequences, CalibrationOptions{}, quiet).gramsPerMatrix();

    std::printf("\n%-14s %9s %10s %12s %12s %12s %9s\n", "method", "wall s", "CPU s", "factors MiB",
                "calib err", "held-out err", "RSS MiB");
    for (const auto& method : projectionMethods()) {
        ProjectionSetOptions options;
        options.factor.levels = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        const double cpuStart = processCpuSeconds();
        const ProjectionSet set =
            ProjectionSet::build(*method, prunableLinears(*model), grams, options, quiet);
        const double cpu = processCpuSeconds() - cpuStart;
        int64_t bytes = 0;
        double err = 0, heldErr = 0;
        for (int i = 0; i < set.matrixCount(); ++i) {
            bytes += set.factorization(i).bytes();
            err += set.errorCurve(i, grams[size_t(i)], {0.5})[0];
            heldErr += set.errorCurve(i, heldOut[size_t(i)], {0.5})[0];
        }
        std::printf("%-14s %9.2f %10.2f %12.1f %12.4f %12.4f %9.0f\n", method->name().c_str(),
                    set.factorSeconds(), cpu, double(bytes) / 1048576.0, err / set.matrixCount(),
                    heldErr / set.matrixCount(), peakRssMiB());
        std::fflush(stdout);
    }
    // Switching levels: a slice, not a decomposition.
    {
        const auto sieveMethod = makeProjection("sieve");
        ProjectionSetOptions options;
        options.factor.levels = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        const ProjectionSet set =
            ProjectionSet::build(*sieveMethod, prunableLinears(*model), grams, options, quiet);
        DenseRestoreGuard guard(set);
        const int switches = 20;
        start = std::chrono::steady_clock::now();
        for (int k = 0; k < switches; ++k)
            set.apply(std::vector<double>(size_t(set.matrixCount()), 0.1 * double(1 + k % 9)));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("\napply a uniform level to all %d matrices (sieve): %.2f ms per switch\n",
                    set.matrixCount(), 1000.0 * s / switches);
    }
    std::printf("peak RSS %.0f MiB\n", peakRssMiB());
    return 0;
}

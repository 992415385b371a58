// Scaling the sieve to large models, printed as ratios in one run:
//   1. the machine: GEMM rate in float32 and bfloat16 (what --dtype auto reads from the CPU);
//   2. calibrate + project random Llama blocks (hidden 1024 / 2048 / 4096, intermediate
//      3.5x), bfloat16 and float32, layer-streamed vs the old whole-model path (every
//      layer's Grams kept, then ProjectionSet::build): time ratio, peak memory of each,
//      and the streamed peak against the memory planner's prediction;
//   3. calibration overhead over a plain forward for the same shapes, per block and
//      extrapolated to Llama-3.1-8B (32 such blocks and its 128256-token lm_head);
//   4. the planner's verdicts for Phi-3-mini, Llama-3.1-8B and Llama-3.1-70B.
// Each measured case runs in its own process (this binary with --child), so
// that every peak resident set is that case's alone.
//
//   bench_scale [--hidden 1024,2048] [--dtypes bf16,f32] [--layers 2] [--tokens 2048]
//               [--length 256] [--methods sieve] [--threads 1] [--device cpu]
//   bench_scale --write-model DIR --hidden 4096 --intermediate 14336 --layers 32 --heads 32
//               --kv-heads 8 --vocab 128256 [--tokens 65536] [--device cuda:0]
//     writes a random bfloat16 Hugging Face model of that shape (drawn on --device),
//     the demo model's character tokenizer and a text task whose calibration split
//     holds about --tokens tokens: what scripts/gpu-check.sh sieves end to end.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <vector>

#include "bench_support.h"
#include "core/calibration/calibrate.h"
#include "core/calibration/layer_stream.h"
#include "core/common/cpu_features.h"
#include "core/common/device.h"
#include "core/common/device_memory.h"
#include "core/common/heap_reuse.h"
#include "core/demo/random_llama.h"
#include "core/engine/streamed_projection.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "core/model/model_shape.h"
#include "core/plan/memory_planner.h"
#include "core/projection/projection_method.h"

using namespace sieve;
using namespace sieve::bench;

namespace {

constexpr double kMiB = 1024.0 * 1024;

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

double seconds(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void synchronize(const torch::Device& device) {
    if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

ModelConfig blockConfig(int64_t hidden, int layers, int64_t vocab) {
    ModelConfig c;
    c.modelType = "llama";
    c.hidden = hidden;
    c.intermediate = hidden * 7 / 2;
    c.layers = layers;
    c.heads = hidden / 128;
    c.kvHeads = std::max<int64_t>(1, c.heads / 4);  // Llama-3's grouping
    c.vocab = vocab;
    c.tieEmbeddings = true;
    c.maxPositions = 4096;
    return c;
}

std::vector<std::vector<int64_t>> randomSequences(int64_t tokens, int64_t length, int64_t vocab) {
    const int64_t count = std::max<int64_t>(1, tokens / length);
    torch::manual_seed(11);
    const torch::Tensor ids = torch::randint(1, vocab, {count, length}, torch::kLong);
    std::vector<std::vector<int64_t>> out;
    for (int64_t s = 0; s < count; ++s)
        out.emplace_back(ids[s].data_ptr<int64_t>(), ids[s].data_ptr<int64_t>() + length);
    return out;
}

// GFLOP/s of an n x n x n product in `dtype` on `device` (best of 3).
double gemmRate(torch::ScalarType dtype, const torch::Device& device, int64_t n) {
    const auto options = torch::TensorOptions().dtype(dtype).device(device);
    const torch::Tensor a = torch::randn({n, n}).to(options), b = torch::randn({n, n}).to(options);
    torch::Tensor c = a.matmul(b);
    double best = 1e30;
    for (int r = 0; r < 3; ++r) {
        synchronize(device);
        const auto start = std::chrono::steady_clock::now();
        c = a.matmul(b);
        synchronize(device);
        best = std::min(best, seconds(start));
    }
    return 2.0 * double(n) * double(n) * double(n) / best / 1e9;
}

// Frees nothing and factors nothing: the Gram work alone, for the overhead figure.
class GramsOnly : public BlockVisitor {
public:
    bool wantsGrams(int) const override { return true; }
    bool changesBlock(int) const override { return false; }
    void visit(BlockGrams, JobContext&) override {}
};

struct ChildArgs {
    std::string path;  // "streamed", "whole", "overhead"
    int64_t hidden = 1024;
    DType dtype = DType::BFloat16;
    int layers = 2;
    int64_t tokens = 2048, length = 256;
    std::vector<std::string> methods{"sieve"};
    std::string device = "cpu";
};

// One measured case; prints "key value" lines for the parent.
int runChild(const ChildArgs& a) {
    heapFollowsLiveMemory();  // the resident set follows what is alive (see tests/plan)
    const torch::Device device(a.device);
    const ModelConfig config = blockConfig(a.hidden, a.layers, a.path == "overhead" ? 32000 : 8192);
    const auto seqs = randomSequences(a.tokens, a.length, config.vocab);
    LoadOptions load{DeviceChoice{a.device, a.dtype}};
    {
        auto warm = Model::randomInit(blockConfig(256, 1, 512), 1, load);  // libraries' own buffers
        JobContext quiet;
        StreamedProjectionOptions o;
        o.methods = {"sieve"};
        o.grid = defaultLevelGrid();
        calibrateAndProject(*warm, randomSequences(32, 16, 512), o, quiet);
    }
    releaseFreedHeapMemory();
    const int64_t baseline = device.is_cpu() ? currentMemory("cpu") : 0;
    auto model = Model::randomInit(config, 5, load);
    JobContext quiet;
    CalibrationOptions calibration;
    calibration.batchSize = 8;

    if (a.path == "overhead") {
        // Per batch: the plain forward (logits), the forward without the
        // lm_head, and the calibration pass (forward + Grams), best of 2.
        double plain = 1e30, blocks = 1e30, calibrate = 1e30;
        const torch::Tensor ids = torch::tensor(seqs.front(), torch::kLong).view({1, -1}).repeat({8, 1});
        const int64_t batches = int64_t(seqs.size() + 7) / 8;
        for (int round = 0; round < 2; ++round) {
            auto start = std::chrono::steady_clock::now();
            for (int64_t b = 0; b < batches; ++b) model->forward(ids.to(device));
            synchronize(device);
            plain = std::min(plain, seconds(start));
            start = std::chrono::steady_clock::now();
            for (int64_t b = 0; b < batches; ++b) model->hiddenStates(ids.to(device));
            synchronize(device);
            blocks = std::min(blocks, seconds(start));
            GramsOnly visitor;
            start = std::chrono::steady_clock::now();
            streamLayers(*model, seqs, StreamOptions(calibration), visitor, quiet);
            synchronize(device);
            calibrate = std::min(calibrate, seconds(start));
        }
        // FLOPs of one plain forward over all batches: 2 x matrix parameters x tokens.
        const double tokens = double(batches * ids.numel());
        const double params = double(model->summary().prunableParams + config.vocab * config.hidden);
        std::printf("plain %.6f\nblocks %.6f\ncalibrate %.6f\nflops %.6e\n", plain, blocks, calibrate,
                    2 * params * tokens);
        return 0;
    }

    PlanRequest r;
    r.shape = modelShapeOf(config, "bench");
    r.dtype = a.dtype;
    r.methods = a.methods;
    r.calibrationTokens = int64_t(seqs.size()) * a.length;
    r.calibrationLength = a.length;
    r.fusedAttention = compat::kHasFusedAttention;
    const MemoryInfo host = hostMemory();
    if (device.is_cpu()) {
        r.devices = {PlanDevice{"cpu", host.total, host.available}};
    } else {
        const MemoryInfo gpu = deviceMemory(a.device);
        r.devices = {PlanDevice{a.device, gpu.total, gpu.available}};
    }
    r.host = PlanDevice{"host", host.total, host.available};
    const MemoryPlan plan = planMemory(r);

    releaseFreedHeapMemory();
    resetPeakMemory(a.device);
    const double cpuStart = processCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    if (a.path == "streamed") {
        StreamedProjectionOptions options;
        options.stream = StreamOptions(calibration);
        options.methods = a.methods;
        options.grid = defaultLevelGrid();
        options.keepGrams = plan.keepGrams;
        calibrateAndProject(*model, seqs, options, quiet);
    } else {
        // The whole-model path the engine used before: every layer's Grams, then each method's set.
        const CalibrationData grams = calibrate(*model, seqs, calibration, quiet);
        std::vector<ProjectionSet> sets;
        for (const std::string& m : a.methods) {
            ProjectionSetOptions options;
            options.factor.levels = defaultLevelGrid();
            sets.push_back(ProjectionSet::build(*makeProjection(m), prunableLinears(*model),
                                                grams.gramsPerMatrix(), options, quiet));
        }
    }
    synchronize(device);
    const double wall = seconds(start);
    const double cpu = processCpuSeconds() - cpuStart;
    const int64_t peak = peakMemory(a.device) - baseline;
    std::printf("wall %.6f\ncpu %.6f\npeak %lld\nplanned %lld\n", wall, cpu, static_cast<long long>(peak),
                static_cast<long long>(plan.phase("calibrate")->deviceBytes[0]));
    return 0;
}

std::map<std::string, double> runCase(const std::string& self, const ChildArgs& a, int threads) {
    std::string methods;
    for (const auto& m : a.methods) methods += (methods.empty() ? "" : ",") + m;
    const std::string command = self + " --child " + a.path + " --hidden " + std::to_string(a.hidden) +
                                " --dtypes " + dtypeName(a.dtype) + " --layers " + std::to_string(a.layers) +
                                " --tokens " + std::to_string(a.tokens) + " --length " +
                                std::to_string(a.length) + " --methods " + methods + " --threads " +
                                std::to_string(threads) + " --device " + a.device;
    std::map<std::string, double> values;
    std::stringstream out(runCapture(command));
    std::string key;
    double value = 0;
    while (out >> key >> value) values[key] = value;
    return values;
}

void planVerdicts() {
    std::printf(
        "\n## Planner: the paper's models (bf16, sieve,weight-svd,input-pca, 65536 calibration tokens)\n\n");
    std::printf(
        "| model | params | GPUs | load | calibrate | project | search (peak per GPU) | host | fits on N x "
        "141 GB |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const char* name : {"phi-3-mini-4k-instruct", "llama-3.1-8b", "llama-3.1-70b"}) {
        for (int gpus : {1, 4}) {
            PlanRequest r;
            r.shape = modelShapeOf(
                readCheckpointConfig(std::string(SIEVE_SOURCE_DIR "/resources/configs/") + name), name);
            r.dtype = DType::BFloat16;
            r.methods = {"sieve", "weight-svd", "input-pca"};
            r.calibrationTokens = 65536;
            r.fusedAttention = true;
            const int64_t h200 = int64_t(141e9);
            for (int g = 0; g < gpus; ++g)
                r.devices.push_back(
                    PlanDevice{"cuda:" + std::to_string(g), h200, h200 - gpuReserveBytes(h200)});
            r.host = PlanDevice{"host", int64_t(1000e9), int64_t(900e9)};
            const MemoryPlan plan = planMemory(r);
            auto peak = [&](const char* phase) {
                const PhasePlan* p = plan.phase(phase);
                if (!p) return std::string("-");
                int64_t m = 0;
                for (int64_t b : p->deviceBytes) m = std::max(m, b);
                char t[32];
                std::snprintf(t, sizeof t, "%.1f GiB", double(m) / kMiB / 1024);
                return std::string(t);
            };
            int64_t hostPeak = 0;
            for (const PhasePlan& p : plan.phases) hostPeak = std::max(hostPeak, p.hostBytes);
            std::string verdict = plan.fits ? "yes" : "no";
            if (!plan.fits && phaseFits(plan, "calibrate") && plan.offloadBlocks)
                verdict += " (calibration: yes, host offload)";
            std::printf("| %s | %.2f B | %d | %s | %s | %s | %s | %.1f GiB | fits on %d x 141 GB: %s |\n",
                        name, double(r.shape.totalParams()) / 1e9, gpus, peak("load").c_str(),
                        peak("calibrate").c_str(), peak("project").c_str(), peak("search").c_str(),
                        double(hostPeak) / kMiB / 1024, gpus, verdict.c_str());
        }
    }
}

// A random Llama of the given shape, as a Hugging Face folder, with a task
// (core/demo/random_llama.h).
int writeRandomModel(int argc, char** argv) try {
    const std::filesystem::path dir = argString(argc, argv, "--write-model", "");
    const ModelConfig c = demo::randomLlamaConfig(
        argValue(argc, argv, "--hidden", 4096), argValue(argc, argv, "--intermediate", 14336),
        int(argValue(argc, argv, "--layers", 32)), argValue(argc, argv, "--heads", 32),
        argValue(argc, argv, "--kv-heads", 8), argValue(argc, argv, "--vocab", 128256));
    const demo::RandomLlamaTask task = demo::writeRandomLlama(
        dir, c, std::filesystem::path(SIEVE_SOURCE_DIR) / "resources/demo/tokenizer.json",
        argValue(argc, argv, "--tokens", 65536), argString(argc, argv, "--device", "cpu"));
    std::printf("wrote %s: %.2f B parameters, %lld texts of %lld characters\n", dir.c_str(),
                double(modelShapeOf(c, "").totalParams()) / 1e9, static_cast<long long>(task.texts),
                static_cast<long long>(task.characters));
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_scale --write-model: %s\n", e.what());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (!argString(argc, argv, "--write-model", "").empty()) return writeRandomModel(argc, argv);
    const int threads = int(argValue(argc, argv, "--threads", 1));
    torch::set_num_threads(threads);
    ChildArgs base;
    base.layers = int(argValue(argc, argv, "--layers", 2));
    base.tokens = argValue(argc, argv, "--tokens", 2048);
    base.length = argValue(argc, argv, "--length", 256);
    base.methods = split(argString(argc, argv, "--methods", "sieve"));
    base.device = argString(argc, argv, "--device", "cpu");
    const std::string child = argString(argc, argv, "--child", "");
    if (!child.empty()) {
        base.path = child;
        base.hidden = argValue(argc, argv, "--hidden", 1024);
        base.dtype = parseDType(argString(argc, argv, "--dtypes", "bf16"));
        return runChild(base);
    }
    const std::vector<std::string> hiddens = split(argString(argc, argv, "--hidden", "1024,2048"));
    const std::vector<std::string> dtypes = split(argString(argc, argv, "--dtypes", "bf16,f32"));
    const std::string self = argv[0];
    const torch::Device device(base.device);

    std::printf("# bench_scale: %s, %d thread(s), CPU %s, libtorch %s\n\n", base.device.c_str(), threads,
                cpuFeatures().describe().c_str(), torchVersion().c_str());
    const int64_t gemmSize = device.is_cuda() ? 8192 : 2048;
    const std::map<DType, double> gemmPeak = {
        {DType::Float32, gemmRate(torch::kFloat32, device, gemmSize)},
        {DType::BFloat16, gemmRate(torch::kBFloat16, device, gemmSize)}};
    std::printf("GEMM %lld^3: float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s; --dtype auto picks %s here (%s)\n",
                static_cast<long long>(gemmSize), gemmPeak.at(DType::Float32), gemmPeak.at(DType::BFloat16),
                dtypeName(resolveDType(DeviceChoice{base.device, DType::Auto})).c_str(),
                automaticDTypeReason(base.device).c_str());

    std::printf("\n## Calibrate + project (%s), %d blocks, %lld tokens of %lld\n\n",
                argString(argc, argv, "--methods", "sieve").c_str(), base.layers,
                static_cast<long long>(base.tokens), static_cast<long long>(base.length));
    std::printf(
        "| hidden | dtype | whole-model s (CPU s) | streamed s (CPU s) | time streamed / whole | whole peak "
        "MiB | "
        "streamed peak MiB | peak streamed / whole | streamed planned MiB | planned / measured |\n");
    std::printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& h : hiddens)
        for (const std::string& dt : dtypes) {
            ChildArgs a = base;
            a.hidden = std::stoll(h);
            a.dtype = parseDType(dt);
            a.path = "whole";
            const auto whole = runCase(self, a, threads);
            a.path = "streamed";
            const auto streamed = runCase(self, a, threads);
            if (!whole.count("peak") || !streamed.count("peak")) {
                std::printf("| %s | %s | failed (see stderr) |\n", h.c_str(), dt.c_str());
                continue;
            }
            std::printf("| %s | %s | %.2f (%.2f) | %.2f (%.2f) | %.2f | %.0f | %.0f | %.2f | %.0f | %.3f |\n",
                        h.c_str(), dtypeName(a.dtype).c_str(), whole.at("wall"), whole.at("cpu"),
                        streamed.at("wall"), streamed.at("cpu"), streamed.at("cpu") / whole.at("cpu"),
                        whole.at("peak") / kMiB, streamed.at("peak") / kMiB,
                        streamed.at("peak") / whole.at("peak"), streamed.at("planned") / kMiB,
                        streamed.at("planned") / streamed.at("peak"));
            std::fflush(stdout);
        }

    std::printf(
        "\n## Calibration overhead over a plain forward (Grams only, no factoring; wall s, best of 2)\n\n");
    std::printf(
        "| hidden | dtype | plain forward | forward without lm_head | calibrate | overhead here | per block: "
        "Grams / block forward | Llama-3.1-8B shape (32 blocks + lm_head), estimated | plain forward / "
        "GEMM peak |\n");
    std::printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& h : hiddens)
        for (const std::string& dt : dtypes) {
            ChildArgs a = base;
            a.hidden = std::stoll(h);
            a.dtype = parseDType(dt);
            a.path = "overhead";
            const auto m = runCase(self, a, threads);
            if (!m.count("plain")) {
                std::printf("| %s | %s | failed |\n", h.c_str(), dt.c_str());
                continue;
            }
            const double lmHead = m.at("plain") - m.at("blocks");  // vocab 32000 here
            const double perBlock = m.at("blocks") / a.layers;
            const double gramsPerBlock = (m.at("calibrate") - m.at("blocks")) / a.layers;
            // Llama-3.1-8B: 32 of these blocks and its lm_head (vocab 128256; ours has 32000).
            const double lm8b = lmHead * 128256.0 / 32000.0;
            char estimate[64] = "-";
            if (a.hidden == 4096)
                std::snprintf(estimate, sizeof estimate, "%+.0f %%",
                              100 * (32 * (perBlock + gramsPerBlock)) / (32 * perBlock + lm8b) - 100);
            const auto peak = gemmPeak.find(a.dtype);
            const double ofPeak =
                peak == gemmPeak.end() ? 0.0 : m.at("flops") / m.at("plain") / 1e9 / peak->second;
            std::printf("| %s | %s | %.3f | %.3f | %.3f | %+.0f %% | %.2f | %s | %.2f |\n", h.c_str(),
                        dtypeName(a.dtype).c_str(), m.at("plain"), m.at("blocks"), m.at("calibrate"),
                        100 * (m.at("calibrate") / m.at("plain") - 1), gramsPerBlock / perBlock, estimate,
                        ofPeak);
            std::fflush(stdout);
        }
    planVerdicts();
    return 0;
}

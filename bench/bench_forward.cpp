// Forward-pass benchmark: how close our prefill and decode come to the
// machine's GEMM rate, and to Hugging Face transformers on the same model.
//
//   bench_forward [--threads N] [--device cpu|cuda] [--batch 4] [--prompt 256] [--decode 64]
//                 [--hidden 768] [--intermediate 2048] [--layers 12] [--heads 12] [--kv-heads 4]
//                 [--vocab 8192] [--no-hf]
//
// FLOPs of a forward = 2 x (matrix parameters used per token) x tokens, where
// the matrix parameters are the 7 per-layer projections plus the lm_head
// (attention scores are left out, as is usual for this estimate).
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "core/common/compute_threads.h"
#include "core/model/model.h"

using namespace sieve;
using namespace sieve::bench;
using Clock = std::chrono::steady_clock;

namespace {

// Best wall time and best process CPU time over repeats. On a shared machine
// the CPU time (work done, not time spent waiting for a core) is the fairer
// basis; both are printed, and ratios use the same basis on both sides.
struct Best {
    double wall = 1e30, cpu = 1e30;
    template <class F>
    void measure(F&& work) {
        const auto w0 = Clock::now();
        const std::clock_t c0 = std::clock();
        work();
        cpu = std::min(cpu, double(std::clock() - c0) / CLOCKS_PER_SEC);
        wall = std::min(wall, std::chrono::duration<double>(Clock::now() - w0).count());
    }
};

void synchronize(const torch::Device& device) {
    if (device.is_cuda()) torch::zeros({1}, torch::TensorOptions().device(device)).cpu();
}

// Best-of-`repeats` time of an m x k by k x n matmul (after a warm-up).
Best gemmTime(torch::ScalarType dtype, int64_t m, int64_t k, int64_t n, int repeats,
              const torch::Device& device) {
    const auto options = torch::TensorOptions().dtype(dtype).device(device);
    const torch::Tensor a = torch::randn({m, k}, options), b = torch::randn({k, n}, options);
    torch::matmul(a, b);
    synchronize(device);
    Best best;
    for (int r = 0; r < repeats; ++r)
        best.measure([&] {
            torch::matmul(a, b);
            synchronize(device);
        });
    return best;
}

// The machine's GEMM rate with these threads: the best over square sizes and
// over the model's own matrix shapes, each best of several runs after a
// warm-up, on each basis (wall, CPU). Including the model's shapes means no
// forward of the model can beat it: a ratio to it stays <= 1.
struct Peak {
    double wallGflops = 0, cpuGflops = 0;
    std::string wallShape, cpuShape;
};
Peak gemmPeak(torch::ScalarType dtype, const std::vector<std::array<int64_t, 3>>& shapes, int repeats,
              const torch::Device& device) {
    Peak p;
    for (const auto& [m, k, n] : shapes) {
        const Best t = gemmTime(dtype, m, k, n, repeats, device);
        const double gflop = 2.0 * double(m) * double(k) * double(n) / 1e9;
        const std::string shape = std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
        if (gflop / t.wall > p.wallGflops) p.wallGflops = gflop / t.wall, p.wallShape = shape;
        if (gflop / t.cpu > p.cpuGflops) p.cpuGflops = gflop / t.cpu, p.cpuShape = shape;
    }
    return p;
}

// Prefill (batch x prompt, no cache) and decode (batch 1, one token at a time) of the model as it is.
std::pair<Best, Best> forwardTimes(const Model& model, const torch::Tensor& ids, int64_t decode,
                                   int repeats) {
    Best prefill, decoding;
    c10::InferenceMode guard;
    const torch::Device device = model.device();
    model.forward(ids.narrow(1, 0, 16));  // warm-up
    for (int r = 0; r < repeats; ++r)
        prefill.measure([&] {
            model.forward(ids);
            synchronize(device);
        });
    for (int r = 0; r < repeats; ++r) {
        KVCache cache;
        torch::Tensor next =
            model.forward(ids.narrow(0, 0, 1).narrow(1, 0, 32), {}, &cache).select(1, -1).argmax(-1, true);
        synchronize(device);
        decoding.measure([&] {
            for (int64_t s = 0; s < decode; ++s)
                next = model.forward(next, {}, &cache).select(1, -1).argmax(-1, true);
            synchronize(device);
        });
    }
    return {prefill, decoding};
}

// The numbers of the one-line JSON object the Python side prints last.
std::map<std::string, double> parseNumbers(const std::string& output) {
    std::map<std::string, double> out;
    const size_t start = output.rfind("\n{");
    const std::string line = output.substr(start == std::string::npos ? 0 : start + 1);
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return out;
    for (const auto& [key, value] : j.items())
        if (value.is_number()) out[key] = value.get<double>();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> arg{{"threads", "0"},         {"device", "cpu"}, {"batch", "4"},
                                           {"prompt", "256"},        {"decode", "64"},  {"hidden", "768"},
                                           {"intermediate", "2048"}, {"layers", "12"},  {"heads", "12"},
                                           {"kv-heads", "4"},        {"vocab", "8192"}, {"repeats", "3"}};
    bool runHf = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--no-hf") {
            runHf = false;
        } else if (a.rfind("--", 0) == 0 && i + 1 < argc && arg.count(a.substr(2))) {
            arg[a.substr(2)] = argv[++i];
        } else {
            std::fprintf(stderr, "unknown or incomplete option %s\n", a.c_str());
            return 2;
        }
    }
    auto num = [&arg](const char* k) { return std::stoll(arg.at(k)); };
    if (num("threads") > 0) setComputeThreads(int(num("threads")));
    const ComputeThreads threadInfo = computeThreads();
    const int threads = threadInfo.torch;
    const int repeats = int(num("repeats"));

    ModelConfig c;
    c.modelType = "llama";
    c.hidden = num("hidden"), c.intermediate = num("intermediate"), c.layers = int(num("layers"));
    c.heads = num("heads"), c.kvHeads = num("kv-heads"), c.vocab = num("vocab");
    c.tieEmbeddings = true;
    LoadOptions options;
    options.device.device = arg.at("device");
    auto model = Model::randomInit(c, 0, options);
    const torch::Device device = model->device();
    const int64_t matrixParams = model->summary().prunableParams + c.vocab * c.hidden;  // + lm_head
    std::printf("torch %s, %d threads (%s: %d), device %s\n", torchVersion().c_str(), threads,
                threadInfo.library.c_str(), threadInfo.blas, device.str().c_str());
    std::printf(
        "model: llama hidden %lld, intermediate %lld, %d layers, %lld/%lld heads, vocab %lld: "
        "%.1f M parameters (%.1f M in matrices incl. lm_head)\n",
        (long long)c.hidden, (long long)c.intermediate, c.layers, (long long)c.heads, (long long)c.kvHeads,
        (long long)c.vocab, model->summary().totalParams / 1e6, matrixParams / 1e6);

    // 1. The machine: square GEMMs and the model's own shapes.
    const int64_t B = num("batch"), T = num("prompt"), decode = num("decode");
    const int64_t rows = B * T;
    std::vector<std::array<int64_t, 3>> shapes = {{1024, 1024, 1024},
                                                  {2048, 2048, 2048},
                                                  {rows, c.hidden, c.hidden},
                                                  {rows, c.hidden, c.intermediate},
                                                  {rows, c.intermediate, c.hidden}};
    if (device.is_cuda()) shapes.push_back({8192, 8192, 8192});
    const Peak peak = gemmPeak(torch::kFloat32, shapes, repeats + 2, device);
    const Peak peakBf16 =
        gemmPeak(torch::kBFloat16, {{2048, 2048, 2048}, {rows, c.hidden, c.intermediate}}, repeats, device);
    std::printf("GEMM peak float32: %.1f GFLOP/s wall (%s), %.1f GFLOP per CPU-s (%s)\n", peak.wallGflops,
                peak.wallShape.c_str(), peak.cpuGflops, peak.cpuShape.c_str());
    std::printf("GEMM bfloat16: %.1f GFLOP/s wall, %.1f GFLOP per CPU-s (%.2fx float32 per CPU-s)\n",
                peakBf16.wallGflops, peakBf16.cpuGflops, peakBf16.cpuGflops / peak.cpuGflops);

    // 2. Ours: prefill (batch x prompt tokens, no cache) and decode (batch 1, one token at a time).
    const torch::Tensor ids = torch::randint(0, c.vocab, {B, T}, torch::kLong);
    const auto [prefill, decoding] = forwardTimes(*model, ids, decode, repeats);
    const double prefillFlops = 2.0 * double(matrixParams) * double(B * T) / 1e9;
    const double prefillGemmWall = (prefillFlops / prefill.wall) / peak.wallGflops;
    const double prefillGemmCpu = (prefillFlops / prefill.cpu) / peak.cpuGflops;
    std::printf(
        "ours prefill (batch %lld x %lld tokens): %.0f tokens/s wall (%.1f GFLOP/s), "
        "%.0f tokens per CPU-s (%.1f GFLOP per CPU-s)\n",
        (long long)B, (long long)T, B * T / prefill.wall, prefillFlops / prefill.wall, B * T / prefill.cpu,
        prefillFlops / prefill.cpu);
    std::printf(
        "ours decode (batch 1, 32-token prompt, %lld steps): %.1f tokens/s wall, %.1f tokens per CPU-s\n",
        (long long)decode, decode / decoding.wall, decode / decoding.cpu);
    std::printf("ratio prefill ours/GEMM-peak (float32): %.2f wall, %.2f CPU-time (target >= 0.60)\n",
                prefillGemmWall, prefillGemmCpu);

    // Pruned: every prunable matrix factorized at the same level (random
    // factors of the level's rank: the speed does not depend on the values).
    std::printf("\n%-28s %12s %12s %12s %12s\n", "pruned (prunable removed)", "prefill tok/CPU-s", "vs dense",
                "decode tok/CPU-s", "vs dense");
    std::printf("%-28s %12.0f %11.2fx %12.1f %11.2fx\n", "dense", B * T / prefill.cpu, 1.0,
                decode / decoding.cpu, 1.0);
    for (double level : {0.25, 0.5, 0.75}) {
        torch::manual_seed(1);
        for (int i = 0; i < model->matrixCount(); ++i) {
            PrunableLinear& linear = model->matrix(i);
            const int64_t D = linear.info().rows, H = linear.info().cols, r = rankForLevel(D, H, level);
            const auto options = linear.weight().options();
            linear.setFactors(torch::randn({D, r}, options) / std::sqrt(double(r)),
                              torch::randn({r, H}, options) / std::sqrt(double(H)));
        }
        const double removed =
            1.0 - double(model->currentPrunableParams()) / double(model->summary().prunableParams);
        const auto [p, d] = forwardTimes(*model, ids, decode, repeats);
        char name[64];
        std::snprintf(name, sizeof name, "level %.2f (%.0f %% removed)", level, 100 * removed);
        std::printf("%-28s %12.0f %11.2fx %12.1f %11.2fx\n", name, B * T / p.cpu, prefill.cpu / p.cpu,
                    decode / d.cpu, decoding.cpu / d.cpu);
        model->restoreAllDense();
    }
    std::printf("(target: >= 1.6x prefill at 50 %% removed)\n\n");

    // 3. transformers on the same config and thread count.
    if (!runHf || device.is_cuda()) {
        std::printf("transformers: skipped (%s)\n",
                    runHf ? "the Python side runs on the CPU only" : "--no-hf");
        return 0;
    }
    const std::string script = std::string(SIEVE_SOURCE_DIR) + "/scripts/bench_forward_hf.py";
    if (std::system("python3 -c 'import torch, transformers' >/dev/null 2>&1") != 0) {
        std::printf("transformers: skipped (python3 with torch and transformers not found)\n");
        return 0;
    }
    const std::string command = "python3 " + script + " --hidden " + arg["hidden"] + " --intermediate " +
                                arg["intermediate"] + " --layers " + arg["layers"] + " --heads " +
                                arg["heads"] + " --kv-heads " + arg["kv-heads"] + " --vocab " + arg["vocab"] +
                                " --batch " + arg["batch"] + " --prompt " + arg["prompt"] + " --decode " +
                                arg["decode"] + " --repeats " + arg["repeats"] + " --threads " +
                                std::to_string(threads) + " 2>/dev/null";
    const auto hf = parseNumbers(runCapture(command));
    if (!hf.count("prefill_tokens_per_s") || !hf.count("decode_tokens_per_s")) {
        std::printf("transformers: skipped (%s printed no result)\n", script.c_str());
        return 0;
    }
    auto hfNumber = [&hf](const char* key) { return hf.count(key) ? hf.at(key) : 0.0; };
    const double hfPrefillWall = hfNumber("prefill_tokens_per_s"),
                 hfDecodeWall = hfNumber("decode_tokens_per_s");
    const double hfPrefillCpu = hfNumber("prefill_tokens_per_cpu_s"),
                 hfDecodeCpu = hfNumber("decode_tokens_per_cpu_s");
    std::printf(
        "transformers prefill: %.0f tokens/s wall, %.0f tokens per CPU-s; decode: %.1f tokens/s wall, "
        "%.1f tokens per CPU-s\n",
        hfPrefillWall, hfPrefillCpu, hfDecodeWall, hfDecodeCpu);
    std::printf("ratio prefill ours/transformers: %.2fx wall, %.2fx CPU-time (target >= 1.5x)\n",
                (B * T / prefill.wall) / hfPrefillWall, (B * T / prefill.cpu) / hfPrefillCpu);
    std::printf("ratio decode ours/transformers: %.2fx wall, %.2fx CPU-time\n",
                (decode / decoding.wall) / hfDecodeWall, (decode / decoding.cpu) / hfDecodeCpu);
    return 0;
}

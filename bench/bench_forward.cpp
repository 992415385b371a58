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
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
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

// Best-of-`repeats` time of an n x n x n matmul.
Best gemmTime(torch::ScalarType dtype, int64_t n, int repeats, const torch::Device& device) {
    const auto options = torch::TensorOptions().dtype(dtype).device(device);
    const torch::Tensor a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
    torch::matmul(a, b);  // warm-up
    synchronize(device);
    Best best;
    for (int r = 0; r < repeats; ++r)
        best.measure([&] {
            torch::matmul(a, b);
            synchronize(device);
        });
    return best;
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
    if (num("threads") > 0) torch::set_num_threads(int(num("threads")));
    const int threads = torch::get_num_threads();
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
    std::printf("torch %s, %d threads, device %s\n", torchVersion().c_str(), threads, device.str().c_str());
    std::printf(
        "model: llama hidden %lld, intermediate %lld, %d layers, %lld/%lld heads, vocab %lld: "
        "%.1f M parameters (%.1f M in matrices incl. lm_head)\n",
        (long long)c.hidden, (long long)c.intermediate, c.layers, (long long)c.heads, (long long)c.kvHeads,
        (long long)c.vocab, model->summary().totalParams / 1e6, matrixParams / 1e6);

    // 1. The machine: large square GEMMs.
    const int64_t n = device.is_cuda() ? 8192 : 2048;
    const double gemmFlops = 2.0 * double(n) * double(n) * double(n) / 1e9;
    const Best gemmF32 = gemmTime(torch::kFloat32, n, repeats, device);
    const Best gemmBf16 = gemmTime(torch::kBFloat16, n, repeats, device);
    std::printf("GEMM %lldx%lld float32: %.1f GFLOP/s wall, %.1f GFLOP per CPU-s\n", (long long)n,
                (long long)n, gemmFlops / gemmF32.wall, gemmFlops / gemmF32.cpu);
    std::printf("GEMM %lldx%lld bfloat16: %.1f GFLOP/s wall, %.1f GFLOP per CPU-s\n", (long long)n,
                (long long)n, gemmFlops / gemmBf16.wall, gemmFlops / gemmBf16.cpu);

    // 2. Ours: prefill (batch x prompt tokens, no cache) and decode (batch 1, one token at a time).
    const int64_t B = num("batch"), T = num("prompt"), decode = num("decode");
    const torch::Tensor ids = torch::randint(0, c.vocab, {B, T}, torch::kLong);
    Best prefill, decoding;
    {
        c10::InferenceMode guard;
        model->forward(ids.narrow(1, 0, 16));  // warm-up
        for (int r = 0; r < repeats; ++r)
            prefill.measure([&] {
                model->forward(ids);
                synchronize(device);
            });
        for (int r = 0; r < repeats; ++r) {
            KVCache cache;
            torch::Tensor next = model->forward(ids.narrow(0, 0, 1).narrow(1, 0, 32), {}, &cache)
                                     .select(1, -1)
                                     .argmax(-1, true);
            synchronize(device);
            decoding.measure([&] {
                for (int64_t s = 0; s < decode; ++s)
                    next = model->forward(next, {}, &cache).select(1, -1).argmax(-1, true);
                synchronize(device);
            });
        }
    }
    const double prefillFlops = 2.0 * double(matrixParams) * double(B * T) / 1e9;
    const double prefillGemmWall = (prefillFlops / prefill.wall) / (gemmFlops / gemmF32.wall);
    const double prefillGemmCpu = (prefillFlops / prefill.cpu) / (gemmFlops / gemmF32.cpu);
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

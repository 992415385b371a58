// GGUF load benchmark: time and peak memory of Model::load on quantized GGUF
// files (streamed dequantization into the compute dtype), against the gguf
// Python package dequantizing the same tensors with numpy and converting them
// with torch (scripts/bench_load_gguf.py), side by side.
//
//   bench_load [--threads 1] [--repeats 2] [--smollm2 PATH] [--large-gb 2]
//              [--large-file /tmp/sieve-bench-q4_k.gguf] [--keep-large] [--no-python]
//   bench_load --decoders      # each type's decoder alone: weights per second into a hot buffer
//
// Cases: SmolLM2-135M-Instruct's Q4_1 GGUF into float32 and into bfloat16,
// and a large random Q4_K file of a Llama-3-8B shape cut to the layers that
// make ~2 GB (written once into /tmp by this bench; valid blocks: random quant
// bytes, float16 scales in [6e-5, 8e-3]) into bfloat16. Every load runs in its
// own process (this binary with --child, or python3), so peaks do not mix.
// The large file stays in the page cache between runs (both sides read it warm).
// Peak = VmHWM of that process; growth = peak - resident memory just before
// the load (libraries and interpreter excluded); model = bytes of the loaded
// tensors. CPU time is process CPU time, the fair measure on a shared VM.
// The two sides alternate, `--repeats` times each, and the best run of each
// is shown: in a VM the first process to touch memory the guest has not used
// yet pays (in system time) for the host backing it, which would otherwise go
// to whoever runs first.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "core/common/compute_threads.h"
#include "core/gguf/dequantize.h"
#include "core/model/model.h"

using namespace sieve;
using namespace sieve::bench;
using nlohmann::json;

namespace {

const std::string kSource = SIEVE_SOURCE_DIR;

double statusMiB(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
    return -1;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// ---- the child: one load, one JSON line ------------------------------------------
int childLoad(const std::string& file, const std::string& dtype, int threads) {
    setComputeThreads(threads);
    LoadOptions options;
    options.device.device = "cpu";
    options.device.dtype = parseDType(dtype);
    const double before = statusMiB("VmRSS");
    rusage u0{}, u1{};
    ::getrusage(RUSAGE_SELF, &u0);
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = processCpuSeconds();
    auto model = Model::load(file, options);
    const double cpu = processCpuSeconds() - c0;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    ::getrusage(RUSAGE_SELF, &u1);
    auto seconds = [](const timeval& a, const timeval& b) {
        return double(b.tv_sec - a.tv_sec) + 1e-6 * double(b.tv_usec - a.tv_usec);
    };
    double bytes = 0;
    for (const torch::Tensor& p : model->parameters()) bytes += double(p.numel() * p.element_size());
    std::printf("%s\n", json{{"wall_s", wall},
                             {"cpu_s", cpu},
                             {"user_s", seconds(u0.ru_utime, u1.ru_utime)},
                             {"sys_s", seconds(u0.ru_stime, u1.ru_stime)},
                             {"rss_before_mib", before},
                             {"peak_rss_mib", statusMiB("VmHWM")},
                             {"model_mib", bytes / (1 << 20)},
                             {"tensors", model->parameters().size()}}
                            .dump()
                            .c_str());
    return 0;
}

// ---- the decoders alone ----------------------------------------------------------------
// 16 Mi weights of random blocks per type, decoded into a buffer that stays
// in memory (no page faults): the rate of the loops themselves, best of 5.
int decoderRates() {
    const int64_t weights = 16 << 20;
    std::vector<uint8_t> blocks(
        static_cast<size_t>(ggmlBytesFor(GgmlType::F32, weights)));  // the widest type
    uint64_t state = 1;
    for (auto& b : blocks)
        b = uint8_t((state = state * 6364136223846793005ull + 1442695040888963407ull) >> 56);
    std::vector<float> out(static_cast<size_t>(weights));
    std::printf("%-6s %12s\n", "type", "M weights/s");
    for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                          GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
                          GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
        double best = 1e30;
        for (int r = 0; r < 5; ++r) {
            const double c0 = processCpuSeconds();
            dequantize(type, blocks.data(), weights, out.data());
            best = std::min(best, processCpuSeconds() - c0);
        }
        std::printf("%-6s %12.0f\n", ggmlTypeName(type).c_str(), double(weights) / best / 1e6);
    }
    return 0;
}

// ---- a large random Q4_K GGUF ----------------------------------------------------------
// A GGUF writer just big enough for this file.
class GgufWriter {
public:
    void u32(uint32_t v) { put(&v, 4); }
    void u64(uint64_t v) { put(&v, 8); }
    void f32(float v) { put(&v, 4); }
    void str(const std::string& s) {
        u64(s.size());
        put(s.data(), s.size());
    }
    void keyU32(const std::string& k, uint32_t v) {
        str(k);
        u32(4);
        u32(v);
    }
    void keyF32(const std::string& k, float v) {
        str(k);
        u32(6);
        f32(v);
    }
    void keyStr(const std::string& k, const std::string& v) {
        str(k);
        u32(8);
        str(v);
    }
    void put(const void* p, size_t n) { bytes.append(static_cast<const char*>(p), n); }
    std::string bytes;
};

struct LargeTensor {
    std::string name;
    std::vector<uint64_t> ne;  // innermost first
    bool q4k = true;           // else F32 ones (norms)
    uint64_t bytes() const {
        uint64_t n = 1;
        for (uint64_t d : ne) n *= d;
        return q4k ? n / 256 * 144 : n * 4;
    }
};

// Llama-3-8B's shapes (hidden 4096, ffn 14336, 32/8 heads, vocab 32000 here)
// with as many layers as fit in `gigabytes` of Q4_K.
std::vector<LargeTensor> largeLayout(double gigabytes, int* layersOut) {
    const uint64_t h = 4096, ff = 14336, kv = 1024, vocab = 32000;
    auto layer = [&](int l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        return std::vector<LargeTensor>{
            {p + "attn_norm.weight", {h}, false}, {p + "attn_q.weight", {h, h}},
            {p + "attn_k.weight", {h, kv}},       {p + "attn_v.weight", {h, kv}},
            {p + "attn_output.weight", {h, h}},   {p + "ffn_norm.weight", {h}, false},
            {p + "ffn_gate.weight", {h, ff}},     {p + "ffn_up.weight", {h, ff}},
            {p + "ffn_down.weight", {ff, h}}};
    };
    std::vector<LargeTensor> out = {
        {"token_embd.weight", {h, vocab}}, {"output_norm.weight", {h}, false}, {"output.weight", {h, vocab}}};
    uint64_t total = 0, perLayer = 0;
    for (const auto& t : out) total += t.bytes();
    for (const auto& t : layer(0)) perLayer += t.bytes();
    const int layers = std::max(1, int((gigabytes * 1e9 - double(total)) / double(perLayer)));
    for (int l = 0; l < layers; ++l)
        for (auto& t : layer(l)) out.push_back(std::move(t));
    *layersOut = layers;
    return out;
}

void writeLargeQ4K(const std::string& path, double gigabytes) {
    int layers = 0;
    const std::vector<LargeTensor> tensors = largeLayout(gigabytes, &layers);
    GgufWriter w;
    w.put("GGUF", 4);
    w.u32(3);
    w.u64(tensors.size());
    w.u64(12);
    w.keyStr("general.architecture", "llama");
    w.keyStr("general.name", "sieve bench random Q4_K");
    w.keyU32("llama.block_count", uint32_t(layers));
    w.keyU32("llama.context_length", 8192);
    w.keyU32("llama.embedding_length", 4096);
    w.keyU32("llama.feed_forward_length", 14336);
    w.keyU32("llama.attention.head_count", 32);
    w.keyU32("llama.attention.head_count_kv", 8);
    w.keyU32("llama.rope.dimension_count", 128);
    w.keyF32("llama.rope.freq_base", 500000.0f);
    w.keyF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.keyU32("general.file_type", 15);  // LLAMA_FTYPE_MOSTLY_Q4_K_M
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        w.str(t.name);
        w.u32(uint32_t(t.ne.size()));
        for (uint64_t d : t.ne) w.u64(d);
        w.u32(t.q4k ? 12 : 0);
        w.u64(offset);
        offset = (offset + t.bytes() + 31) / 32 * 32;
    }
    w.bytes.resize((w.bytes.size() + 31) / 32 * 32, '\0');
    FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) throw std::runtime_error(path + ": cannot create");
    std::fwrite(w.bytes.data(), 1, w.bytes.size(), out);
    uint64_t state = 0x9e3779b97f4a7c15ull;  // splitmix64
    auto next = [&state] {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    };
    std::vector<char> buffer;
    for (const auto& t : tensors) {
        buffer.assign((t.bytes() + 31) / 32 * 32, '\0');
        if (t.q4k) {
            for (size_t i = 0; i + 8 <= buffer.size(); i += 8) {
                const uint64_t r = next();
                std::memcpy(&buffer[i], &r, 8);
            }
            for (uint64_t b = 0; b < t.bytes() / 144; ++b) {
                // d and dmin: positive normal float16, exponent 2^-14 .. 2^-7
                for (int k = 0; k < 2; ++k) {
                    const uint64_t r = next();
                    const uint16_t half = uint16_t(((1 + r % 8) << 10) | ((r >> 8) & 0x3ff));
                    std::memcpy(&buffer[b * 144 + 2 * size_t(k)], &half, 2);
                }
            }
        } else {
            for (uint64_t i = 0; i < t.bytes() / 4; ++i) {
                const float one = 1.0f;
                std::memcpy(&buffer[i * 4], &one, 4);
            }
        }
        std::fwrite(buffer.data(), 1, buffer.size(), out);
    }
    if (std::fclose(out) != 0) throw std::runtime_error(path + ": write failed");
    std::fprintf(stderr, "wrote %s: %d layers, %.2f GB\n", path.c_str(), layers,
                 double(w.bytes.size() + offset) / 1e9);
}

// ---- the parent ----------------------------------------------------------------
json runJson(const std::string& command) {
    const std::string out = runCapture(command);
    const size_t start = out.rfind("\n{");
    try {
        return json::parse(start == std::string::npos ? out : out.substr(start + 1));
    } catch (const std::exception&) {
        std::fprintf(stderr, "no result from: %s\n%s\n", command.c_str(), out.c_str());
        return json();
    }
}

std::string selfPath() {
    char buffer[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    return n > 0 ? std::string(buffer, size_t(n)) : std::string("bench_load");
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = int(argValue(argc, argv, "--threads", 1));
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--decoders") == 0) return decoderRates();
    if (argString(argc, argv, "--child", "") == "load")
        return childLoad(argString(argc, argv, "--file", ""), argString(argc, argv, "--dtype", "float32"),
                         threads);

    std::string smollm2 = argString(argc, argv, "--smollm2", "");
    if (smollm2.empty()) {
        const char* cache = std::getenv("XDG_CACHE_HOME");
        const char* home = std::getenv("HOME");
        for (const std::string& candidate :
             {kSource + "/../shared/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf",
              (cache ? std::string(cache) : std::string(home ? home : "") + "/.cache") +
                  "/sieve-workbench/models/SmolLM2-135M-Instruct.Q4_1.gguf"})
            if (exists(candidate)) smollm2 = candidate;
    }
    const double largeGb = double(argValue(argc, argv, "--large-gb", 2));
    const std::string large = argString(argc, argv, "--large-file", "/tmp/sieve-bench-q4_k.gguf");
    bool python = true;
    for (int i = 1; i < argc; ++i) python = python && std::strcmp(argv[i], "--no-python") != 0;
    if (python && std::system("python3 -c 'import gguf, torch' >/dev/null 2>&1") != 0) {
        std::printf("gguf package: skipped (python3 with gguf and torch not found)\n");
        python = false;
    }

    struct Case {
        std::string name, file, dtype;
    };
    std::vector<Case> cases;
    if (!smollm2.empty()) {
        cases.push_back({"smollm2-135m Q4_1", smollm2, "float32"});
        cases.push_back({"smollm2-135m Q4_1", smollm2, "bfloat16"});
    } else {
        std::printf("SmolLM2: skipped (no file; run scripts/fetch-models.sh and pass --smollm2 PATH)\n");
    }
    bool wroteLarge = false;
    if (largeGb > 0) {
        if (!exists(large)) {
            writeLargeQ4K(large, largeGb);
            wroteLarge = true;
        }
        cases.push_back({"random Q4_K " + std::to_string(int(largeGb)) + " GB", large, "bfloat16"});
    }

    const int repeats = std::max(1, int(argValue(argc, argv, "--repeats", 2)));
    std::printf(
        "threads %d, best of %d (least CPU); seconds; CPU = user + system; memory in MiB: peak RSS and its "
        "growth during the load\n\n",
        threads, repeats);
    std::printf("%-18s %-9s %7s  %-8s %7s %7s %7s %7s %8s %7s %7s\n", "case", "dtype", "model", "side",
                "wall", "CPU", "user", "system", "peak", "growth", "/model");
    auto row = [](const char* side, const json& j) {
        if (j.is_null()) {
            std::printf("%-36s  %-8s (no result)\n", "", side);
            return;
        }
        const double peak = j["peak_rss_mib"].get<double>(),
                     growth = peak - j["rss_before_mib"].get<double>();
        std::printf("%-36s  %-8s %7.2f %7.2f %7.2f %7.2f %8.0f %7.0f %7.2f\n", "", side,
                    j["wall_s"].get<double>(), j["cpu_s"].get<double>(), j["user_s"].get<double>(),
                    j["sys_s"].get<double>(), peak, growth, growth / j["model_mib"].get<double>());
    };
    // Keeps the run with the least CPU time.
    auto best = [](json& kept, const json& run) {
        if (!run.is_null() && (kept.is_null() || run["cpu_s"].get<double>() < kept["cpu_s"].get<double>()))
            kept = run;
    };
    for (const Case& c : cases) {
        json ours, ref;
        for (int r = 0; r < repeats; ++r) {
            best(ours, runJson(selfPath() + " --child load --threads " + std::to_string(threads) +
                               " --file '" + c.file + "' --dtype " + c.dtype + " 2>&1"));
            if (python)
                best(ref, runJson("python3 " + kSource + "/scripts/bench_load_gguf.py --threads " +
                                  std::to_string(threads) + " --file '" + c.file + "' --dtype " + c.dtype +
                                  " 2>&1"));
        }
        std::printf("%-18s %-9s %7.0f\n", c.name.c_str(), c.dtype.c_str(),
                    ours.is_null() ? 0.0 : ours["model_mib"].get<double>());
        row("ours", ours);
        row("gguf-py", ref);
        if (!ours.is_null() && !ref.is_null())
            std::printf("%-36s  gguf-py / ours: CPU %.1fx, user %.1fx, wall %.1fx\n", "",
                        ref["cpu_s"].get<double>() / ours["cpu_s"].get<double>(),
                        ref["user_s"].get<double>() / ours["user_s"].get<double>(),
                        ref["wall_s"].get<double>() / ours["wall_s"].get<double>());
        std::fflush(stdout);
    }
    bool keep = false;
    for (int i = 1; i < argc; ++i) keep = keep || std::strcmp(argv[i], "--keep-large") == 0;
    if (wroteLarge && !keep) std::remove(large.c_str());
    return 0;
}

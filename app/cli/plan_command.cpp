// `sieve plan`: reads only the config (a Hugging Face folder or its
// config.json, weights not needed; or a GGUF header), so Llama-3.1-70B can be
// planned on a laptop against GPUs it does not have (--device-memory).
#include "app/cli/plan_command.h"

#include <cstdio>
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/common/cpu_features.h"
#include "core/common/device.h"
#include "core/common/device_memory.h"
#include "core/common/error.h"
#include "core/common/torch_compat.h"
#include "core/model/checkpoint.h"
#include "core/model/model_shape.h"
#include "core/plan/memory_planner.h"
#include "core/types/method_registry.h"
#include "core/types/run_settings.h"

namespace sieve::cli {

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string gib(int64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / kGiB);
    return text;
}

// The devices to plan for: GPUs this machine has are asked for their memory;
// others (planning elsewhere) take --device-memory.
std::vector<PlanDevice> planDevices(const Arguments& a, int64_t hostBytes) {
    std::vector<std::string> names = a.list("devices");
    if (names.empty())
        names = {a.get("device") == "auto" ? (cudaAvailable() ? "cuda:0" : "cpu") : a.get("device")};
    std::vector<PlanDevice> devices;
    for (const std::string& name : names) {
        if (name == "cpu") {
            devices.push_back(PlanDevice{"cpu", hostBytes, hostBytes});
            continue;
        }
        if (name.rfind("cuda", 0) != 0)
            throw UsageError("sieve plan: --devices: unknown device '" + name +
                             "' (expected cpu, cuda or cuda:N)");
        const std::string resolved = name == "cuda" ? "cuda:0" : name;
        int64_t capacity = 0, available = 0;
        if (a.has("device-memory")) {
            capacity = int64_t(a.number("device-memory", 0.5, 1e6) * 1e9);
            available = capacity - gpuReserveBytes(capacity);
        } else if (cudaAvailable() && gpuMemoryStatsAvailable()) {
            const MemoryInfo m = deviceMemory(resolveDevice(resolved));
            capacity = m.total;
            available = m.available - gpuReserveBytes(m.total);
        } else {
            throw UsageError(
                "sieve plan: " + resolved +
                " cannot be asked for its memory here: give --device-memory GB (e.g. 141 for an H200)");
        }
        devices.push_back(PlanDevice{resolved, capacity, available});
    }
    return devices;
}

DType planDType(const Arguments& a, const std::vector<PlanDevice>& devices) {
    DType dtype;
    try {
        dtype = parseDType(a.get("dtype"));
    } catch (const InputError& e) {
        throw UsageError(std::string("sieve plan: --dtype: ") + e.what());
    }
    const bool onCpu = devices.front().name == "cpu";
    if (dtype != DType::Auto) return dtype;
    if (!onCpu) return DType::BFloat16;
    return cpuFeatures().fastBf16Gemm() ? DType::BFloat16 : DType::Float32;
}

}  // namespace

int runPlan(const std::vector<std::string>& args, const CancelToken&) {
    Arguments a(
        "plan",
        "Predict the peak device and host memory of each phase of a run from the model's config alone "
        "(no weights needed), where the blocks, boundary states and factors would go, and whether it "
        "fits.",
        {{"model", "PATH", "Hugging Face folder (config.json is enough), config.json or .gguf", "", true},
         {"methods", "LIST", "projection methods of the uniform sweeps: " + methodNameList(), "sieve"},
         {"method", "NAME", "method of the genetic search [default: the first of --methods that serves it]",
          ""},
         {"grid", "LIST", "pruning levels (fraction removed)", "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"},
         {"dtype", "NAME", "compute dtype: auto, bf16, f16 or f32", "auto"},
         {"calibration-tokens", "N", "calibration tokens", "65536"},
         {"calibration-length", "N", "tokens per calibration sequence", "512"},
         {"evaluation-rows", "N", "examples per evaluation forward", "32"},
         {"evaluation-length", "N", "tokens per evaluation example", "512"},
         {"device", "NAME", "auto, cpu, cuda or cuda:N", "auto"},
         {"devices", "LIST", "several devices, e.g. cuda:0,cuda:1,cuda:2,cuda:3", ""},
         {"device-memory", "GB",
          "memory of each GPU in GB (1e9 bytes), when planning for GPUs this "
          "machine does not have (an H200: 141)",
          ""},
         {"host-memory", "GB", "host memory in GB [default: this machine's]", ""},
         {"no-offload", "", "plan without host memory for blocks, boundary states or factors", ""},
         {"int8", "", "the uniform sweeps also run with 8-bit factors (their dequantized slices)", ""},
         {"reuse-memory", "MIB",
          "GA: memory for hidden states reused across chromosomes (as sieve run; choice tasks)", "512"}});
    if (!a.parse(args)) {
        std::cout << a.help();
        return kOk;
    }
    const ModelConfig config = readCheckpointConfig(a.get("model"));
    const MemoryInfo host = hostMemory();
    const int64_t hostBytes =
        a.has("host-memory") ? int64_t(a.number("host-memory", 0.5, 1e7) * 1e9) : host.total;

    PlanRequest r;
    r.shape = modelShapeOf(config, a.get("model"));
    r.devices = planDevices(a, hostBytes);
    r.host = PlanDevice{"host", hostBytes, a.has("host-memory") ? hostBytes * 9 / 10 : host.available};
    if (hostIsTheDevice(r)) r.devices[0] = PlanDevice{"cpu", hostBytes, r.host.available};
    r.dtype = planDType(a, r.devices);
    r.methods = a.list("methods");
    r.searchMethod = a.get("method");
    r.grid = a.numbers("grid");
    RunSettings check;
    check.methods = r.methods;
    check.searchMethod = r.searchMethod;
    check.grid = r.grid;
    try {
        validateRunSettings(check);
    } catch (const InputError& e) {
        throw UsageError(std::string("sieve plan: ") + e.what());
    }
    r.calibrationTokens = a.integer("calibration-tokens", 1, int64_t(1) << 40);
    r.calibrationLength = a.integer("calibration-length", 1, 1 << 24);
    r.evaluationRows = int(a.integer("evaluation-rows", 1, 1 << 20));
    r.evaluationLength = a.integer("evaluation-length", 1, 1 << 24);
    r.fusedAttention = r.devices.front().name != "cpu" || compat::kHasFusedAttention;
    r.allowHostOffload = !a.flag("no-offload");
    r.int8Factors = a.flag("int8");
    r.reusedStateBytes = a.integer("reuse-memory", 0, int64_t(1) << 26) << 20;
    const MemoryPlan plan = planMemory(r);

    std::printf(
        "model %s: %s, %d layers, hidden %lld, intermediate %lld, %.2f B parameters (%.2f B prunable)\n",
        a.get("model").c_str(), config.modelType.c_str(), config.layers, (long long)config.hidden,
        (long long)config.intermediate, double(r.shape.totalParams()) / 1e9,
        double(r.shape.prunableParams()) / 1e9);
    std::printf("dtype %s; methods %s (search: %s); %lld calibration tokens\n", dtypeName(r.dtype).c_str(),
                a.get("methods").c_str(),
                (r.searchMethod.empty() ? defaultSearchMethod(r.methods) : r.searchMethod).c_str(),
                (long long)r.calibrationTokens);
    std::printf("weights %s, boundary states %s, one block's Grams %s (every layer's: %s)\n",
                gib(plan.weightBytes).c_str(), gib(plan.stateBytes).c_str(), gib(plan.blockGramBytes).c_str(),
                gib(plan.allGramBytes).c_str());
    for (const auto& [method, bytes] : plan.factorBytes)
        std::printf("factors of %-14s %s\n", method.c_str(), gib(bytes).c_str());
    std::printf("\n%s\n", plan.table().c_str());
    if (r.devices.size() > 1) {
        std::printf("blocks per device:");
        for (size_t d = 0; d < r.devices.size(); ++d) {
            int first = -1, last = -1;
            for (size_t l = 0; l < plan.blockDevice.size(); ++l)
                if (plan.blockDevice[l] == int(d)) {
                    if (first < 0) first = int(l);
                    last = int(l);
                }
            if (first >= 0)
                std::printf(" %s %d-%d", r.devices[d].name.c_str(), first, last);
            else
                std::printf(" %s none", r.devices[d].name.c_str());
        }
        std::printf("\n");
    }
    std::string hostFactors = "with their blocks";
    if (!plan.hostFactorMethods.empty()) {
        hostFactors = "in host memory for";
        for (const auto& m : plan.hostFactorMethods) hostFactors += " " + m;
        hostFactors += " (pinned), the rest with their blocks";
    }
    std::printf(
        "decisions: boundary states %s, factors %s, calibration %s, Grams %s, factors %s after each sweep\n",
        plan.unified ? "in memory" : (plan.statesOnHost ? "in host memory" : "on the device"),
        plan.unified ? "in memory" : hostFactors.c_str(),
        plan.offloadBlocks ? "one block at a time on the device (blocks wait in host memory)"
                           : "with every block resident",
        plan.keepGrams ? "kept" : "freed block by block", plan.evictAfterSweep ? "evicted" : "kept");
    for (const PhasePlan& p : plan.phases)
        if (!p.parts.empty()) {
            std::printf("%s peak:", p.name.c_str());
            for (const auto& [what, bytes] : p.parts)
                if (bytes > 0) std::printf(" %s %s;", what.c_str(), gib(bytes).c_str());
            std::printf("\n");
        }
    // "4 x 141 GB", or per kind in placement order for a mixed list ("1 x 20 GB + 1 x CPU 186.3 GiB").
    std::vector<std::pair<std::string, int>> kinds;
    for (const PlanDevice& d : r.devices) {
        char t[48];
        if (d.name == "cpu")
            std::snprintf(t, sizeof t, "CPU %s", gib(d.capacity).c_str());
        else
            std::snprintf(t, sizeof t, "%.0f GB", double(d.capacity) / 1e9);
        if (kinds.empty() || kinds.back().first != t)
            kinds.emplace_back(t, 1);
        else
            ++kinds.back().second;
    }
    std::string deviceText;
    for (const auto& [what, count] : kinds)
        deviceText += (deviceText.empty() ? "" : " + ") + std::to_string(count) + " x " + what;
    const bool calibrationFits = phaseFits(plan, "load") && phaseFits(plan, "calibrate");
    std::printf("fits on %s: %s", deviceText.c_str(), plan.fits ? "yes" : "no");
    if (!plan.fits && calibrationFits && plan.offloadBlocks)
        std::printf(" (calibration alone: yes, with host offload)");
    std::printf("\n");
    if (!plan.fits) std::printf("%s\n", plan.refusal.c_str());
    return kOk;
}

}  // namespace sieve::cli

#include "core/plan/memory_planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/calibration/gram_blocks.h"
#include "core/common/error.h"
#include "core/types/matrix_info.h"
#include "core/types/method_registry.h"
#include "core/types/run_settings.h"

namespace sieve {

namespace {

constexpr int64_t kDouble = 8;
constexpr int64_t kFloat = 4;

std::string gib(int64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / double(int64_t(1) << 30));
    return text;
}

// How a method stores its factors (core/projection/*.cpp, by the registry's
// factorization name): ordered low-rank factors at the smallest level's
// rank, or an int32 keep order (wanda).
enum class Storage { LowRank, Mask };
Storage storageOf(const std::string& method) {
    const std::string& f = requireMethod(method).factorization;
    if (f == "wanda") return Storage::Mask;
    return Storage::LowRank;
}

double smallestPositiveLevel(const LevelGrid& grid) {
    double smallest = 2.0;
    for (double p : grid)
        if (p > 0.0) smallest = std::min(smallest, p);
    return smallest;
}

// Bytes of one matrix's factors (Factorization::bytes).
int64_t factorBytesOf(Storage storage, int64_t D, int64_t H, const LevelGrid& grid, int64_t e) {
    switch (storage) {
        case Storage::Mask:
            return D * H * 4;  // keepOrder int32
        case Storage::LowRank: {
            const double p = smallestPositiveLevel(grid);
            const int64_t R = p > 1.0 ? std::min(D, H) : rankForLevel(D, H, p);
            return R * (D + H) * e;
        }
    }
    return 0;
}

// Float64 working memory of factoring one [D, H] matrix (the peak inside
// ProjectionMethod::factor; LAPACK's gesdd/syevd workspaces included).
int64_t factorWorkBytes(const std::string& method, int64_t D, int64_t H, bool onCpu) {
    const std::string& f = requireMethod(method).factorization;
    const int64_t k = std::min(D, H);
    if (!onCpu) {
        // cuSOLVER through torch copies each input into a column-major buffer and
        // takes its own workspaces; measured on an H200 at Llama-3.1-8B's shapes
        // (bench/cuda_factor_memory.py, docs/benchmarks.md): Cholesky ~3.5 H^2 beside
        // Wd, gesvdj ~2.5 max(D, H) k beside the copy and U, V, syevd ~6 H^2. A Gram singular
        // beyond the largest ridge falls back to the eigen-decomposition (~7 H^2), not
        // planned: gramSquareRoot raises the ridge first, within the Cholesky path's memory.
        const int64_t svd = D * H /*copy*/ + k * (D + H) /*U, V*/ + 5 * std::max(D, H) * k / 2 /*gesvdj*/;
        if (f == "sieve") return kDouble * std::max(D * H + 7 * H * H / 2, 2 * D * H + H * H + svd);
        if (f == "weight-svd") return kDouble * (D * H + svd);
        if (f == "input-pca") return kDouble * (D * H + 6 * H * H);
    }
    const int64_t svd = D * H /*input copy*/ + k * (D + H) /*U, Vh*/ + 5 * k * k /*workspace*/;
    // sieve: Wd, the symmetrized Gram and its Cholesky factor S; then Wd, S, W S and the SVD's.
    if (f == "sieve") return kDouble * std::max(D * H + 2 * H * H, 2 * D * H /*Wd, W S*/ + H * H /*S*/ + svd);
    if (f == "weight-svd") return kDouble * (D * H + svd);
    if (f == "input-pca") return kDouble * (D * H + 4 * H * H /*C sym, Q, syevd workspace*/);
    if (f == "wanda") return kDouble * (7 * D * H);  // score, sort values and indices, argsorts, order
    return kDouble * (3 * D * H + H * H);
}

struct Sizes {
    int64_t e = 2;
    int L = 0;
    int64_t H = 0, I = 0, Hq = 0, Hkv = 0, V = 0;
    int64_t blockWeights = 0;  // one block in the compute dtype
    int64_t fixedWeights = 0;  // embeddings, final norm, lm_head (device 0)
    int64_t calibTokens = 0;   // tokens per calibration forward
    int64_t paddedTokens = 0;  // tokens held at a boundary (whole batches)
    int64_t states = 0;        // the boundary states
    int64_t blockGrams = 0;    // one block's four Grams
    int64_t evalTokens = 0;
    std::map<std::string, int64_t> factorsPerBlock;  // per method
    // Per method: the largest matrix's factoring, with LAPACK (a block on the CPU)
    // and with cuSOLVER (a block on a GPU): a placement list may hold both.
    struct Work {
        int64_t cpu = 0, gpu = 0;
        int64_t on(bool cpuKernels) const { return cpuKernels ? cpu : gpu; }
    };
    std::map<std::string, Work> workPerBlock;
};

// Whether the blocks placed on `device` run on the CPU's kernels (LAPACK, the
// Gram observer's row blocks) rather than a GPU's: decided per device, since
// a placement list may mix them (--devices cuda:0,cpu).
bool runsOnCpu(const PlanDevice& device) {
    return device.name.rfind("cuda", 0) != 0;
}

// Peak activations of one block forward over n tokens [B, T] in inference
// (core/model/attention.cpp, mlp.cpp, block.cpp), and with the Gram observer
// (core/calibration/gram_accumulator.cpp) when `observing`.
int64_t blockActivationBytes(const Sizes& s, int64_t B, int64_t T, const PlanRequest& r, bool observing,
                             bool onCpu) {
    const int64_t n = B * T, e = s.e;
    const int64_t fp32Copy = e == kFloat ? 0 : kFloat;  // x.to(float32) aliases when already float32
    // The residual stream in and out, and the RMSNorm's float32 temporaries.
    const int64_t stream = 2 * n * s.H * e + 2 * n * s.H * kFloat;
    // Attention: q, k, v, the rotary temporaries and, without a fused kernel,
    // the [B, heads, T, T] scores, their float32 softmax and the probabilities.
    int64_t attention = n * (s.Hq + 2 * s.Hkv) * e + 3 * n * s.Hq * e;
    if (!r.fusedAttention) attention += B * r.shape.heads * T * T * (2 * e + kFloat + 1);
    // MLP: gate and up outputs ([n, I] each; silu and the product in place).
    int64_t mlp = n * s.H * e + 2 * n * s.I * e;
    if (observing) {
        // The observed [n, I] input in float32 and the product x^T x before it
        // is added to the float64 sum, one block row at a time (gram_blocks.h:
        // up to 4 on a GPU, 8 on the CPU).
        const int64_t rows = gramBlockRows(s.I, onCpu);
        mlp += n * s.I * fp32Copy + n * s.I + rows * s.I * (kFloat + kDouble);
    }
    return stream + std::max(attention, mlp);
}

// Peak of the search phase's evaluation forwards (core/task/evaluator.cpp):
// block activations, the KV cache and float32 logits of one forward.
int64_t evaluationBytes(const Sizes& s, const PlanRequest& r) {
    const int64_t B = r.evaluationRows, T = r.evaluationLength;
    const int64_t logits = B * T * s.V * (s.e + kFloat);
    // Unobserved, a forward's activations are the same on every device's kernels.
    return blockActivationBytes(s, B, T, r, /*observing=*/false, /*onCpu=*/true) + logits;
}

int64_t kvCacheBytesPerBlock(const Sizes& s, const PlanRequest& r) {
    return 2 * int64_t(r.evaluationRows) * r.evaluationLength * s.Hkv * s.e;
}

Sizes sizesOf(const PlanRequest& r) {
    const ModelShape& m = r.shape;
    Sizes s;
    s.e = dtypeBytes(r.dtype);
    s.L = m.layers;
    s.H = m.hidden;
    s.I = m.intermediate;
    s.Hq = m.heads * m.headDim;
    s.Hkv = m.kvHeads * m.headDim;
    s.V = m.vocab;
    const int64_t biases = m.attentionBias ? (s.Hq + 2 * s.Hkv) : 0;
    s.blockWeights = (m.prunableParamsPerBlock() + 2 * s.H + biases) * s.e;
    s.fixedWeights = (s.V * s.H * (m.tiedEmbeddings ? 1 : 2) + s.H) * s.e;
    s.calibTokens = int64_t(r.calibrationBatch) * r.calibrationLength;
    const int64_t batches = std::max<int64_t>(1, (r.calibrationTokens + s.calibTokens - 1) / s.calibTokens);
    s.paddedTokens = batches * s.calibTokens;
    s.states = s.paddedTokens * s.H * s.e;
    s.blockGrams = kDouble * (2 * s.H * s.H + s.Hq * s.Hq + s.I * s.I);
    s.evalTokens = int64_t(r.evaluationRows) * r.evaluationLength;
    std::vector<std::string> all = r.methods;
    all.push_back(r.searchMethod);
    for (const std::string& method : all) {
        if (s.factorsPerBlock.count(method)) continue;
        int64_t factors = 0;
        Sizes::Work work;
        for (const auto& [D, H] : m.matrixShapes()) {
            factors += factorBytesOf(storageOf(method), D, H, r.grid, s.e);
            work.cpu = std::max(work.cpu, factorWorkBytes(method, D, H, /*onCpu=*/true));
            work.gpu = std::max(work.gpu, factorWorkBytes(method, D, H, /*onCpu=*/false));
        }
        s.factorsPerBlock[method] = factors;
        s.workPerBlock[method] = work;
    }
    return s;
}

// One way of running the request; the planner tries them from fastest to most frugal.
struct Strategy {
    bool evict = false;
    enum class Host { None, OtherMethods, All } host = Host::None;  // whose factors wait in host memory
};

std::vector<std::string> hostMethodsOf(const PlanRequest& r, Strategy::Host host) {
    std::vector<std::string> names;
    if (host == Strategy::Host::None) return names;
    std::vector<std::string> all = r.methods;
    all.push_back(r.searchMethod);
    for (const auto& m : all)
        if ((host == Strategy::Host::All || m != r.searchMethod) &&
            std::find(names.begin(), names.end(), m) == names.end())
            names.push_back(m);
    return names;
}

// Factor sets held at the worst moment of the searches, as the engine runs
// them (core/engine/engine.cpp): the layer-streamed pass makes every data
// method's set at once; each sweep adds its method's set (data-free methods
// are factored when their sweep starts); with eviction a set other than the
// search method's is freed once its sweep is done. Sets of `hostMethods`
// wait in host memory; while one of them is being searched its applied rank
// slices (at most its whole set) are copies on the device, as are the
// dequantized slices of a sweep with 8-bit factors (of any set of factors).
struct Held {
    int64_t device = 0;  // per block
    int64_t host = 0;    // per block
    std::vector<std::string> atPeak;
};
Held heldFactorsPerBlock(const Sizes& s, const PlanRequest& r, bool evict,
                         const std::vector<std::string>& hostMethods) {
    auto onHost = [&](const std::string& m) {
        return std::find(hostMethods.begin(), hostMethods.end(), m) != hostMethods.end();
    };
    std::vector<std::string> held;
    auto add = [&](const std::string& m) {
        if (std::find(held.begin(), held.end(), m) == held.end()) held.push_back(m);
    };
    Held peak;
    auto measure = [&](const std::string& current, bool int8Copies = false) {
        int64_t device = 0, host = 0;
        for (const auto& m : held) (onHost(m) ? host : device) += s.factorsPerBlock.at(m);
        if (!current.empty() && (onHost(current) || int8Copies)) device += s.factorsPerBlock.at(current);
        if (device > peak.device) {
            peak.device = device;
            peak.atPeak = held;
        }
        peak.host = std::max(peak.host, host);
    };
    for (const std::string& m : r.methods)
        if (requireMethod(m).needsCalibration && !requireMethod(m).uniformOnly) add(m);
    if (requireMethod(r.searchMethod).needsCalibration) add(r.searchMethod);
    measure({});
    for (const std::string& m : r.methods) {
        if (requireMethod(m).uniformOnly) continue;  // sequential: factors of one chromosome, per block
        add(m);
        measure(m);
        if (r.int8Factors && storageOf(m) == Storage::LowRank) measure(m, /*int8Copies=*/true);
        if (evict && m != r.searchMethod) held.erase(std::find(held.begin(), held.end(), m));
    }
    add(r.searchMethod);
    measure(r.searchMethod);
    return peak;
}

int64_t dataFactorsPerBlock(const Sizes& s, const PlanRequest& r) {
    std::set<std::string> data;
    for (const std::string& m : r.methods)
        if (requireMethod(m).needsCalibration && !requireMethod(m).uniformOnly) data.insert(m);
    if (requireMethod(r.searchMethod).needsCalibration) data.insert(r.searchMethod);
    int64_t total = 0;
    for (const auto& m : data) total += s.factorsPerBlock.at(m);
    return total;
}

// The largest factoring work of the methods that do (`data`) or do not need
// calibration, on the CPU's or a GPU's kernels.
int64_t largestWork(const Sizes& s, const PlanRequest& r, bool data, bool cpuKernels) {
    int64_t work = 0;
    for (const std::string& m : r.methods)
        if (requireMethod(m).needsCalibration == data)
            work = std::max(work, s.workPerBlock.at(m).on(cpuKernels));
    if (requireMethod(r.searchMethod).needsCalibration == data)
        work = std::max(work, s.workPerBlock.at(r.searchMethod).on(cpuKernels));
    return work;
}

// Contiguous blocks per device so that the fullest device is as empty as
// possible: each device d takes blocks while fixed_d + blocks * perBlock
// stays under u * available_d; the smallest u that places every block wins.
std::vector<int> placeBlocks(int L, int64_t perBlock, const std::vector<int64_t>& fixed,
                             const std::vector<int64_t>& available) {
    const size_t n = available.size();
    auto pack = [&](double u, std::vector<int>* out) {
        int next = 0;
        for (size_t d = 0; d < n && next < L; ++d) {
            const double room = u * double(available[d]) - double(fixed[d]);
            int count = perBlock > 0 ? int(std::floor(room / double(perBlock))) : L;
            count = std::max(0, std::min(count, L - next));
            if (d + 1 == n) count = L - next;  // the last device takes the rest (checked by the caller)
            if (out)
                for (int i = 0; i < count; ++i) out->push_back(int(d));
            next += count;
            if (d + 1 == n)
                return double(fixed[d]) + double(count) * double(perBlock) <= u * double(available[d]);
        }
        return next >= L;
    };
    double lo = 0.0, hi = 1.0;
    while (!pack(hi, nullptr) && hi < 1e6) hi *= 2;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        (pack(mid, nullptr) ? hi : lo) = mid;
    }
    std::vector<int> placement;
    pack(hi, &placement);
    placement.resize(size_t(L), int(n) - 1);
    return placement;
}

struct Evaluation {
    MemoryPlan plan;
    std::string failingPhase;
};

Evaluation evaluate(const PlanRequest& r, const Sizes& s, const Strategy& strategy) {
    Evaluation result;
    MemoryPlan& plan = result.plan;
    plan.request = r;
    const size_t n = r.devices.size();
    const bool unified = hostIsTheDevice(r);
    plan.unified = unified;
    plan.evictAfterSweep = strategy.evict;
    if (!unified) plan.hostFactorMethods = hostMethodsOf(r, strategy.host);
    plan.factorsOnHost = !plan.hostFactorMethods.empty();
    const int L = s.L;

    // Placement: weights, held factors and the KV cache per block; device 0
    // also holds the embeddings, the lm_head and the logits.
    const Held held = heldFactorsPerBlock(s, r, strategy.evict, plan.hostFactorMethods);
    const std::vector<std::string>& heldAtPeak = held.atPeak;
    const int64_t heldOnDevice = held.device;
    const int64_t perBlock = s.blockWeights + heldOnDevice + kvCacheBytesPerBlock(s, r);
    // A block's calibration beside what is held, on each device's kernels: the
    // Gram pass (activations, the Grams, the batch in flight) and the visit
    // (the Grams and the largest factoring).
    struct BlockWork {
        int64_t pass = 0, visit = 0;
        int64_t peak() const { return std::max(pass, visit); }
    };
    std::vector<BlockWork> blockWork(n);
    std::vector<int64_t> fixed(n), available(n);
    for (size_t d = 0; d < n; ++d) {
        const bool cpuKernels = runsOnCpu(r.devices[d]);
        const int64_t observed = blockActivationBytes(s, r.calibrationBatch, r.calibrationLength, r,
                                                      /*observing=*/true, cpuKernels);
        blockWork[d].pass = observed + s.blockGrams + s.calibTokens * s.H * s.e /*the batch in flight*/;
        blockWork[d].visit = s.blockGrams + largestWork(s, r, /*data=*/true, cpuKernels);
        fixed[d] = std::max(evaluationBytes(s, r), observed + s.blockGrams);
        available[d] = r.devices[d].available;
    }
    fixed[0] += s.fixedWeights;
    plan.blockDevice = placeBlocks(L, perBlock, fixed, available);
    std::vector<int> blocksOn(n, 0);
    for (int d : plan.blockDevice) ++blocksOn[size_t(d)];

    plan.weightBytes = s.fixedWeights + s.blockWeights * L;
    plan.stateBytes = s.states;
    plan.blockGramBytes = s.blockGrams;
    plan.allGramBytes = s.blockGrams * L;
    for (const auto& [m, b] : s.factorsPerBlock) plan.factorBytes.emplace_back(m, b * L);

    auto deviceWeights = [&](size_t d) {
        return (d == 0 ? s.fixedWeights : 0) + blocksOn[d] * s.blockWeights;
    };
    auto fitsOn = [&](size_t d, int64_t bytes) { return bytes <= r.devices[d].available; };
    const int64_t hostAvailable = unified ? 0 : r.host.available;

    // ---- load: the weights where they are placed (one tensor in flight) ----
    PhasePlan load{"load", std::vector<int64_t>(n, 0), 0, {}, true, ""};
    // ---- calibrate: the layer-streamed pass (core/calibration/layer_stream.cpp) ----
    const int64_t dataFactors = dataFactorsPerBlock(s, r);
    int64_t dataFactorsOnHost = 0;
    for (const auto& m : plan.hostFactorMethods)
        if (requireMethod(m).needsCalibration && !requireMethod(m).uniformOnly &&
            (std::find(r.methods.begin(), r.methods.end(), m) != r.methods.end() || m == r.searchMethod))
            dataFactorsOnHost += s.factorsPerBlock.at(m);
    const bool anyData = dataFactors > 0 || requireMethod(r.searchMethod).needsCalibration;
    // The whole model resident (or, offloaded, one block at a time on device 0).
    bool fitsResident = true;
    for (size_t d = 0; d < n; ++d)
        fitsResident =
            fitsResident && fitsOn(d, deviceWeights(d) + blocksOn[d] * (dataFactors - dataFactorsOnHost) +
                                          blockWork[d].peak() + s.states);
    plan.statesOnHost = !unified && r.allowHostOffload && !fitsResident;
    bool residentWeights = true;
    for (size_t d = 0; d < n; ++d)
        residentWeights = residentWeights && fitsOn(d, deviceWeights(d) + blockWork[d].peak() +
                                                           (plan.statesOnHost ? 0 : s.states));
    plan.offloadBlocks = !unified && r.allowHostOffload && !residentWeights;
    // Offloaded blocks keep every factor in host memory (they go back there).
    const int64_t calibFactorsOnHost = plan.offloadBlocks ? dataFactors : dataFactorsOnHost;
    PhasePlan calibrate{"calibrate", std::vector<int64_t>(n, 0), 0, {}, true, ""};
    for (size_t d = 0; d < n; ++d) {
        int64_t weights = deviceWeights(d);
        if (plan.offloadBlocks) weights = (d == 0 ? s.fixedWeights + s.blockWeights : 0);
        const int64_t states = plan.statesOnHost ? 0 : s.states;
        const int64_t factors = blocksOn[d] * (dataFactors - calibFactorsOnHost);
        const bool runsHere = plan.offloadBlocks ? d == 0 : blocksOn[d] > 0 || d == 0;
        calibrate.deviceBytes[d] = weights + factors + (runsHere ? states + blockWork[d].peak() : 0);
        load.deviceBytes[d] = plan.offloadBlocks ? (d == 0 ? s.fixedWeights : 0) : deviceWeights(d);
        if (d == 0)
            calibrate.parts = {{"weights", weights},
                               {"boundary states", states},
                               {"factors", factors},
                               {"block Grams", s.blockGrams},
                               {"block activations", blockWork[d].pass - s.blockGrams},
                               {"factoring work", blockWork[d].visit - s.blockGrams}};
    }
    if (!anyData) {
        for (size_t d = 0; d < n; ++d) calibrate.deviceBytes[d] = 0;
        calibrate.parts.clear();
    }
    plan.keepGrams =
        anyData && (unified ? plan.allGramBytes <= r.devices[0].available / 10
                            : plan.allGramBytes <= std::min<int64_t>(hostAvailable / 4, int64_t(16) << 30));
    calibrate.hostBytes = (plan.statesOnHost ? s.states : 0) + calibFactorsOnHost * L +
                          (plan.offloadBlocks ? s.blockWeights * L : 0) +
                          (plan.keepGrams && !unified ? plan.allGramBytes : 0);
    if (unified && plan.keepGrams) calibrate.deviceBytes[0] += plan.allGramBytes;
    load.hostBytes = plan.offloadBlocks ? s.blockWeights * L : 0;

    // ---- project: a data-free method's set, factored one matrix at a time ----
    PhasePlan project{"project", std::vector<int64_t>(n, 0), 0, {}, true, ""};
    const bool anyDataFree = largestWork(s, r, /*data=*/false, /*cpuKernels=*/true) > 0;
    // ---- search: sweeps, GA, sensitivity, held-out ----
    PhasePlan search{"search", std::vector<int64_t>(n, 0), 0, {}, true, ""};
    const int64_t evalWork = evaluationBytes(s, r);
    const int64_t keptGrams = unified && plan.keepGrams ? plan.allGramBytes : 0;
    for (size_t d = 0; d < n; ++d) {
        const int64_t weights = deviceWeights(d);
        const int64_t factors = blocksOn[d] * heldOnDevice;
        const int64_t kv = blocksOn[d] * kvCacheBytesPerBlock(s, r);
        // The GA's cache of reused states and, while the sensitivity scan runs, the scan's
        // own (core/engine/engine.cpp): each fills up to the budget. They live with the
        // blocks that made them, so any device may hold them all.
        const int64_t reused = blocksOn[d] > 0 || d == 0 ? 2 * r.reusedStateBytes : 0;
        search.deviceBytes[d] = weights + factors + kv +
                                (d == 0 ? evalWork : evalWork - s.evalTokens * s.V * (s.e + kFloat)) +
                                (d == 0 ? keptGrams : 0) + reused;
        if (anyDataFree)
            project.deviceBytes[d] = weights + factors +
                                     largestWork(s, r, /*data=*/false, runsOnCpu(r.devices[d])) +
                                     (d == 0 ? keptGrams : 0);
        if (d == 0) {
            std::string heldText = "factors held (";
            for (size_t i = 0; i < heldAtPeak.size(); ++i) heldText += (i ? ", " : "") + heldAtPeak[i];
            if (plan.factorsOnHost) heldText += "; in host memory: applied copies only";
            heldText += ")";
            search.parts = {{"weights", weights},
                            {heldText, factors},
                            {"KV cache", kv},
                            {"evaluation activations and logits", evalWork}};
            if (keptGrams) search.parts.push_back({"kept Grams", keptGrams});
            if (reused) search.parts.push_back({"GA's reused block states", reused});
        }
    }
    search.hostBytes = held.host * L;
    project.hostBytes = search.hostBytes;
    if (!unified && plan.keepGrams) {
        search.hostBytes += plan.allGramBytes;
        project.hostBytes += plan.allGramBytes;
    }
    if (plan.offloadBlocks) {
        // The searches run the whole model: blocks in host memory would run on the CPU.
        for (size_t d = 0; d < n; ++d)
            search.deviceBytes[d] = std::max(search.deviceBytes[d], deviceWeights(d) + evalWork);
    }

    plan.phases = {load, calibrate};
    if (anyDataFree) plan.phases.push_back(project);
    plan.phases.push_back(search);
    for (PhasePlan& p : plan.phases) {
        for (size_t d = 0; d < n; ++d) {
            const int64_t need = p.deviceBytes[d];
            if (need > r.devices[d].available && p.fits) {
                p.fits = false;
                p.why = "needs " + gib(need) + " on " + r.devices[d].name + ", " +
                        gib(r.devices[d].available) + " available";
            }
        }
        if (!unified && p.hostBytes > hostAvailable && p.fits) {
            p.fits = false;
            p.why = "needs " + gib(p.hostBytes) + " of host memory, " + gib(hostAvailable) + " available";
        }
        std::sort(p.parts.begin(), p.parts.end(),
                  [](const auto& a, const auto& b) { return a.second > b.second; });
        if (!p.fits && result.failingPhase.empty()) result.failingPhase = p.name;
    }
    plan.fits = result.failingPhase.empty();
    return result;
}

std::string suggestions(const PlanRequest& r, const MemoryPlan& plan, const std::string& phase) {
    std::vector<std::string> advice;
    if (r.dtype == DType::Float32) advice.push_back("--dtype bf16 (halves weights, states and factors)");
    if (phase == "calibrate" || phase == "load") {
        advice.push_back("fewer calibration tokens (--calibration-tokens; the boundary states take " +
                         gib(plan.stateBytes) + ")");
        if (!plan.unified && !r.allowHostOffload) advice.push_back("allow host offload");
    }
    if ((phase == "search" || phase == "project") && r.methods.size() > 1) {
        std::string sizes;
        for (const auto& [m, b] : plan.factorBytes)
            if (std::find(r.methods.begin(), r.methods.end(), m) != r.methods.end())
                sizes += (sizes.empty() ? "" : ", ") + m + " " + gib(b);
        advice.push_back("fewer methods (--methods; factors: " + sizes + ")");
    }
    if (!plan.unified)
        advice.push_back("more devices (--devices cuda:0,cuda:1,...)");
    else
        advice.push_back("a machine with more memory, or a GPU");
    std::string text;
    for (size_t i = 0; i < advice.size(); ++i) text += (i ? ", " : "") + advice[i];
    return text;
}

}  // namespace

int64_t dtypeBytes(DType dtype) {
    return dtype == DType::Float32 ? 4 : 2;
}

int64_t gpuReserveBytes(int64_t capacity) {
    // The CUDA context and cuBLAS/cuSOLVER workspaces (~0.5-1 GiB) and 3 % for
    // the caching allocator's fragmentation.
    return (int64_t(1) << 30) + capacity * 3 / 100;
}

bool phaseFits(const MemoryPlan& plan, const std::string& phase) {
    const PhasePlan* p = plan.phase(phase);
    return !p || p->fits;
}

bool hostIsTheDevice(const PlanRequest& r) {
    return r.devices.size() == 1 && r.devices.front().name == "cpu";
}

MemoryPlan planMemory(const PlanRequest& requestIn) {
    PlanRequest r = requestIn;
    if (r.devices.empty()) throw InputError("memory plan: no device to plan for");
    if (r.shape.layers < 1 || r.shape.hidden < 1 || r.shape.intermediate < 1 || r.shape.heads < 1)
        throw InputError("memory plan: the model shape has no layers (hidden " +
                         std::to_string(r.shape.hidden) + ", " + std::to_string(r.shape.layers) + " layers)");
    if (r.dtype == DType::Auto) throw InputError("memory plan: resolve the dtype first");
    if (r.shape.kvHeads <= 0) r.shape.kvHeads = r.shape.heads;
    if (r.shape.headDim <= 0) r.shape.headDim = r.shape.hidden / r.shape.heads;
    if (r.methods.empty()) r.methods = {"sieve"};
    if (r.searchMethod.empty()) r.searchMethod = defaultSearchMethod(r.methods);
    for (const auto& m : r.methods) requireMethod(m);
    r.calibrationTokens = std::max<int64_t>(r.calibrationTokens, 1);
    r.calibrationLength =
        std::max<int64_t>(1, r.shape.maxPositions > 0 ? std::min(r.calibrationLength, r.shape.maxPositions)
                                                      : r.calibrationLength);
    r.evaluationLength =
        std::max<int64_t>(1, r.shape.maxPositions > 0 ? std::min(r.evaluationLength, r.shape.maxPositions)
                                                      : r.evaluationLength);
    const Sizes s = sizesOf(r);

    // Fastest first: factors with their blocks, then freeing each method's
    // factors after its sweep, then the other methods' factors in host memory
    // (the search method's, applied thousands of times, stay), then all.
    using Host = Strategy::Host;
    const std::vector<Strategy> strategies = {
        {false, Host::None}, {true, Host::None}, {true, Host::OtherMethods}, {true, Host::All}};
    Evaluation last;
    for (const Strategy& strategy : strategies) {
        if (strategy.host != Host::None && (!r.allowHostOffload || hostIsTheDevice(r))) continue;
        Evaluation e = evaluate(r, s, strategy);
        if (e.plan.fits) return e.plan;
        last = std::move(e);
    }
    MemoryPlan& plan = last.plan;
    const PhasePlan* failing = plan.phase(last.failingPhase);
    plan.refusal = "the " + last.failingPhase + " phase " + failing->why;
    if (!failing->parts.empty()) {
        plan.refusal += " (";
        for (size_t i = 0; i < failing->parts.size() && i < 4; ++i)
            plan.refusal += (i ? ", " : "") + failing->parts[i].first + " " + gib(failing->parts[i].second);
        plan.refusal += ")";
    }
    plan.refusal += "; to fit: " + suggestions(r, plan, last.failingPhase);
    return plan;
}

}  // namespace sieve

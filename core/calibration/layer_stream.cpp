#include "core/calibration/layer_stream.h"

#include <algorithm>
#include <chrono>

#include "core/calibration/calibration_batches.h"
#include "core/calibration/gram_accumulator.h"
#include "core/calibration/observer_guard.h"
#include "core/common/device_memory.h"
#include "core/common/error.h"
#include "core/model/model.h"

namespace sieve {

namespace {

constexpr int kSites = 4;

// Runs one block on `device` for the lifetime of the guard (offloaded
// calibration), and puts it back where it was placed on every exit path.
class BlockOnDevice {
public:
    BlockOnDevice(Model& model, int layer, const std::optional<torch::Device>& device)
        : model_(model), layer_(layer), home_(model.blockDevice(layer)) {
        if (device && *device != home_) model_.moveBlock(layer_, *device);
    }
    ~BlockOnDevice() {
        try {
            model_.moveBlock(layer_, home_);
        } catch (...) {  // a destructor must not throw; the block stays usable where it is
        }
    }
    BlockOnDevice(const BlockOnDevice&) = delete;
    BlockOnDevice& operator=(const BlockOnDevice&) = delete;

private:
    Model& model_;
    int layer_;
    torch::Device home_;
};

// Where a boundary state waits: host memory (pinned when a GPU reads it) or
// the device of the block that produced it.
torch::Tensor park(const torch::Tensor& x, bool onHost, bool pin) {
    if (!onHost) return x;
    torch::Tensor host = x.to(torch::kCPU);
    return pin && !host.is_pinned() ? host.pin_memory() : host;
}

// Follows the device's running peak stage by stage: the stage after which it
// rose holds the peak. Only reads the counters (the phase's meter owns resets).
class PeakTrace {
public:
    void begin(const torch::Device& device) {
        device_ = device.str();
        heldAtStart_ = currentMemory(device_);
    }
    void end(int layer, const char* stage, std::vector<StreamPeak>& peaks) {
        const int64_t peak = peakMemory(device_);
        if (peak < 0 || heldAtStart_ < 0) return;
        auto it = std::find_if(peaks.begin(), peaks.end(),
                               [&](const StreamPeak& p) { return p.device == device_; });
        if (it == peaks.end()) it = peaks.insert(peaks.end(), StreamPeak{device_, -1, "", 0, -1});
        if (peak > it->peak) *it = StreamPeak{device_, layer, stage, heldAtStart_, peak};
    }

private:
    std::string device_;
    int64_t heldAtStart_ = -1;
};

}  // namespace

int64_t BlockGrams::bytes() const {
    int64_t total = 0;
    for (const auto& C : sites)
        if (C.defined()) total += C.numel() * int64_t(C.element_size());
    return total;
}

StreamStats streamLayers(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                         const StreamOptions& options, BlockVisitor& visitor, JobContext& context) {
    const auto start = std::chrono::steady_clock::now();
    const ModelConfig& config = model.config();
    const std::vector<CalibrationBatch> batches =
        calibrationBatchesOf(config, sequences, options.calibration, context);
    const int L = model.blockCount();
    const int last = options.lastBlock < 0 ? L - 1 : std::min(options.lastBlock, L - 1);
    bool anyGpu = model.device().is_cuda() || (options.computeDevice && options.computeDevice->is_cuda());
    for (int l = 0; l < L; ++l) anyGpu = anyGpu || model.blockDevice(l).is_cuda();
    const bool pin = options.statesOnHost && anyGpu;

    StreamStats stats;
    compat::InferenceGuard inference;
    // The residual stream entering block 0, per batch.
    std::vector<torch::Tensor> states, masks;
    states.reserve(batches.size());
    for (const CalibrationBatch& batch : batches) {
        states.push_back(park(model.embedTokens(batch.ids), options.statesOnHost, pin));
        masks.push_back(batch.mask);
        stats.tokens += batch.tokens;
        stats.paddedTokens += batch.ids.numel();
        stats.sequences += batch.ids.size(0);
        stats.stateBytes += states.back().numel() * int64_t(states.back().element_size());
    }

    context.beginPhase("calibrate", last + 1);
    for (int layer = 0; layer <= last; ++layer) {
        const BlockOnDevice placed(model, layer, options.computeDevice);
        const torch::Device device = model.blockDevice(layer);
        const bool grams = visitor.wantsGrams(layer);
        const bool changes = grams && visitor.changesBlock(layer);
        // Outputs of this block for every batch; `keep` = they replace the states now.
        auto runBatches = [&](bool keep) {
            for (size_t b = 0; b < states.size(); ++b) {
                context.throwIfCancelled();
                // The context after the observer is (un)installed: it carries the observer.
                torch::Tensor out =
                    model.runBlocks(states[b].to(device), model.maskContext(masks[b]), layer, layer + 1);
                if (keep) states[b] = park(out, options.statesOnHost, pin);
            }
            ++stats.blockPasses;
        };
        PeakTrace trace;
        trace.begin(device);
        if (!grams) {
            runBatches(true);
            trace.end(layer, "output pass", stats.peaks);
        } else {
            BlockGrams result;
            result.layer = layer;
            {
                GramAccumulator accumulator(L, options.calibration.precision);
                const ObserverGuard guard(model, [&](int l, InputSite site, const torch::Tensor& x) {
                    if (l == layer) accumulator.add(l, site, x);
                });
                runBatches(!changes);
                for (int s = 0; s < kSites; ++s) {
                    if (accumulator.tokens(layer, InputSite(s)) == 0)
                        throw InputError("calibration: no tokens reached block " + std::to_string(layer));
                    result.sites[size_t(s)] = accumulator.take(layer, InputSite(s));
                }
                result.tokens = accumulator.tokens(layer, InputSite::AttentionIn);
            }
            trace.end(layer, "Gram pass", stats.peaks);
            stats.peakGramBytes = std::max(stats.peakGramBytes, result.bytes());
            trace.begin(device);
            visitor.visit(std::move(result), context);
            trace.end(layer, "factoring", stats.peaks);
            if (changes) {
                trace.begin(device);
                runBatches(true);
                trace.end(layer, "output pass", stats.peaks);
            }
        }
        context.advance(layer + 1, "block " + std::to_string(layer + 1) + "/" + std::to_string(last + 1) +
                                       ", " + std::to_string(stats.tokens) + " tokens");
    }
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return stats;
}

}  // namespace sieve

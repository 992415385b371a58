#pragma once
// Layer-streamed calibration, the way GPTQ and SparseGPT walk a model: the
// residual stream of every calibration token is kept at one block boundary
// (tokens x hidden in the compute dtype, on the device or in host memory);
// block l runs alone on it while its four Grams are accumulated, a visitor
// gets the Grams (to factor the block's seven matrices, and for sequential
// calibration to prune the block), the Grams are freed, and block l's
// outputs become block l+1's inputs. Peak extra memory: one block's Grams
// plus the boundary states, instead of every layer's Grams; only the block
// being run needs to be on the compute device.
//
// The batches are the whole-model pass's (calibration_batches.h), so the
// Grams equal calibrate()'s: the same kernels on the same tensors.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/calibration/calibrate.h"
#include "core/common/torch_compat.h"
#include "core/types/matrix_info.h"

namespace sieve {

class Model;

// The Grams of one block's four input sites.
struct BlockGrams {
    int layer = 0;
    std::array<torch::Tensor, 4> sites;  // [H, H] float64 per InputSite, on the block's device
    int64_t tokens = 0;                  // valid tokens every site saw

    const torch::Tensor& at(InputSite site) const { return sites[size_t(site)]; }
    const torch::Tensor& forMatrix(MatrixType type) const { return at(inputSiteOf(type)); }
    int64_t bytes() const;
};

// What the stream does at each block.
class BlockVisitor {
public:
    virtual ~BlockVisitor() = default;
    // Whether block `layer`'s Grams are wanted (false: the block only runs).
    virtual bool wantsGrams(int layer) const = 0;
    // Whether visit() changes the block (prunes it). Its outputs are then
    // computed after visit(), with the block as visit() left it (a second
    // pass over the block); otherwise in the same pass that accumulates.
    virtual bool changesBlock(int layer) const = 0;
    // Called once per block whose Grams are wanted; the Grams are freed
    // when it returns unless it moves them out.
    virtual void visit(BlockGrams grams, JobContext& context) = 0;
};

struct StreamOptions {
    StreamOptions(CalibrationOptions calibration = {})
        : calibration(calibration) {}  // NOLINT: implicit on purpose

    CalibrationOptions calibration;
    // Where the boundary states wait between blocks: the device of the block
    // that made them, or host memory (pinned when a GPU will read them).
    bool statesOnHost = false;
    // Blocks placed anywhere else are moved here while they run and moved
    // back afterwards (calibrating a model larger than the device); none =
    // every block runs where it lives.
    std::optional<torch::Device> computeDevice;
    // Stop after this block (-1 = the last): sequential calibration needs
    // nothing past the last pruned block.
    int lastBlock = -1;
};

// Where a stream's memory peak was reached, on one device: the stage of the
// block that raised it, what was in use when that stage began and the peak
// (bytes as device_memory.h measures them: allocated on a GPU, the resident
// set on the CPU). Tells the plan's parts apart on a machine where only the
// whole peak was known (the GPU check).
struct StreamPeak {
    std::string device;
    int layer = -1;
    std::string stage;        // "Gram pass", "factoring", "output pass"
    int64_t heldAtStart = 0;  // in use when the stage began
    int64_t peak = -1;        // the device's peak so far when the stage ended
};

struct StreamStats {
    int64_t tokens = 0;        // valid tokens
    int64_t paddedTokens = 0;  // positions held per boundary (padding included)
    int64_t sequences = 0;
    int64_t stateBytes = 0;     // the boundary states
    int64_t peakGramBytes = 0;  // the largest block's Grams
    int blockPasses = 0;        // block forwards over all batches (L, plus one per changed block)
    double seconds = 0;
    std::vector<StreamPeak> peaks;  // one per device the blocks ran on; empty where not measurable
};

// Runs the stream. Throws InputError for a bad split (as calibrate()), and
// Cancelled between batches; the input observer is removed and every block
// is back where it was placed on every exit path. Progress: phase
// "calibrate", one unit per block.
StreamStats streamLayers(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                         const StreamOptions& options, BlockVisitor& visitor, JobContext& context);

}  // namespace sieve

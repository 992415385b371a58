#pragma once
// A Llama-family decoder (Llama 2/3, Mistral, Qwen2, Phi-3) in libtorch.
// Naming follows transformers' modeling_llama.py; the forward reads like
// llama2.c's run.c, one concern per file (rope, attention, mlp, block).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/device.h"
#include "core/common/torch_compat.h"
#include "core/model/checkpoint.h"
#include "core/model/config.h"
#include "core/model/forward_context.h"  // KVCache, InputObserver
#include "core/model/linear.h"
#include "core/types/matrix_info.h"

namespace sieve {

struct LoadOptions {
    LoadOptions() = default;
    LoadOptions(DeviceChoice device, std::vector<std::string> blockDevices = {})
        : device(std::move(device)), blockDevices(std::move(blockDevices)) {}

    DeviceChoice device;  // "auto" -> cuda when available, else cpu
    // One device name per block ("cuda:0", "cuda:1", "cpu"): contiguous
    // blocks on several devices, or blocks kept in host memory while the
    // embeddings and the lm_head sit on `device`. Empty = every block on
    // `device`. See Model::placeBlocks.
    std::vector<std::string> blockDevices;
};

class Model {
public:
    static std::unique_ptr<Model> load(const std::string& path, const LoadOptions& options = {});
    static std::unique_ptr<Model> fromCheckpoint(Checkpoint checkpoint, const LoadOptions& options = {});
    // Random initialisation (for training the demo model and for benchmarks).
    static std::unique_ptr<Model> randomInit(const ModelConfig& config, uint64_t seed,
                                             const LoadOptions& options = {});

    const ModelConfig& config() const { return config_; }
    const ModelSummary& summary() const { return summary_; }
    torch::Device device() const { return device_; }
    torch::ScalarType dtype() const { return dtype_; }

    // Prunable matrices in summary().matrices order (layer, then q,k,v,o,gate,up,down).
    int matrixCount() const { return static_cast<int>(linears_.size()); }
    PrunableLinear& matrix(int i) { return *linears_.at(i); }
    const PrunableLinear& matrix(int i) const { return *linears_.at(i); }
    void restoreAllDense();
    int64_t currentPrunableParams() const;

    // ids [B, T] int64; attentionMask [B, T] (1 = token, 0 = padding; left or
    // right padding), undefined = all ones. With a cache, ids and the mask are
    // the new tokens only; the cache keeps keys, values and the mask of all
    // earlier tokens and is extended. Positions come from the mask (cumsum - 1,
    // as transformers' generate does). Ids outside the vocabulary throw
    // InputError. Records autograd only when some parameter requires grad.
    // Returns float32 logits [B, T, V].
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attentionMask = {},
                          KVCache* cache = nullptr) const;

    // The same forward without the lm_head: final-normed hidden states
    // [B, T, H] in the compute dtype. For passes that only watch the matrix
    // inputs (calibration), where the logits would be thrown away; the lm_head
    // is a large part of a small model's forward (39 % of bench_calibrate's).
    torch::Tensor hiddenStates(const torch::Tensor& ids, const torch::Tensor& attentionMask = {},
                               KVCache* cache = nullptr) const;

    // Greedy decoding of a batch (left-padded internally); stops a row at any
    // stop token or after maxNewTokens, and the batch where the next token
    // would leave the context (max_position_embeddings). Returns the new tokens per prompt
    // (stop token excluded).
    std::vector<std::vector<int64_t>> generateGreedy(const std::vector<std::vector<int64_t>>& prompts,
                                                     int maxNewTokens,
                                                     const std::vector<int64_t>& stopTokens = {}) const;
    // Sum of log p(continuation | prompt) over the continuation's tokens, per pair, batched.
    std::vector<double> continuationLogLikelihood(
        const std::vector<std::vector<int64_t>>& prompts,
        const std::vector<std::vector<int64_t>>& continuations) const;

    // ---- the forward cut at block boundaries ------------------------------------------
    // A pass is embedTokens, then runBlocks over [0, blockCount()) in any
    // number of steps, then finalLogits; the residual stream between steps can
    // be kept and resumed from (layer-streamed calibration keeps it for every
    // calibration token and runs one block at a time). Composed, they are
    // forward(): finalLogits(runBlocks(embedTokens(ids), maskContext(mask), 0, L)).
    int blockCount() const;
    // ids [B, T] -> the residual stream entering block 0, [B, T, H] in the
    // compute dtype on device(). Ids outside the vocabulary throw InputError.
    torch::Tensor embedTokens(const torch::Tensor& ids) const;
    // The context of a plain forward over mask [B, T] (1 = token, 0 =
    // padding, left or right): rotary positions from the mask, causal
    // visibility, and the input observer when one is installed.
    ForwardContext maskContext(const torch::Tensor& mask) const;
    // For scoring many pruned variants of the model on the same token rows
    // (core/task/task_scorer): rows may pack several sequences that share a
    // prefix (a prompt and its answer choices), so rotary positions [B, T] and
    // visibility allowed [B, 1, T, T] (query t may attend key s) are given
    // explicitly. No cache, no observer.
    ForwardContext packedContext(const torch::Tensor& positions, const torch::Tensor& allowed) const;
    // Blocks [from, to) on x [B, T, H], the stream entering block `from` (any
    // device; x is consumed). Each block runs on its own device (placement):
    // the stream and the context are handed over where the device changes.
    // Returns the stream leaving block to - 1, on that block's device.
    torch::Tensor runBlocks(torch::Tensor x, const ForwardContext& context, int from, int to) const;
    // Final norm and lm_head on device(): hidden [..., H] -> float32 logits
    // [..., V]; with asFloat32 false, in the compute dtype (a caller that
    // reduces them itself saves a float32 copy of [..., V]).
    torch::Tensor finalLogits(const torch::Tensor& hidden, bool asFloat32 = true) const;

    // ---- placement ---------------------------------------------------------------
    // device() holds the embeddings, the final norm and the lm_head; each
    // block (its norms, weights and the factors applied to it) lives on its
    // own device, and a forward hands the hidden states on where the device
    // changes. Default: every block on device().
    torch::Device blockDevice(int layer) const;
    // Moves one block's tensors (weights, biases, norms, applied factors).
    void moveBlock(int layer, const torch::Device& device);
    // One device per block.
    void placeBlocks(const std::vector<torch::Device>& devices);

    void setInputObserver(InputObserver observer) { observer_ = std::move(observer); }
    void clearInputObserver() { observer_ = nullptr; }

    // Every trainable tensor (for AdamW in train-demo; call requires_grad_(true)
    // on them: forward then records autograd), and HF-named tensors (CPU) with
    // the current (possibly pruned, re-multiplied) weights for saving; Phi-3's
    // qkv_proj and gate_up_proj are fused again as its checkpoints store them.
    std::vector<torch::Tensor> parameters();
    std::map<std::string, torch::Tensor> hfStateDict(bool effectiveWeights = true) const;

private:
    Model() = default;
    // Creates every tensor through `get(hfName, shape, required)` and fills the summary.
    void build(const std::function<torch::Tensor(const std::string&, std::vector<int64_t>, bool)>& get);
    // Final-normed hidden states [B, T, H] (the forward without the lm_head).
    torch::Tensor forwardHidden(const torch::Tensor& ids, const torch::Tensor& attentionMask,
                                KVCache* cache) const;
    // The rotary tables, attention mask and observer of a forward of the
    // new tokens newMask [B, T] (on device()) after `cache`'s (blockwise_forward.cpp).
    ForwardContext contextFor(const torch::Tensor& newMask, bool newHasPadding, KVCache* cache) const;
    void checkTokenIds(const torch::Tensor& ids) const;
    // hidden [..., H] -> float32 logits [..., V] (asFloat32 false: the compute dtype)
    torch::Tensor logitsOf(const torch::Tensor& hidden, bool asFloat32 = true) const;
    // True when autograd is on and some parameter requires grad (training).
    bool tracksGradients() const;

    // Embeddings, norms, rope tables and layers: see model_impl.h.
    struct Impl;
    std::shared_ptr<Impl> impl_;
    ModelConfig config_;
    ModelSummary summary_;
    torch::Device device_{torch::kCPU};
    torch::ScalarType dtype_ = torch::kFloat32;
    std::vector<std::unique_ptr<PrunableLinear>> linears_;
    InputObserver observer_;
};

}  // namespace sieve

// The model: building it (from a checkpoint or at random), its forward pass
// and its state dict. Generation and scoring live in generation.cpp.
#include "core/model/model.h"

#include <cmath>
#include <optional>
#include <sstream>

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/model/block.h"
#include "core/model/model_impl.h"

namespace sieve {

namespace {

torch::ScalarType scalarTypeOf(DType d) {
    switch (d) {
        case DType::Auto:  // resolved by resolveDType before it gets here
        case DType::Float32:
            return torch::kFloat32;
        case DType::BFloat16:
            return torch::kBFloat16;
        case DType::Float16:
            return torch::kFloat16;
    }
    return torch::kFloat32;
}

// Fills in what a config may leave implicit and refuses what cannot work.
ModelConfig checkedConfig(ModelConfig c, const std::string& where) {
    auto require = [&](bool ok, const std::string& what) {
        if (!ok) throw InputError(where + ": invalid model config: " + what);
    };
    require(c.hidden > 0, "hidden_size must be positive");
    require(c.intermediate > 0, "intermediate_size must be positive");
    require(c.layers > 0, "num_hidden_layers must be positive");
    require(c.heads > 0, "num_attention_heads must be positive");
    require(c.vocab > 0, "vocab_size must be positive");
    if (c.kvHeads <= 0) c.kvHeads = c.heads;
    require(c.heads % c.kvHeads == 0, "num_attention_heads (" + std::to_string(c.heads) +
                                          ") is not a multiple of num_key_value_heads (" +
                                          std::to_string(c.kvHeads) + ")");
    if (c.headDim <= 0) {
        require(c.hidden % c.heads == 0, "hidden_size is not a multiple of num_attention_heads");
        c.headDim = c.hidden / c.heads;
    }
    require(c.headDim % 2 == 0, "head_dim must be even for rotary embeddings");
    const std::string& rope = c.ropeScaling.type;
    require(rope.empty() || rope == "default" || rope == "linear" || rope == "llama3",
            "rope_scaling type '" + rope + "' is not supported (supported: llama3, linear)");
    checkModelConfig(c, where);
    return c;
}

// Where a load puts each tensor: the model's device (embeddings, final norm,
// lm_head) and one device per block.
struct Placement {
    torch::Device model{torch::kCPU};
    std::vector<torch::Device> blocks;
    torch::ScalarType dtype = torch::kFloat32;

    torch::Device of(const std::string& tensorName) const {
        static const std::string prefix = "model.layers.";
        if (tensorName.rfind(prefix, 0) != 0) return model;
        const size_t end = tensorName.find('.', prefix.size());
        const int layer = std::stoi(tensorName.substr(prefix.size(), end - prefix.size()));
        return layer >= 0 && size_t(layer) < blocks.size() ? blocks[size_t(layer)] : model;
    }
};

Placement placementOf(const LoadOptions& options, int layers) {
    Placement p;
    p.model = torch::Device(resolveDevice(options.device.device));
    p.dtype = scalarTypeOf(resolveDType(options.device));
    if (!options.blockDevices.empty() && int(options.blockDevices.size()) != layers)
        throw InputError("block placement names " + std::to_string(options.blockDevices.size()) +
                         " devices for " + std::to_string(layers) + " blocks");
    for (int l = 0; l < layers; ++l)
        p.blocks.push_back(options.blockDevices.empty()
                               ? p.model
                               : torch::Device(resolveDevice(options.blockDevices[size_t(l)])));
    return p;
}

// A NaN or infinite weight makes every activation after it NaN: refused at
// load, naming the tensor, instead of surfacing as a NaN far downstream. One
// float32-accumulated sum finds them (a finite sum has none); counting them
// for the message runs only then.
void requireFinite(const torch::Tensor& t, const std::string& name, const std::string& file) {
    if (t.numel() == 0 || std::isfinite(t.sum(torch::kFloat32).item<float>())) return;
    const int64_t bad = t.numel() - torch::isfinite(t).sum().item<int64_t>();
    if (bad == 0) return;  // finite values whose sum overflowed float32
    throw FormatError(file, "tensor '" + name + "' holds " + std::to_string(bad) +
                                " NaN or infinite values of " + std::to_string(t.numel()) +
                                ": the weights are damaged");
}

// Weights of layers the config does not have would be silently ignored: a
// config that says fewer layers than the file holds is refused instead.
void refuseWeightsBeyondLayers(int layers, const std::map<std::string, torch::Tensor>& tensors,
                               const std::map<std::string, DeferredTensor>& deferred,
                               const std::string& file) {
    const std::string prefix = "model.layers.";
    const auto check = [&](const std::string& name) {
        if (name.rfind(prefix, 0) != 0) return;
        const size_t end = name.find('.', prefix.size());
        const std::string digits = name.substr(prefix.size(), end - prefix.size());
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            return;
        if (std::stoi(digits) >= layers)
            throw FormatError(file, "holds tensor '" + name + "' but num_hidden_layers is " +
                                        std::to_string(layers) + ": the config does not match these weights");
    };
    for (const auto& entry : tensors) check(entry.first);
    for (const auto& entry : deferred) check(entry.first);
}

bool isPhi3(const ModelConfig& c) {
    return c.fusedQkv || c.modelType == "phi3";
}

std::string layerPrefix(int layer) {
    return "model.layers." + std::to_string(layer) + ".";
}

std::string matrixName(int layer, MatrixType t) {
    const bool attention =
        t == MatrixType::Q || t == MatrixType::K || t == MatrixType::V || t == MatrixType::O;
    return layerPrefix(layer) + (attention ? "self_attn." : "mlp.") + matrixTypeName(t);
}

// [rows, cols] of each matrix type.
std::pair<int64_t, int64_t> matrixShape(const ModelConfig& c, MatrixType t) {
    switch (t) {
        case MatrixType::Q:
            return {c.heads * c.headDim, c.hidden};
        case MatrixType::K:
        case MatrixType::V:
            return {c.kvHeads * c.headDim, c.hidden};
        case MatrixType::O:
            return {c.hidden, c.heads * c.headDim};
        case MatrixType::Gate:
        case MatrixType::Up:
            return {c.intermediate, c.hidden};
        case MatrixType::Down:
            return {c.hidden, c.intermediate};
    }
    return {0, 0};
}

// Where the model's tensors come from: a checkpoint's map or a random generator.
// `get` returns the tensor of that HF name and shape in the compute dtype and
// device, or an undefined tensor when it is optional and absent.
using TensorSource =
    std::function<torch::Tensor(const std::string& name, std::vector<int64_t> shape, bool required)>;

// Phi-3 stores q,k,v as one qkv_proj and gate,up as one gate_up_proj; inside
// the engine every architecture has the same seven matrices, so split here.
void splitPhi3Fused(const ModelConfig& c, std::map<std::string, torch::Tensor>& tensors,
                    const std::string& file) {
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = layerPrefix(l);
        auto qkv = tensors.find(p + "self_attn.qkv_proj.weight");
        if (qkv != tensors.end()) {
            const int64_t q = c.heads * c.headDim, kv = c.kvHeads * c.headDim;
            const torch::Tensor w = qkv->second;
            if (w.dim() != 2 || w.size(0) != q + 2 * kv || w.size(1) != c.hidden)
                throw FormatError(file, "tensor '" + qkv->first + "' has shape " + shapeText(w.sizes()) +
                                            ", expected [" + std::to_string(q + 2 * kv) + ", " +
                                            std::to_string(c.hidden) + "]");
            tensors[p + "self_attn.q_proj.weight"] = w.narrow(0, 0, q);
            tensors[p + "self_attn.k_proj.weight"] = w.narrow(0, q, kv);
            tensors[p + "self_attn.v_proj.weight"] = w.narrow(0, q + kv, kv);
            tensors.erase(qkv);
        }
        auto gateUp = tensors.find(p + "mlp.gate_up_proj.weight");
        if (gateUp != tensors.end()) {
            const torch::Tensor w = gateUp->second;
            if (w.dim() != 2 || w.size(0) != 2 * c.intermediate || w.size(1) != c.hidden)
                throw FormatError(file, "tensor '" + gateUp->first + "' has shape " + shapeText(w.sizes()) +
                                            ", expected [" + std::to_string(2 * c.intermediate) + ", " +
                                            std::to_string(c.hidden) + "]");
            // transformers: gate, up = gate_up_proj(x).chunk(2): gate first.
            tensors[p + "mlp.gate_proj.weight"] = w.narrow(0, 0, c.intermediate);
            tensors[p + "mlp.up_proj.weight"] = w.narrow(0, c.intermediate, c.intermediate);
            tensors.erase(gateUp);
        }
    }
}

}  // namespace

void Model::build(const std::function<torch::Tensor(const std::string&, std::vector<int64_t>, bool)>& get) {
    const ModelConfig& c = config_;
    impl_ = std::make_shared<Impl>();
    Impl& m = *impl_;
    m.rmsEps = c.rmsEps;
    m.embed = get("model.embed_tokens.weight", {c.vocab, c.hidden}, true);
    m.finalNorm = get("model.norm.weight", {c.hidden}, true);
    m.tied = c.tieEmbeddings;
    if (!m.tied) m.lmHead = get("lm_head.weight", {c.vocab, c.hidden}, true);
    m.rope = RotaryEmbedding(c, device_);

    summary_.matrices.clear();
    linears_.clear();
    for (int l = 0; l < c.layers; ++l) {
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            const auto type = static_cast<MatrixType>(t);
            MatrixInfo info;
            info.name = matrixName(l, type);
            info.layer = l;
            info.type = type;
            std::tie(info.rows, info.cols) = matrixShape(c, type);
            torch::Tensor weight = get(info.name + ".weight", {info.rows, info.cols}, true);
            const bool qkv = type == MatrixType::Q || type == MatrixType::K || type == MatrixType::V;
            // Qwen2 (attention_bias) has q/k/v biases; other biases are taken when present.
            torch::Tensor bias = get(info.name + ".bias", {info.rows}, qkv && c.attentionBias);
            linears_.push_back(std::make_unique<PrunableLinear>(info, weight, bias));
            summary_.matrices.push_back(linears_.back()->info());
        }
        Block block;
        block.layer = l;
        block.device = linears_.back()->weight().device();
        block.rmsEps = c.rmsEps;
        block.inputNorm = get(layerPrefix(l) + "input_layernorm.weight", {c.hidden}, true);
        block.postNorm = get(layerPrefix(l) + "post_attention_layernorm.weight", {c.hidden}, true);
        auto linear = [&](MatrixType t) { return linears_[size_t(l * kMatrixTypeCount + int(t))].get(); };
        block.attention = Attention{linear(MatrixType::Q),
                                    linear(MatrixType::K),
                                    linear(MatrixType::V),
                                    linear(MatrixType::O),
                                    c.heads,
                                    c.kvHeads,
                                    c.headDim,
                                    {}};
        block.mlp = Mlp{linear(MatrixType::Gate), linear(MatrixType::Up), linear(MatrixType::Down), {}};
        m.blocks.push_back(std::move(block));
    }

    summary_.architecture = c.modelType;
    summary_.layers = c.layers;
    summary_.hidden = c.hidden;
    summary_.intermediate = c.intermediate;
    summary_.heads = c.heads;
    summary_.kvHeads = c.kvHeads;
    summary_.vocab = c.vocab;
    summary_.device = device_.str();
    summary_.dtype = dtype_ == torch::kFloat32    ? "float32"
                     : dtype_ == torch::kBFloat16 ? "bfloat16"
                                                  : "float16";
    summary_.prunableParams = 0;
    for (const MatrixInfo& info : summary_.matrices) summary_.prunableParams += info.params();
    summary_.totalParams = 0;
    for (const torch::Tensor& p : parameters()) summary_.totalParams += p.numel();
}

std::unique_ptr<Model> Model::fromCheckpoint(Checkpoint checkpoint, const LoadOptions& options) {
    const std::string file = checkpoint.files.empty() ? std::string("checkpoint") : checkpoint.files.front();
    std::unique_ptr<Model> model(new Model());
    model->config_ = checkedConfig(checkpoint.config, file);
    const Placement placement = placementOf(options, model->config_.layers);
    model->device_ = placement.model;
    model->dtype_ = placement.dtype;
    auto& tensors = checkpoint.tensors;
    auto& deferred = checkpoint.deferred;
    if (isPhi3(model->config_)) {
        checkpoint.readDeferred();  // no deferring reader produces Phi-3 today; splitting needs the tensors
        splitPhi3Fused(model->config_, tensors, file);
    }
    // Tied embeddings: a checkpoint may still carry lm_head.weight (a copy); it is not used.
    const torch::ScalarType dtype = model->dtype_;
    auto checkShape = [&](const std::string& name, c10::IntArrayRef got, const std::vector<int64_t>& shape) {
        if (!got.equals(shape))
            throw FormatError(
                file, "tensor '" + name + "' has shape " + shapeText(got) + ", expected " + shapeText(shape));
    };
    model->build([&](const std::string& name, std::vector<int64_t> shape, bool required) {
        torch::Tensor t;
        auto it = tensors.find(name);
        auto later = deferred.find(name);
        if (it != tensors.end()) {
            checkShape(name, it->second.sizes(), shape);
            // Integer bytes of the right size pass every size check: the dtype
            // the file declares must also be one weights come in.
            if (!it->second.is_floating_point())
                throw FormatError(file, "tensor '" + name + "' is stored as " +
                                            std::string(c10::toString(it->second.scalar_type())) +
                                            ", not a floating-point type: these bytes are not weights");
            t = it->second.to(placement.of(name), dtype).contiguous();
            tensors.erase(it);  // keeps the peak memory near one copy of the weights
        } else if (later != deferred.end()) {
            checkShape(name, later->second.shape, shape);
            t = later->second.read(dtype, placement.of(name)).contiguous();
            deferred.erase(later);
        } else {
            if (required) throw FormatError(file, "missing tensor '" + name + "'");
            return t;
        }
        requireFinite(t, name, file);
        return t;
    });
    refuseWeightsBeyondLayers(model->config_.layers, tensors, deferred, file);
    model->summary_.format = checkpoint.format;
    return model;
}

std::unique_ptr<Model> Model::load(const std::string& path, const LoadOptions& options) {
    std::unique_ptr<Model> model = fromCheckpoint(readCheckpoint(path), options);
    model->summary_.path = path;
    return model;
}

std::unique_ptr<Model> Model::randomInit(const ModelConfig& config, uint64_t seed,
                                         const LoadOptions& options) {
    std::unique_ptr<Model> model(new Model());
    model->config_ = checkedConfig(config, "random model");
    const Placement placement = placementOf(options, model->config_.layers);
    model->device_ = placement.model;
    model->dtype_ = placement.dtype;
    // Drawn on the CPU in float32 from a private generator, so a seed gives
    // the same model on every device and dtype, whatever else uses torch's RNG.
    at::Generator generator = at::detail::createCPUGenerator(seed);
    const torch::ScalarType dtype = model->dtype_;
    model->build([&](const std::string& name, std::vector<int64_t> shape, bool required) {
        if (!required) return torch::Tensor();
        const bool isVector = shape.size() == 1;
        const bool isBias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        torch::Tensor t;
        if (isBias)
            t = torch::zeros(shape);
        else if (isVector)
            t = torch::ones(shape);  // RMSNorm weights
        else
            t = torch::empty(shape).normal_(0.0, 0.02, generator);  // transformers' initializer_range
        return t.to(placement.of(name), dtype);
    });
    model->summary_.format = "random";
    return model;
}

void Model::restoreAllDense() {
    for (auto& l : linears_) l->restoreDense();
}

int64_t Model::currentPrunableParams() const {
    int64_t n = 0;
    for (const auto& l : linears_) n += l->currentParams();
    return n;
}

std::vector<torch::Tensor> Model::parameters() {
    Impl& m = *impl_;
    std::vector<torch::Tensor> out{m.embed};
    for (size_t l = 0; l < m.blocks.size(); ++l) {
        out.push_back(m.blocks[l].inputNorm);
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            PrunableLinear& linear = *linears_[l * kMatrixTypeCount + size_t(t)];
            out.push_back(linear.mutableWeight());
            if (linear.bias().defined()) out.push_back(linear.mutableBias());
        }
        out.push_back(m.blocks[l].postNorm);
    }
    out.push_back(m.finalNorm);
    if (!m.tied) out.push_back(m.lmHead);
    return out;
}

std::map<std::string, torch::Tensor> Model::hfStateDict(bool effectiveWeights) const {
    const Impl& m = *impl_;
    std::map<std::string, torch::Tensor> out;
    auto put = [&out](const std::string& name, const torch::Tensor& t) {
        out[name] = t.detach().to(torch::kCPU).contiguous();
    };
    put("model.embed_tokens.weight", m.embed);
    put("model.norm.weight", m.finalNorm);
    if (!m.tied) put("lm_head.weight", m.lmHead);
    for (size_t l = 0; l < m.blocks.size(); ++l) {
        const std::string p = layerPrefix(int(l));
        put(p + "input_layernorm.weight", m.blocks[l].inputNorm);
        put(p + "post_attention_layernorm.weight", m.blocks[l].postNorm);
        std::array<torch::Tensor, kMatrixTypeCount> w;
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            const PrunableLinear& linear = *linears_[l * kMatrixTypeCount + size_t(t)];
            w[size_t(t)] = effectiveWeights ? linear.effectiveWeight() : linear.weight();
            if (linear.bias().defined()) put(linear.info().name + ".bias", linear.bias());
        }
        auto weight = [&w](MatrixType t) { return w[size_t(t)]; };
        if (isPhi3(config_)) {
            // Re-fuse as the checkpoint had them (q,k,v rows; gate rows then up rows).
            put(p + "self_attn.qkv_proj.weight",
                torch::cat({weight(MatrixType::Q), weight(MatrixType::K), weight(MatrixType::V)}, 0));
            put(p + "mlp.gate_up_proj.weight",
                torch::cat({weight(MatrixType::Gate), weight(MatrixType::Up)}, 0));
            put(p + "self_attn.o_proj.weight", weight(MatrixType::O));
            put(p + "mlp.down_proj.weight", weight(MatrixType::Down));
        } else {
            for (int t = 0; t < kMatrixTypeCount; ++t)
                put(matrixName(int(l), MatrixType(t)) + ".weight", w[size_t(t)]);
        }
    }
    return out;
}

bool Model::tracksGradients() const {
    if (!torch::GradMode::is_enabled()) return false;
    if (impl_->embed.requires_grad()) return true;
    for (const auto& l : linears_) {
        if (l->weight().requires_grad()) return true;
        if (const LoraAdapter* a = l->adapter(); a && (a->A.requires_grad() || a->B.requires_grad()))
            return true;
    }
    return false;
}

torch::Tensor Model::forwardHidden(const torch::Tensor& idsIn, const torch::Tensor& maskIn,
                                   KVCache* cache) const {
    const Impl& m = *impl_;
    if (!idsIn.defined() || idsIn.dim() != 2 || idsIn.size(1) == 0)
        throw InputError("forward: ids must be [B, T] with T > 0, got " +
                         (idsIn.defined() ? shapeText(idsIn.sizes()) : std::string("(none)")));
    const torch::Tensor ids = idsIn.to(device_, torch::kLong);
    const int64_t B = ids.size(0), T = ids.size(1);
    checkTokenIds(ids);
    if (maskIn.defined() && !maskIn.sizes().equals(ids.sizes()))
        throw InputError("forward: attention mask has shape " + shapeText(maskIn.sizes()) + ", ids have " +
                         shapeText(ids.sizes()));
    const auto longOnDevice = torch::TensorOptions().dtype(torch::kLong).device(device_);
    // newMask [B, T]: 1 = token, 0 = padding
    const torch::Tensor newMask =
        maskIn.defined() ? maskIn.to(device_, torch::kLong) : torch::ones({B, T}, longOnDevice);
    const bool newHasPadding = maskIn.defined() && (newMask == 0).any().item<bool>();
    if (cache) {
        if (cache->length() > 0 && (cache->keys.size() != m.blocks.size() || cache->keys[0].size(0) != B))
            throw InputError("forward: KV cache holds " + std::to_string(cache->keys[0].size(0)) +
                             " rows, ids have " + std::to_string(B));
        cache->keys.resize(m.blocks.size());
        cache->values.resize(m.blocks.size());
    }
    const ForwardContext ctx = contextFor(newMask, newHasPadding, cache);
    // x [B, T, H]
    torch::Tensor x = runBlocks(torch::embedding(m.embed, ids), ctx, 0, int(m.blocks.size()));
    return rmsNorm(x.to(device_), m.finalNorm, m.rmsEps);
}

torch::Tensor Model::logitsOf(const torch::Tensor& hidden, bool asFloat32) const {
    const Impl& m = *impl_;
    const torch::Tensor logits = torch::linear(hidden, m.tied ? m.embed : m.lmHead);
    return asFloat32 ? logits.to(torch::kFloat32) : logits;
}

torch::Tensor Model::forward(const torch::Tensor& ids, const torch::Tensor& attentionMask,
                             KVCache* cache) const {
    std::optional<torch::NoGradGuard> noGrad;
    if (!tracksGradients()) noGrad.emplace();
    // logits [B, T, V] float32
    return logitsOf(forwardHidden(ids, attentionMask, cache));
}

torch::Tensor Model::hiddenStates(const torch::Tensor& ids, const torch::Tensor& attentionMask,
                                  KVCache* cache) const {
    std::optional<torch::NoGradGuard> noGrad;
    if (!tracksGradients()) noGrad.emplace();
    return forwardHidden(ids, attentionMask, cache);
}

}  // namespace sieve

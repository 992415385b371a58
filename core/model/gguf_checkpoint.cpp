// A GGUF file as a Checkpoint: llama.cpp's metadata keys become a
// ModelConfig, its tensor names become transformers' names, and the q/k rows
// that llama.cpp's convert_hf_to_gguf.py permuted (HF halves -> interleaved
// pairs, llama architecture only) are permuted back while they are decoded.
// The tensors themselves are deferred: the Model reads them one by one.
#include <cmath>
#include <memory>

#include "core/common/error.h"
#include "core/gguf/dequantize.h"
#include "core/gguf/gguf_file.h"
#include "core/model/checkpoint.h"
#include "core/model/gguf_names.h"
#include "core/model/gguf_tensor.h"
#include "core/model/llama2c.h"

namespace sieve {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class GgufConfigReader {
public:
    GgufConfigReader(const GgufFile& file, std::string arch) : file_(file), arch_(std::move(arch)) {}

    const GgufValue* find(const std::string& key) const { return file_.find(arch_ + "." + key); }

    int64_t integer(const std::string& key) const {
        const GgufValue* v = find(key);
        if (!v) throw FormatError(file_.path(), "missing metadata key '" + arch_ + "." + key + "'");
        return asInteger(*v, key);
    }
    int64_t integerOr(const std::string& key, int64_t fallback) const {
        const GgufValue* v = find(key);
        return v ? asInteger(*v, key) : fallback;
    }
    double number(const std::string& key) const {
        const GgufValue* v = find(key);
        if (!v) throw FormatError(file_.path(), "missing metadata key '" + arch_ + "." + key + "'");
        if (!v->isNumber())
            throw FormatError(file_.path(), "metadata '" + arch_ + "." + key + "' is not a number");
        return v->number;
    }
    double numberOr(const std::string& key, double fallback) const {
        return find(key) ? number(key) : fallback;
    }

private:
    int64_t asInteger(const GgufValue& v, const std::string& key) const {
        if (v.type == GgufType::Array)
            throw FormatError(file_.path(), "metadata '" + arch_ + "." + key +
                                                "' varies per layer, which is not supported");
        if (!v.isInteger() || v.integer <= 0)
            throw FormatError(file_.path(),
                              "metadata '" + arch_ + "." + key + "' must be a positive integer");
        return v.integer;
    }

    const GgufFile& file_;
    std::string arch_;
};

std::string hfName(const std::string& gguf, const std::string& path) {
    std::string name = hfNameOfGguf(gguf);
    if (name.empty()) throw FormatError(path, "unexpected tensor '" + gguf + "' for a llama/qwen2 model");
    return name;
}

// llama.cpp stores Llama 3.1+ rope scaling as per-frequency divisors
// (rope_freqs.weight) computed from transformers' llama3 formula. Recover the
// llama3 parameters and accept them only if they reproduce every divisor.
RopeScaling llama3FromRopeFreqs(const torch::Tensor& factors, const ModelConfig& c, int64_t originalContext,
                                const std::string& path) {
    RopeScaling s;
    s.type = "llama3";
    s.factor = factors.max().item<double>();
    s.lowFreqFactor = 1.0;
    s.highFreqFactor = 4.0;
    s.originalMaxPositions = originalContext;
    const double lowWavelen = originalContext / s.lowFreqFactor;
    const double highWavelen = originalContext / s.highFreqFactor;
    const auto f = factors.contiguous();
    const float* got = f.data_ptr<float>();
    for (int64_t i = 0; i < f.numel(); ++i) {
        const double freq =
            1.0 / std::pow(c.ropeTheta, static_cast<double>(2 * i) / static_cast<double>(c.headDim));
        const double wavelen = 2 * M_PI / freq;
        double expected;
        if (wavelen < highWavelen) {
            expected = 1.0;
        } else if (wavelen > lowWavelen) {
            expected = s.factor;
        } else {
            const double smooth =
                (originalContext / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
            expected = 1.0 / ((1 - smooth) / s.factor + smooth);
        }
        if (std::abs(got[i] - expected) > 1e-4 * std::max(1.0, expected))
            throw FormatError(path, "rope_freqs.weight does not match llama3 rope scaling (factor " +
                                        std::to_string(s.factor) + ", low 1, high 4, original context " +
                                        std::to_string(originalContext) +
                                        "); other rope scalings are not supported");
    }
    return s;
}

ModelConfig configFrom(const GgufFile& file, const std::string& arch) {
    const std::string& path = file.path();
    GgufConfigReader r(file, arch);
    ModelConfig c;
    c.modelType = arch;
    c.hidden = r.integer("embedding_length");
    const int64_t layers = r.integer("block_count");
    if (layers > 65536) throw FormatError(path, "implausible block_count " + std::to_string(layers));
    c.layers = static_cast<int>(layers);
    c.intermediate = r.integer("feed_forward_length");
    c.heads = r.integer("attention.head_count");
    c.kvHeads = r.integerOr("attention.head_count_kv", c.heads);
    if (!r.find("attention.key_length") && c.hidden % c.heads != 0)
        throw FormatError(path, "embedding_length " + std::to_string(c.hidden) +
                                    " is not a multiple of head_count " + std::to_string(c.heads));
    c.headDim = r.integerOr("attention.key_length", c.hidden / c.heads);
    if (r.integerOr("rope.dimension_count", c.headDim) != c.headDim)
        throw FormatError(path, "partial rotary embeddings (" + arch + ".rope.dimension_count " +
                                    std::to_string(r.integer("rope.dimension_count")) + " != head dim " +
                                    std::to_string(c.headDim) + ") are not supported");
    c.rmsEps = r.number("attention.layer_norm_rms_epsilon");
    c.ropeTheta = r.numberOr("rope.freq_base", 10000.0);
    c.maxPositions = r.integerOr("context_length", 2048);
    if (c.heads % c.kvHeads != 0 || c.headDim % 2 != 0)
        throw FormatError(path, "inconsistent head counts: " + std::to_string(c.heads) + " heads, " +
                                    std::to_string(c.kvHeads) + " kv heads, head dim " +
                                    std::to_string(c.headDim));
    if (const GgufValue* type = r.find("rope.scaling.type")) {
        if (type->text == "linear") {
            c.ropeScaling.type = "linear";
            c.ropeScaling.factor = r.number("rope.scaling.factor");
        } else if (type->text != "none" && !type->text.empty()) {
            throw FormatError(path,
                              "unsupported rope scaling type '" + type->text + "' (" + arch +
                                  ".rope.scaling.type; supported: none, linear, llama3 via rope_freqs)");
        }
    }
    if (arch == "qwen2") c.attentionBias = true;
    auto id = [&](const char* key) -> std::optional<int64_t> {
        const GgufValue* v = file.find(key);
        if (v && v->isInteger()) return v->integer;
        return std::nullopt;
    };
    if (auto bos = id("tokenizer.ggml.bos_token_id")) c.bosTokenIds = {*bos};
    if (auto eos = id("tokenizer.ggml.eos_token_id")) c.eosTokenIds = {*eos};
    c.padTokenId = id("tokenizer.ggml.padding_token_id");
    c.torchDtype = "float32";
    if (const GgufValue* name = file.find("general.name")) (void)name;  // informative only
    return c;
}

// convert_hf_to_gguf.py's LlamaModel.permute put each head's rows in rotary
// pairs (row 2i + t holds what transformers keeps in row t * d/2 + i); the
// result's row r is therefore the file's row rowsFromInterleaved(rows, heads)[r].
std::vector<int64_t> rowsFromInterleaved(int64_t rows, int64_t heads) {
    const int64_t d = rows / heads, half = d / 2;
    std::vector<int64_t> source(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t head = r / d, t = (r % d) / half, i = r % half;
        source[static_cast<size_t>(r)] = head * d + 2 * i + t;
    }
    return source;
}

}  // namespace

Checkpoint readGgufCheckpoint(const std::string& path) {
    const auto file = std::make_shared<const GgufFile>(path);
    const GgufValue* archValue = file->find("general.architecture");
    if (!archValue || archValue->type != GgufType::String)
        throw FormatError(path, "missing metadata key 'general.architecture'");
    const std::string arch = archValue->text;
    if (arch != "llama" && arch != "qwen2")
        throw FormatError(path, "unsupported GGUF architecture '" + arch + "' (supported: llama, qwen2)");

    // Refuse undecodable types first: that is the answer for such a file, and
    // the Model would otherwise find out only after reading the tensors before.
    for (const auto& info : file->tensors())
        if (!canDequantize(info.type))
            throw FormatError(path, "tensor '" + info.name + "' has type " + ggmlTypeName(info.type) +
                                        ", which this loader cannot dequantize (supported: " +
                                        dequantizableTypeNames() + ")");

    Checkpoint ck;
    ck.format = "gguf";
    ck.files = {path};
    ck.config = configFrom(*file, arch);
    ModelConfig& c = ck.config;

    const GgufTensorInfo* ropeFreqs = nullptr;
    const GgufTensorInfo* embedding = nullptr;
    for (const auto& info : file->tensors()) {
        if (info.name == "rope_freqs.weight") {
            ropeFreqs = &info;
            continue;
        }
        const std::string name = hfName(info.name, path);
        if (endsWith(name, ".bias")) {
            // Only q/k/v biases exist in the supported models (Qwen2; Llama with attention bias).
            if (!endsWith(name, "q_proj.bias") && !endsWith(name, "k_proj.bias") &&
                !endsWith(name, "v_proj.bias"))
                throw FormatError(path, "tensor '" + info.name + "': this bias is not supported");
            c.attentionBias = true;
        }
        if (name == "model.embed_tokens.weight") embedding = &info;
        // Undo convert_hf_to_gguf.py's LlamaModel.permute (q with heads, k with kv heads).
        const bool isQ = name.find(".self_attn.q_proj.") != std::string::npos;
        const bool isK = name.find(".self_attn.k_proj.") != std::string::npos;
        int64_t permuteHeads = 0;
        if (arch == "llama" && (isQ || isK)) {
            permuteHeads = isQ ? c.heads : c.kvHeads;
            if (info.shape.size() > 2 || info.shape[0] != permuteHeads * c.headDim)
                throw FormatError(path, "tensor '" + info.name + "' has " +
                                            std::to_string(info.shape.size()) + " dimensions and " +
                                            std::to_string(info.shape[0]) + " rows, expected 1 or 2 and " +
                                            std::to_string(permuteHeads) + " heads x " +
                                            std::to_string(c.headDim));
        }
        const GgufTensorInfo* tensor = &info;  // owned by *file, which the reader keeps alive
        ck.deferred[name] = DeferredTensor{
            info.shape, [file, tensor, permuteHeads](torch::ScalarType dtype, torch::Device device) {
                if (permuteHeads == 0) return readGgufTensor(*file, *tensor, dtype, device);
                if (tensor->shape.size() == 1)  // a bias: permute its elements (tiny)
                    return interleavedToHalves(readGgufTensor(*file, *tensor, torch::kFloat32, torch::kCPU),
                                               permuteHeads)
                        .to(device, dtype);
                return readGgufTensor(*file, *tensor, dtype, device,
                                      rowsFromInterleaved(tensor->shape[0], permuteHeads));
            }};
    }

    if (!embedding) throw FormatError(path, "missing tensor 'token_embd.weight'");
    if (embedding->shape.size() != 2 || embedding->shape[1] != c.hidden)
        throw FormatError(path, "token_embd.weight has a shape that does not match embedding_length " +
                                    std::to_string(c.hidden));
    c.vocab = embedding->shape[0];
    c.tieEmbeddings = ck.deferred.count("lm_head.weight") == 0;
    if (ropeFreqs) {
        const int64_t original =
            GgufConfigReader(*file, arch).integerOr("rope.scaling.original_context_length", 8192);
        c.ropeScaling = llama3FromRopeFreqs(readGgufTensor(*file, *ropeFreqs, torch::kFloat32, torch::kCPU),
                                            c, original, path);
    }
    return ck;
}

}  // namespace sieve

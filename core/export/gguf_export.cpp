#include "core/export/gguf_export.h"

#include <cstring>
#include <filesystem>

#include "core/common/error.h"
#include "core/export/model_export.h"
#include "core/gguf/gguf_file.h"
#include "core/gguf/gguf_writer.h"
#include "core/gguf/quantize.h"
#include "core/model/gguf_names.h"
#include "core/model/model.h"

namespace sieve {

namespace fs = std::filesystem;

namespace {

std::string ggufName(const std::string& hf) {
    std::string name = ggufNameOfHf(hf);
    if (name.empty()) throw InputError("GGUF export: no llama.cpp name for tensor '" + hf + "'");
    return name;
}

// convert_hf_to_gguf.py's LlamaModel.permute: each head's rows from
// transformers' halves into rotary pairs (row 2i + t of a head takes row
// t * d/2 + i). Rows are dim 0 (a weight [rows, in] or a bias [rows]).
torch::Tensor halvesToInterleaved(const torch::Tensor& t, int64_t heads) {
    const int64_t rows = t.size(0), d = rows / heads;
    std::vector<int64_t> shape{heads, 2, d / 2};
    for (int64_t k = 1; k < t.dim(); ++k) shape.push_back(t.size(k));
    return t.reshape(shape).transpose(1, 2).reshape(t.sizes());
}

std::vector<uint8_t> encode(const torch::Tensor& t, GgmlType type) {
    const torch::Tensor f = t.to(torch::kFloat32).contiguous();
    const float* x = f.data_ptr<float>();
    const int64_t n = f.numel();
    std::vector<uint8_t> out;
    switch (type) {
        case GgmlType::F32:
            out.resize(size_t(n) * 4);
            std::memcpy(out.data(), x, out.size());
            break;
        case GgmlType::F16:
            out.resize(size_t(n) * 2);
            for (int64_t i = 0; i < n; ++i) {
                const uint16_t h = quants::floatToHalf(x[i]);
                std::memcpy(out.data() + 2 * i, &h, 2);
            }
            break;
        default:  // Q8_0
            out.resize(size_t(n / 32) * 34);
            quants::quantizeQ8_0(x, n, out.data());
    }
    return out;
}

}  // namespace

ExportReport exportGguf(const Model& model, const std::string& directory, GgufWeights weights,
                        const std::string& sourcePath) {
    const ModelConfig& c = model.config();
    std::string arch = c.modelType;
    if (arch == "mistral") {
        // llama.cpp runs Mistral as a llama; a sliding window shorter than the context would be lost.
        if (c.slidingWindow && *c.slidingWindow < c.maxPositions)
            throw InputError("GGUF export: this Mistral attends within a sliding window of " +
                             std::to_string(*c.slidingWindow) + " tokens, which a llama GGUF cannot say");
        arch = "llama";
    }
    if (arch != "llama" && arch != "qwen2")
        throw InputError("GGUF export: architecture '" + c.modelType +
                         "' is not written yet (llama, mistral and qwen2 are); use --format dense");
    if (!c.ropeScaling.type.empty() && c.ropeScaling.type != "default" && c.ropeScaling.type != "linear")
        throw InputError("GGUF export: rope scaling '" + c.ropeScaling.type + "' is not written yet");
    const fs::path dir(directory);
    requireEmptyExportDirectory(directory);
    fs::create_directories(dir);

    GgufWriter w;
    w.addString("general.architecture", arch);
    w.addString("general.name", fs::path(sourcePath).filename().string() + " (pruned, Sieve Workbench)");
    w.addUint32("general.file_type", weights == GgufWeights::F16 ? 1 : 7);  // MOSTLY_F16, MOSTLY_Q8_0
    if (weights == GgufWeights::Q8_0) w.addUint32("general.quantization_version", 2);
    const std::string a = arch + ".";
    w.addUint32(a + "vocab_size", uint32_t(c.vocab));
    w.addUint32(a + "context_length", uint32_t(c.maxPositions));
    w.addUint32(a + "embedding_length", uint32_t(c.hidden));
    w.addUint32(a + "block_count", uint32_t(c.layers));
    w.addUint32(a + "feed_forward_length", uint32_t(c.intermediate));
    w.addUint32(a + "attention.head_count", uint32_t(c.heads));
    w.addUint32(a + "attention.head_count_kv", uint32_t(c.kvHeads));
    if (c.headDim * c.heads != c.hidden) {
        w.addUint32(a + "attention.key_length", uint32_t(c.headDim));
        w.addUint32(a + "attention.value_length", uint32_t(c.headDim));
    }
    w.addUint32(a + "rope.dimension_count", uint32_t(c.headDim));
    w.addFloat32(a + "rope.freq_base", float(c.ropeTheta));
    w.addFloat32(a + "attention.layer_norm_rms_epsilon", float(c.rmsEps));
    if (c.ropeScaling.type == "linear") {
        w.addString(a + "rope.scaling.type", "linear");
        w.addFloat32(a + "rope.scaling.factor", float(c.ropeScaling.factor));
    }
    ExportReport report;
    report.directory = directory;
    report.format = weights == GgufWeights::F16 ? "gguf-f16" : "gguf-q8_0";
    report.originalParams = model.summary().totalParams;
    // The tokenizer travels when the source has one in GGUF form.
    if (fs::is_regular_file(sourcePath) && fs::path(sourcePath).extension() == ".gguf") {
        const GgufFile source(sourcePath, GgufFile::Parts::MetadataOnly);
        for (const auto& [key, value] : source.metadata())
            if (key.rfind("tokenizer.", 0) == 0) w.addValue(key, value);
    } else {
        report.notes.push_back("the GGUF carries no tokenizer: " + sourcePath +
                               " has none in GGUF form (tokenizer.json is not converted)");
    }

    for (const auto& [hf, tensor] : model.hfStateDict(true)) {
        torch::Tensor t = tensor.detach().to(torch::kCPU);
        const bool isQ = hf.find(".self_attn.q_proj.") != std::string::npos;
        const bool isK = hf.find(".self_attn.k_proj.") != std::string::npos;
        if (arch == "llama" && (isQ || isK)) t = halvesToInterleaved(t, isQ ? c.heads : c.kvHeads);
        GgmlType type = GgmlType::F32;
        if (t.dim() == 2)
            type = weights == GgufWeights::Q8_0 && t.size(1) % 32 == 0 ? GgmlType::Q8_0 : GgmlType::F16;
        report.exportedParams += t.numel();
        w.addTensor(ggufName(hf), std::vector<int64_t>(t.sizes().begin(), t.sizes().end()), type,
                    encode(t, type));
    }
    const fs::path file = dir / "model.gguf";
    report.exportedBytes = w.write(file.string());
    report.files = {file.string()};
    return report;
}

}  // namespace sieve

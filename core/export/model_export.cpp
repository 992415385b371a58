#include "core/export/model_export.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/export/gguf_export.h"
#include "core/model/safetensors.h"
#include "core/projection/int8_factors.h"
#include "core/tokenizer/tokenizer_json_writer.h"
#include "sieve/modeling_sieve_py.h"

namespace fs = std::filesystem;

namespace sieve {

namespace {

constexpr const char* kFactorizedType = "sieve_factorized";
// Version 2 added 8-bit factors (<name>.B_int8 / .B_scale / .A_int8 /
// .A_scale); a float export is still written as version 1, which every
// reader of version 1 loads.
constexpr int kFactorizedVersion = 2;

int64_t weightBytes(const std::string& path) {
    int64_t bytes = 0;
    if (fs::is_directory(path)) {
        for (const auto& e : fs::directory_iterator(path))
            if (e.is_regular_file() && e.path().extension() == ".safetensors")
                bytes += int64_t(e.file_size());
    } else if (fs::is_regular_file(path)) {
        bytes = int64_t(fs::file_size(path));
    }
    return bytes;
}

void writeJson(const fs::path& file, const nlohmann::json& j) {
    std::ofstream out(file);
    out << j.dump(2) << "\n";
    if (!out) throw InputError(file.string() + ": cannot be written");
}

void writeText(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw InputError(file.string() + ": cannot be written");
}

bool isGgufFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return fs::is_regular_file(path) && in.read(magic, 4) && std::string(magic, 4) == "GGUF";
}

// The source's tokenizer beside the weights: copied from a Hugging Face
// directory, written as tokenizer.json / tokenizer_config.json from a GGUF
// file's vocabulary (so that transformers loads the export on its own).
void writeTokenizerFiles(const std::string& source, const fs::path& target, ExportReport& report) {
    if (fs::is_directory(source)) {
        for (const char* name : {"tokenizer.json", "tokenizer_config.json", "generation_config.json",
                                 "special_tokens_map.json"}) {
            const fs::path from = fs::path(source) / name;
            if (fs::exists(from)) {
                fs::copy_file(from, target / name, fs::copy_options::overwrite_existing);
                report.files.push_back((target / name).string());
            }
        }
        return;
    }
    if (!isGgufFile(source)) {
        report.notes.push_back("no tokenizer files: " + source +
                               " is not a Hugging Face directory or a GGUF file");
        return;
    }
    tok::HfTokenizerFiles files;
    try {
        files = tok::hfTokenizerFromGguf(source);
    } catch (const FormatError& e) {
        report.notes.push_back(std::string("no tokenizer files: ") + e.what());
        return;
    }
    std::string tokenizerText, configText;
    try {
        tokenizerText = files.tokenizer.dump(2) + "\n";
        configText = files.tokenizerConfig.dump(2) + "\n";
    } catch (const nlohmann::json::type_error& e) {  // a token that is not UTF-8: JSON cannot hold it
        report.notes.push_back("no tokenizer files: " + source + ": " + e.what());
        return;
    }
    writeText(target / "tokenizer.json", tokenizerText);
    writeText(target / "tokenizer_config.json", configText);
    report.files.push_back((target / "tokenizer.json").string());
    report.files.push_back((target / "tokenizer_config.json").string());
    for (const std::string& note : files.notes) report.notes.push_back("tokenizer.json: " + note);
}

int64_t countParams(const std::map<std::string, torch::Tensor>& tensors) {
    int64_t n = 0;
    for (const auto& [name, t] : tensors) n += t.numel();
    return n;
}

}  // namespace

void requireEmptyExportDirectory(const std::string& directory) {
    const fs::path dir(directory);
    if (fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir)))
        throw InputError(directory + ": exists and is not an empty directory (refusing to overwrite)");
}

ExportFormat parseExportFormat(const std::string& name) {
    if (name == "factorized") return ExportFormat::Factorized;
    if (name == "dense") return ExportFormat::Dense;
    if (name == "gguf-f16") return ExportFormat::GgufF16;
    if (name == "gguf-q8_0") return ExportFormat::GgufQ8_0;
    throw InputError("unknown export format '" + name +
                     "' (expected factorized, dense, gguf-f16 or gguf-q8_0)");
}

ExportReport exportModel(const Model& model, const std::string& directory, ExportFormat format,
                         const std::string& sourcePath, const std::string& method, bool int8) {
    if (format == ExportFormat::GgufF16 || format == ExportFormat::GgufQ8_0) {
        ExportReport report =
            exportGguf(model, directory,
                       format == ExportFormat::GgufF16 ? GgufWeights::F16 : GgufWeights::Q8_0, sourcePath);
        report.originalBytes = weightBytes(sourcePath);
        return report;
    }
    const fs::path dir(directory);
    requireEmptyExportDirectory(directory);
    fs::create_directories(dir);

    ExportReport report;
    report.directory = directory;
    report.format = format == ExportFormat::Factorized ? "factorized" : "dense";
    report.int8Factors = int8 && format == ExportFormat::Factorized;
    report.originalParams = model.summary().totalParams;
    report.originalBytes = weightBytes(sourcePath);

    nlohmann::json config = model.config().toHfJson();
    std::map<std::string, torch::Tensor> tensors;
    if (format == ExportFormat::Dense) {
        // The multiplied-back weights, in the checkpoint's own layout.
        tensors = model.hfStateDict(true);
    } else {
        // Everything but the prunable matrices as transformers names it; then
        // B and A for factorized matrices, W (possibly masked) for the rest.
        std::map<std::string, torch::Tensor> dense = model.hfStateDict(true);
        for (auto& [name, t] : dense) {
            const bool fusedOrMatrix = name.find("_proj.weight") != std::string::npos;
            if (!fusedOrMatrix) tensors[name] = t;
        }
        nlohmann::json ranks = nlohmann::json::object();
        for (int i = 0; i < model.matrixCount(); ++i) {
            const PrunableLinear& linear = model.matrix(i);
            const std::string& name = linear.info().name;
            if (linear.isFactorized()) {
                const torch::Tensor B = linear.factorB().detach().to(torch::kCPU);
                const torch::Tensor A = linear.factorA().detach().to(torch::kCPU);
                if (int8) {
                    // Quantizing the factors the model multiplies (already the
                    // dequantized 8-bit ones when the engine applied them) gives
                    // back their int8 values: max |q s| = 127 s. Stored as the
                    // model uses them: B_int8 [out, r] with one scale per column
                    // of B, A_int8 [r, in] with one scale per row of A.
                    const Int8Rows bt = quantizeRows(B.t().contiguous());
                    const Int8Rows a = quantizeRows(A);
                    tensors[name + ".B_int8"] = bt.values.t().contiguous();
                    tensors[name + ".B_scale"] = bt.scales.contiguous();
                    tensors[name + ".A_int8"] = a.values.contiguous();
                    tensors[name + ".A_scale"] = a.scales.contiguous();
                } else {
                    tensors[name + ".B"] = B.contiguous();
                    tensors[name + ".A"] = A.contiguous();
                }
                ranks[name] = linear.rank();
                ++report.factorizedMatrices;
            } else {
                tensors[name + ".weight"] = linear.effectiveWeight().detach().to(torch::kCPU).contiguous();
            }
        }
        nlohmann::json base = config;
        config["model_type"] = kFactorizedType;
        config["architectures"] = {"SieveFactorizedForCausalLM"};
        // transformers loads it with trust_remote_code through the loader written beside it.
        config["auto_map"] = {{"AutoConfig", "modeling_sieve.SieveFactorizedConfig"},
                              {"AutoModelForCausalLM", "modeling_sieve.SieveFactorizedForCausalLM"}};
        config["sieve"] = {
            {"format", "sieve-factorized"},
            {"format_version", int8 ? 2 : 1},
            {"factor_dtype", int8 ? "int8" : "float"},
            {"description",
             "Pruned with LLM-Sieve (Sieve Workbench). Every matrix listed in 'factorized_ranks' is stored "
             "as two factors, <name>.B [out, r] and <name>.A [r, in], with W ~= B @ A (factor_dtype int8: "
             "<name>.B_int8 [out, r] with <name>.B_scale [r] per column and <name>.A_int8 [r, in] with "
             "<name>.A_scale [r] per row, B = B_int8 * B_scale, A = A_int8 * A_scale); the other matrices "
             "as <name>.weight. Fused Phi-3 matrices are stored unfused (q/k/v, gate/up). transformers "
             "loads it with AutoModelForCausalLM.from_pretrained(path, trust_remote_code=True) through "
             "modeling_sieve.py beside this file."},
            {"method", method},
            {"base_model_type", base.value("model_type", "llama")},
            {"base_architectures", base.value("architectures", nlohmann::json::array())},
            {"factorized_ranks", ranks}};
    }
    report.exportedParams = countParams(tensors);
    const fs::path weights = dir / "model.safetensors";
    writeSafetensors(weights.string(), tensors, {{"format", "pt"}});
    writeJson(dir / "config.json", config);
    report.files = {weights.string(), (dir / "config.json").string()};
    if (format == ExportFormat::Factorized) {
        writeText(dir / "modeling_sieve.py", kModelingSievePy);
        report.files.push_back((dir / "modeling_sieve.py").string());
    }
    writeTokenizerFiles(sourcePath, dir, report);
    report.exportedBytes = int64_t(fs::file_size(weights));
    return report;
}

const char* modelingSievePy() {
    return kModelingSievePy;
}

bool isFactorizedExport(const std::string& path) {
    const fs::path config = fs::path(path) / "config.json";
    if (!fs::is_regular_file(config)) return false;
    std::ifstream in(config);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    // A model_type that is not a string is the ordinary reader's to refuse.
    return j.is_object() && j.contains("model_type") && j.at("model_type").is_string() &&
           j.at("model_type").get<std::string>() == kFactorizedType;
}

namespace {

// 8-bit factors back into float32 as the engine multiplies them
// (Int8Rows::dequantized: q s in float32): <name>.B and <name>.A.
void dequantizeFactors(std::map<std::string, torch::Tensor>& raw, const std::string& name,
                       const std::string& file) {
    auto take = [&](const std::string& key) {
        auto it = raw.find(name + key);
        if (it == raw.end()) throw FormatError(file, name + key + " is missing (8-bit factors)");
        torch::Tensor t = it->second;
        raw.erase(it);
        return t;
    };
    const torch::Tensor bq = take(".B_int8"), bs = take(".B_scale"), aq = take(".A_int8"),
                        as = take(".A_scale");
    if (bq.dim() != 2 || aq.dim() != 2 || bs.dim() != 1 || as.dim() != 1 || bs.size(0) != bq.size(1) ||
        as.size(0) != aq.size(0))
        throw FormatError(file, name + ": 8-bit factor and scale shapes do not fit together");
    raw[name + ".B"] = bq * bs.unsqueeze(0);
    raw[name + ".A"] = aq * as.unsqueeze(1);
}

std::unique_ptr<Model> loadFactorizedModelUnchecked(const std::string& directory,
                                                    const LoadOptions& options) {
    const fs::path dir(directory);
    const std::string configFile = (dir / "config.json").string();
    std::ifstream in(configFile);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("sieve"))
        throw FormatError(configFile, "not a factorized Sieve export");
    const nlohmann::json& sieveInfo = j["sieve"];
    if (sieveInfo.value("format_version", 0) > kFactorizedVersion)
        throw FormatError(configFile, "factorized format version " +
                                          std::to_string(sieveInfo.value("format_version", 0)) +
                                          " is newer than this version of Sieve Workbench reads (" +
                                          std::to_string(kFactorizedVersion) + ")");
    nlohmann::json base = j;
    base.erase("sieve");
    base["model_type"] = sieveInfo.value("base_model_type", "llama");
    base["architectures"] = sieveInfo.value("base_architectures", nlohmann::json::array());

    Checkpoint checkpoint;
    checkpoint.config = ModelConfig::fromHfJson(base, configFile);
    checkpoint.format = "hf";
    const std::string weightsFile = (dir / "model.safetensors").string();
    checkpoint.files = {weightsFile, configFile};
    const SafetensorsFile weights(weightsFile);
    std::map<std::string, torch::Tensor> raw;
    for (const auto& e : weights.entries()) raw[e.name] = weights.read(e).to(torch::kFloat32);

    // The model is built from dense W = B A (so every loader check applies),
    // then the factors themselves replace them: the forward is the exported one.
    std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> factors;
    const nlohmann::json ranks = sieveInfo.value("factorized_ranks", nlohmann::json::object());
    for (const auto& [name, rank] : ranks.items()) {
        if (raw.count(name + ".B_int8")) dequantizeFactors(raw, name, weightsFile);
        auto b = raw.find(name + ".B"), a = raw.find(name + ".A");
        if (b == raw.end() || a == raw.end())
            throw FormatError(weightsFile, "factors " + name + ".B/.A are missing");
        if (b->second.size(1) != rank.get<int64_t>() || a->second.size(0) != rank.get<int64_t>())
            throw FormatError(weightsFile, name + ": factor shapes do not match rank " +
                                               std::to_string(rank.get<int64_t>()));
        factors[name] = {b->second, a->second};
        raw[name + ".weight"] =
            torch::matmul(b->second.to(torch::kFloat64), a->second.to(torch::kFloat64)).to(torch::kFloat32);
        raw.erase(b);
        raw.erase(a);
    }
    if (checkpoint.config.fusedQkv) {
        // Our loader reads Phi-3 as its checkpoints store it: fused.
        for (int l = 0; l < checkpoint.config.layers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            auto take = [&](const std::string& n) {
                auto it = raw.find(p + n + ".weight");
                if (it == raw.end()) throw FormatError(weightsFile, p + n + ".weight is missing");
                torch::Tensor t = it->second;
                raw.erase(it);
                return t;
            };
            torch::Tensor q = take("self_attn.q_proj"), k = take("self_attn.k_proj"),
                          v = take("self_attn.v_proj");
            torch::Tensor g = take("mlp.gate_proj"), u = take("mlp.up_proj");
            raw[p + "self_attn.qkv_proj.weight"] = torch::cat({q, k, v}, 0);
            raw[p + "mlp.gate_up_proj.weight"] = torch::cat({g, u}, 0);
        }
    }
    checkpoint.tensors = std::move(raw);
    std::unique_ptr<Model> model = Model::fromCheckpoint(std::move(checkpoint), options);
    for (int i = 0; i < model->matrixCount(); ++i) {
        auto f = factors.find(model->matrix(i).info().name);
        if (f != factors.end()) model->matrix(i).setFactors(f->second.first, f->second.second);
    }
    return model;
}

}  // namespace

std::unique_ptr<Model> loadFactorizedModel(const std::string& directory, const LoadOptions& options) {
    try {
        return loadFactorizedModelUnchecked(directory, options);
    } catch (const nlohmann::json::exception& e) {
        // A value of the wrong JSON type in config.json's "sieve" part.
        throw FormatError((fs::path(directory) / "config.json").string(),
                          std::string("damaged factorized export: ") + e.what());
    }
}

}  // namespace sieve

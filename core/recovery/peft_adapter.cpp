#include "core/recovery/peft_adapter.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/model/safetensors.h"

namespace sieve {
namespace {

constexpr const char* kPrefix = "base_model.model.";

// One module as transformers names it and the model matrices it stacks by
// rows, in order: one matrix, or a fused Phi-3 qkv_proj / gate_up_proj.
struct PeftModule {
    std::string name;  // "model.layers.0.self_attn.qkv_proj"
    std::vector<int> matrices;
};

std::string moduleNameOf(const Model& model, const MatrixInfo& info) {
    if (!model.config().fusedQkv) return info.name;
    const std::string prefix = info.name.substr(0, info.name.rfind('.') + 1);
    switch (info.type) {
        case MatrixType::Q:
        case MatrixType::K:
        case MatrixType::V:
            return prefix + "qkv_proj";
        case MatrixType::Gate:
        case MatrixType::Up:
            return prefix + "gate_up_proj";
        default:
            return info.name;
    }
}

std::vector<PeftModule> peftModules(const Model& model) {
    std::vector<PeftModule> modules;
    std::map<std::string, size_t> index;
    for (int i = 0; i < model.matrixCount(); ++i) {
        const std::string name = moduleNameOf(model, model.matrix(i).info());
        auto [it, added] = index.emplace(name, modules.size());
        if (added) modules.push_back({name, {}});
        modules[it->second].matrices.push_back(i);
    }
    return modules;
}

std::string typeOf(const std::string& moduleName) {
    return moduleName.substr(moduleName.rfind('.') + 1);
}

// A module's adapter in PEFT's form: its parts' A stacked, B block-diagonal,
// every part's B rescaled to the first adapted part's scaling.
struct ModuleAdapter {
    torch::Tensor A, B;
    double scaling = 1.0;
};

std::optional<ModuleAdapter> moduleAdapter(const Model& model, const PeftModule& module) {
    std::vector<torch::Tensor> as;
    std::optional<double> scaling;
    int64_t rows = 0, rank = 0;
    for (int i : module.matrices) {
        rows += model.matrix(i).info().rows;
        if (const LoraAdapter* a = model.matrix(i).adapter()) {
            as.push_back(a->A.detach().to(torch::kCPU, torch::kFloat32));
            rank += a->A.size(0);
            if (!scaling) scaling = a->scaling;
        }
    }
    if (as.empty()) return std::nullopt;
    ModuleAdapter out;
    out.scaling = *scaling;
    if (module.matrices.size() == 1) {
        out.A = as[0].contiguous();
        out.B = model.matrix(module.matrices[0])
                    .adapter()
                    ->B.detach()
                    .to(torch::kCPU, torch::kFloat32)
                    .contiguous();
        return out;
    }
    // Parts that share one A and one scaling (a fused adapter read from
    // PEFT's format) are that adapter again: A once, B the parts' rows.
    bool shared = as.size() == module.matrices.size();
    for (size_t k = 1; shared && k < as.size(); ++k)
        shared =
            model.matrix(module.matrices[k]).adapter()->scaling == out.scaling && torch::equal(as[k], as[0]);
    if (shared) {
        std::vector<torch::Tensor> bs;
        for (int i : module.matrices)
            bs.push_back(model.matrix(i).adapter()->B.detach().to(torch::kCPU, torch::kFloat32));
        out.A = as[0].contiguous();
        out.B = torch::cat(bs, 0).contiguous();
        return out;
    }
    out.A = torch::cat(as, 0).contiguous();
    out.B = torch::zeros({rows, rank}, torch::kFloat32);
    int64_t row = 0, column = 0;
    for (int i : module.matrices) {
        const int64_t partRows = model.matrix(i).info().rows;
        if (const LoraAdapter* a = model.matrix(i).adapter()) {
            const int64_t r = a->A.size(0);
            out.B.narrow(0, row, partRows)
                .narrow(1, column, r)
                .copy_(a->B.detach().to(torch::kCPU, torch::kFloat32) * (a->scaling / out.scaling));
            column += r;
        }
        row += partRows;
    }
    return out;
}

// A peft pattern key matches a module name that is the key or ends with "." + key.
bool patternMatches(const std::string& key, const std::string& module) {
    return module == key ||
           (module.size() > key.size() && module.compare(module.size() - key.size(), key.size(), key) == 0 &&
            module[module.size() - key.size() - 1] == '.');
}

}  // namespace

std::map<std::string, torch::Tensor> peftAdapterTensors(const Model& model) {
    std::map<std::string, torch::Tensor> out;
    for (const PeftModule& module : peftModules(model))
        if (const auto adapter = moduleAdapter(model, module)) {
            out[kPrefix + module.name + ".lora_A.weight"] = adapter->A;
            out[kPrefix + module.name + ".lora_B.weight"] = adapter->B;
        }
    if (out.empty()) throw InputError("the model carries no LoRA adapter to export");
    return out;
}

std::string peftAdapterConfig(const Model& model, const LoraSettings& settings,
                              const std::string& baseModel) {
    nlohmann::json targets = nlohmann::json::array();
    nlohmann::json rankPattern = nlohmann::json::object(), alphaPattern = nlohmann::json::object();
    std::map<std::string, std::pair<int64_t, double>> seen;  // module type -> (rank, alpha)
    for (const PeftModule& module : peftModules(model)) {
        const auto adapter = moduleAdapter(model, module);
        if (!adapter) continue;
        const std::string type = typeOf(module.name);
        const int64_t rank = adapter->A.size(0);
        const double alpha = adapter->scaling * double(rank);
        const auto [it, first] = seen.emplace(type, std::make_pair(rank, alpha));
        if (first) {
            targets.push_back(type);
        } else if (it->second.first != rank || std::abs(it->second.second - alpha) > 1e-9 * std::abs(alpha)) {
            throw InputError("the " + type + " adapters differ in rank or alpha across layers (" +
                             module.name + "): PEFT's rank_pattern by module type cannot describe them");
        }
        if (first && (rank != settings.rank || std::abs(alpha - settings.alpha) > 1e-9 * std::abs(alpha))) {
            rankPattern[type] = rank;
            alphaPattern[type] = alpha;
        }
    }
    if (targets.empty())
        for (const std::string& t : settings.targets)
            for (int k = 0; k < kMatrixTypeCount; ++k)
                if (t == matrixTypeShortName(MatrixType(k))) targets.push_back(matrixTypeName(MatrixType(k)));
    nlohmann::json config = {
        {"peft_type", "LORA"},
        {"task_type", "CAUSAL_LM"},
        {"r", settings.rank},
        {"lora_alpha", settings.alpha},
        {"lora_dropout", 0.0},
        {"target_modules", targets},
        {"rank_pattern", rankPattern},
        {"alpha_pattern", alphaPattern},
        {"bias", "none"},
        {"fan_in_fan_out", false},
        {"inference_mode", true},
        {"init_lora_weights", true},
        {"modules_to_save", nullptr},
        {"base_model_name_or_path", baseModel.empty() ? nlohmann::json() : nlohmann::json(baseModel)},
        {"layers_to_transform", nullptr},
        {"use_rslora", false},
        {"use_dora", false},
    };
    return config.dump(2) + "\n";
}

void writePeftAdapter(const Model& model, const LoraSettings& settings, const std::string& directory,
                      const std::string& baseModel) {
    const std::map<std::string, torch::Tensor> tensors = peftAdapterTensors(model);
    const std::string configText = peftAdapterConfig(model, settings, baseModel);
    std::filesystem::create_directories(directory);
    const std::string config = (std::filesystem::path(directory) / "adapter_config.json").string();
    std::ofstream out(config, std::ios::binary);
    out << configText;
    if (!out) throw InputError(config + ": cannot be written");
    writeSafetensors((std::filesystem::path(directory) / "adapter_model.safetensors").string(), tensors);
}

int loadPeftAdapter(Model& model, const std::string& directory) {
    namespace fs = std::filesystem;
    const fs::path configFile = fs::path(directory) / "adapter_config.json";
    const fs::path weightsFile = fs::path(directory) / "adapter_model.safetensors";
    std::ifstream in(configFile, std::ios::binary);
    if (!in) throw InputError(configFile.string() + ": cannot be read (not a PEFT adapter directory?)");
    nlohmann::json config;
    try {
        in >> config;
    } catch (const nlohmann::json::exception& e) {
        throw InputError(configFile.string() + ": not JSON (" + e.what() + ")");
    }
    auto fail = [&](const std::string& what) { throw InputError(configFile.string() + ": " + what); };
    if (!config.is_object() || config.value("peft_type", "") != "LORA") fail("peft_type is not LORA");
    for (const char* unsupported : {"use_dora", "use_rslora"})
        if (config.contains(unsupported) && config[unsupported].is_boolean() &&
            config[unsupported].get<bool>())
            fail(std::string(unsupported) + " adapters are not supported");
    if (!config.contains("r") || !config["r"].is_number_integer() || config["r"].get<int64_t>() < 1)
        fail("'r' must be a positive integer");
    if (!config.contains("lora_alpha") || !config["lora_alpha"].is_number())
        fail("'lora_alpha' must be a number");
    // rank_pattern / alpha_pattern: module name (suffix) -> value, as peft's
    // get_pattern_key matches them; regular expressions are refused.
    const auto pattern = [&](const char* key, bool integer) {
        std::vector<std::pair<std::string, double>> out;
        if (!config.contains(key) || config[key].is_null()) return out;
        if (!config[key].is_object()) fail(std::string(key) + " is not an object");
        for (const auto& [name, value] : config[key].items()) {
            if (name.find_first_of("\\^$*+?()[]{}|") != std::string::npos)
                fail(std::string(key) + " key '" + name +
                     "' is a regular expression: only module names are read");
            if (integer ? !value.is_number_integer() || value.get<int64_t>() < 1 : !value.is_number())
                fail(std::string(key) + "['" + name + "'] must be a " +
                     (integer ? "positive integer" : "number"));
            out.emplace_back(name, value.get<double>());
        }
        return out;
    };
    const auto rankPattern = pattern("rank_pattern", true), alphaPattern = pattern("alpha_pattern", false);
    const auto lookup = [](const std::vector<std::pair<std::string, double>>& p, const std::string& module,
                           double fallback) {
        for (const auto& [key, value] : p)
            if (patternMatches(key, module)) return value;
        return fallback;
    };

    SafetensorsFile file(weightsFile.string());
    const std::vector<PeftModule> modules = peftModules(model);
    std::map<std::string, size_t> moduleOf;
    for (size_t m = 0; m < modules.size(); ++m) moduleOf[kPrefix + modules[m].name] = m;
    std::map<size_t, std::pair<torch::Tensor, torch::Tensor>> read;  // module -> (A, B)
    for (const SafetensorsEntry& e : file.entries()) {
        const auto dot = e.name.rfind(".lora_");
        const std::string part = dot == std::string::npos ? "" : e.name.substr(dot + 1);
        const auto found = dot == std::string::npos ? moduleOf.end() : moduleOf.find(e.name.substr(0, dot));
        if (found == moduleOf.end() || (part != "lora_A.weight" && part != "lora_B.weight"))
            throw InputError(weightsFile.string() + ": tensor '" + e.name +
                             "' is no LoRA weight of a matrix of this model");
        const auto& options = model.matrix(modules[found->second].matrices[0]).weight().options();
        torch::Tensor t = file.read(e).to(options);
        (part == "lora_A.weight" ? read[found->second].first : read[found->second].second) = t;
    }
    if (read.empty()) throw InputError(weightsFile.string() + ": holds no LoRA weight");
    int adapted = 0;
    for (auto& [m, tensors] : read) {
        const PeftModule& module = modules[m];
        const auto& [A, B] = tensors;
        const std::string where = weightsFile.string() + ": " + module.name;
        if (!A.defined() || !B.defined()) throw InputError(where + " has only one of lora_A and lora_B");
        const double r = lookup(rankPattern, module.name, double(config["r"].get<int64_t>()));
        const double alpha = lookup(alphaPattern, module.name, config["lora_alpha"].get<double>());
        if (A.dim() != 2 || A.size(0) != int64_t(r))
            throw InputError(where + ": lora_A has shape " + std::to_string(A.dim() ? A.size(0) : 0) +
                             " rows, adapter_config.json gives it rank " + std::to_string(int64_t(r)));
        int64_t rows = 0;
        for (int i : module.matrices) rows += model.matrix(i).info().rows;
        if (B.dim() != 2 || B.size(0) != rows)
            throw InputError(where + ": lora_B has " + std::to_string(B.dim() ? B.size(0) : 0) +
                             " rows, the module has " + std::to_string(rows) + " outputs");
        int64_t row = 0;
        for (int i : module.matrices) {
            const int64_t partRows = model.matrix(i).info().rows;
            model.matrix(i).setAdapter(
                {A, B.narrow(0, row, partRows).contiguous(), alpha / r});  // shapes checked
            row += partRows;
            ++adapted;
        }
    }
    return adapted;
}

}  // namespace sieve

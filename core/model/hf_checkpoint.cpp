// A Hugging Face model directory: config.json plus model.safetensors, or the
// shards named by model.safetensors.index.json. Tensors come out float32 on
// the CPU, copied out of the mappings (which are released on return).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"
#include "core/types/input_file.h"

namespace sieve {
namespace fs = std::filesystem;
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::json readJsonFile(const std::string& path) {
    const std::string text = readInputFile(path, "safetensors index", kMaxJsonConfigBytes);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (number overflow)
        throw FormatError(path, std::string("invalid JSON (") + e.what() + ")");
    }
}

// Shard file -> tensor names it must hold, from model.safetensors.index.json.
std::map<std::string, std::set<std::string>> readShardIndex(const std::string& indexPath,
                                                            const fs::path& dir) {
    const nlohmann::json index = readJsonFile(indexPath);
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw FormatError(indexPath, "missing 'weight_map' object");
    std::map<std::string, std::set<std::string>> shards;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
        if (!it->is_string())
            throw FormatError(indexPath, "weight_map entry '" + it.key() + "' is not a file name");
        const std::string shard = it->get<std::string>();
        // Shards live beside the index; refuse paths that would leave the directory.
        if (shard.empty() || fs::path(shard).has_parent_path())
            throw FormatError(indexPath,
                              "weight_map entry '" + it.key() + "' names an invalid shard '" + shard + "'");
        if (!fs::is_regular_file(dir / shard))
            throw FormatError(indexPath,
                              "shard '" + shard + "' (for tensor '" + it.key() + "') does not exist");
        shards[shard].insert(it.key());
    }
    if (shards.empty()) throw FormatError(indexPath, "weight_map is empty");
    return shards;
}

// generation_config.json's eos ids are the stop tokens transformers' generate()
// uses (Llama 3 Instruct adds <|eot_id|> there); merge them into the config's.
void mergeGenerationConfig(const fs::path& path, ModelConfig& config) {
    if (!fs::is_regular_file(path)) return;
    const nlohmann::json j = readJsonFile(path.string());
    if (!j.is_object()) throw FormatError(path.string(), "not a JSON object");
    auto ids = [&](const char* key) {
        std::vector<int64_t> out;
        if (!j.contains(key) || j[key].is_null()) return out;
        const auto& v = j[key];
        for (const auto& e : v.is_array() ? v : nlohmann::json::array({v})) {
            if (!e.is_number_integer())
                throw FormatError(path.string(), std::string("'") + key + "' is not a token id");
            out.push_back(e.get<int64_t>());
        }
        return out;
    };
    for (int64_t id : ids("eos_token_id"))
        if (std::find(config.eosTokenIds.begin(), config.eosTokenIds.end(), id) == config.eosTokenIds.end())
            config.eosTokenIds.push_back(id);
    if (config.bosTokenIds.empty()) config.bosTokenIds = ids("bos_token_id");
    if (!config.padTokenId) {
        const auto pad = ids("pad_token_id");
        if (!pad.empty()) config.padTokenId = pad.front();
    }
}

torch::Tensor asFloat32(torch::Tensor t) {
    return t.is_floating_point() && t.scalar_type() != torch::kFloat32 ? t.to(torch::kFloat32) : t;
}

}  // namespace

Checkpoint readHfCheckpoint(const std::string& dirPath) {
    const fs::path dir(dirPath);
    if (!fs::is_directory(dir)) throw FormatError(dirPath, "not a directory");
    const fs::path configPath = dir / "config.json";
    if (!fs::is_regular_file(configPath)) throw FormatError(dirPath, "no config.json in the model directory");

    Checkpoint ck;
    ck.format = "hf";
    ck.config = ModelConfig::fromHfFile(configPath.string());
    mergeGenerationConfig(dir / "generation_config.json", ck.config);

    // shard path -> names the index promises it holds (empty set: single file, take all).
    std::map<std::string, std::set<std::string>> shards;
    const fs::path indexPath = dir / "model.safetensors.index.json";
    const fs::path singlePath = dir / "model.safetensors";
    if (fs::is_regular_file(indexPath)) {
        for (auto& [shard, names] : readShardIndex(indexPath.string(), dir))
            shards[(dir / shard).string()] = names;
    } else if (fs::is_regular_file(singlePath)) {
        shards[singlePath.string()] = {};
    } else {
        const bool hasPickle =
            fs::exists(dir / "pytorch_model.bin") || fs::exists(dir / "pytorch_model.bin.index.json");
        throw FormatError(
            dirPath,
            std::string("no model.safetensors or model.safetensors.index.json") +
                (hasPickle ? " (pytorch_model.bin is not supported: convert it to safetensors)" : ""));
    }

    for (const auto& [path, promised] : shards) {
        // Opening validates the whole header before any tensor byte is read.
        const SafetensorsFile file(path);
        for (const auto& name : promised)
            if (!file.contains(name))
                throw FormatError(path,
                                  "tensor '" + name + "' listed in model.safetensors.index.json is missing");
        for (const auto& entry : file.entries()) {
            // Old checkpoints carry the rotary inverse frequencies as a buffer; they are recomputed.
            if (endsWith(entry.name, "rotary_emb.inv_freq")) continue;
            if (ck.tensors.count(entry.name))
                throw FormatError(path, "tensor '" + entry.name + "' appears in more than one shard");
            ck.tensors.emplace(entry.name, asFloat32(file.read(entry)));
        }
        ck.files.push_back(path);
    }
    return ck;
}

}  // namespace sieve

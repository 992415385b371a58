// config.json <-> ModelConfig for the Llama family (llama, mistral, qwen2,
// phi3). Accepts both the transformers 4.x keys (rope_theta, rope_scaling,
// torch_dtype) and the 5.x ones (rope_parameters, dtype). Anything the
// transformer cannot compute exactly is refused with the file and the value,
// never silently approximated.
#include "core/model/config.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/types/input_file.h"

namespace sieve {
namespace {

using nlohmann::json;

const char* const kSupportedTypes = "llama, mistral, qwen2, phi3";

class ConfigReader {
public:
    ConfigReader(const json& j, const std::string& file) : j_(j), file_(file) {}

    [[noreturn]] void fail(const std::string& cause) const { throw InputError(file_ + ": " + cause); }

    const json& required(const std::string& key) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) fail("missing key '" + key + "'");
        return *it;
    }
    bool has(const std::string& key) const {
        auto it = j_.find(key);
        return it != j_.end() && !it->is_null();
    }

    int64_t integer(const json& v, const std::string& key) const {
        if (v.is_number_unsigned()) {
            if (v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
                fail("key '" + key + "' is too large: " + v.dump());
            return v.get<int64_t>();
        }
        if (v.is_number_integer()) return v.get<int64_t>();
        // Some configs write integral values as 4096.0 (checked before the
        // cast: converting 1e300 to an integer is undefined).
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
                return static_cast<int64_t>(d);
        }
        fail("key '" + key + "' must be an integer, got " + v.dump());
    }
    double number(const json& v, const std::string& key) const {
        if (!v.is_number() || !std::isfinite(v.get<double>()))
            fail("key '" + key + "' must be a finite number, got " + v.dump());
        return v.get<double>();
    }
    bool boolean(const json& v, const std::string& key) const {
        if (!v.is_boolean()) fail("key '" + key + "' must be true or false, got " + v.dump());
        return v.get<bool>();
    }

    int64_t positive(const std::string& key) const {
        int64_t v = integer(required(key), key);
        if (v <= 0) fail("key '" + key + "' must be positive, got " + std::to_string(v));
        return v;
    }
    int64_t positiveOr(const std::string& key, int64_t fallback) const {
        if (!has(key)) return fallback;
        int64_t v = integer(j_.at(key), key);
        if (v <= 0) fail("key '" + key + "' must be positive, got " + std::to_string(v));
        return v;
    }
    double numberOr(const std::string& key, double fallback) const {
        return has(key) ? number(j_.at(key), key) : fallback;
    }
    bool booleanOr(const std::string& key, bool fallback) const {
        return has(key) ? boolean(j_.at(key), key) : fallback;
    }
    std::string stringOr(const std::string& key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        const json& v = j_.at(key);
        if (!v.is_string()) fail("key '" + key + "' must be a string, got " + v.dump());
        return v.get<std::string>();
    }

    // bos/eos: an id, a list of ids, or null.
    std::vector<int64_t> idList(const std::string& key) const {
        std::vector<int64_t> out;
        if (!has(key)) return out;
        const json& v = j_.at(key);
        if (v.is_array()) {
            for (const auto& e : v) out.push_back(integer(e, key));
        } else {
            out.push_back(integer(v, key));
        }
        return out;
    }

private:
    const json& j_;
    const std::string& file_;
};

// Default max_position_embeddings per type (transformers' defaults).
int64_t defaultMaxPositions(const std::string& type) {
    if (type == "mistral") return 32768;
    if (type == "qwen2") return 32768;
    if (type == "phi3") return 4096;
    return 2048;
}

// rope_scaling (4.x) or the scaling part of rope_parameters (5.x).
RopeScaling parseRopeScaling(const json& s, const std::string& key, const ConfigReader& r) {
    RopeScaling out;
    if (s.is_null()) return out;
    if (!s.is_object()) r.fail("key '" + key + "' must be an object, got " + s.dump());
    std::string type;
    if (s.contains("rope_type") && s["rope_type"].is_string())
        type = s["rope_type"].get<std::string>();
    else if (s.contains("type") && s["type"].is_string())
        type = s["type"].get<std::string>();
    else
        r.fail("key '" + key + "' has no 'rope_type' (or 'type')");

    auto field = [&](const char* name) -> double {
        if (!s.contains(name) || s[name].is_null()) r.fail("key '" + key + "." + name + "' is missing");
        return r.number(s[name], key + "." + name);
    };
    if (type == "default") return out;
    if (type == "linear") {
        out.type = "linear";
        out.factor = field("factor");
        return out;
    }
    if (type == "llama3") {
        out.type = "llama3";
        out.factor = field("factor");
        out.lowFreqFactor = field("low_freq_factor");
        out.highFreqFactor = field("high_freq_factor");
        const json& original =
            s.contains("original_max_position_embeddings") ? s["original_max_position_embeddings"] : json();
        if (original.is_null()) r.fail("key '" + key + ".original_max_position_embeddings' is missing");
        out.originalMaxPositions = r.integer(original, key + ".original_max_position_embeddings");
        return out;
    }
    r.fail("unsupported " + key + " type '" + type +
           "' (supported: default, linear, llama3; longrope/su/yarn/dynamic are not implemented)");
}

std::string architectureName(const std::string& type) {
    if (type == "llama") return "LlamaForCausalLM";
    if (type == "mistral") return "MistralForCausalLM";
    if (type == "qwen2") return "Qwen2ForCausalLM";
    if (type == "phi3") return "Phi3ForCausalLM";
    throw InputError("config: unknown model_type '" + type + "' (supported: " + kSupportedTypes + ")");
}

}  // namespace

ModelConfig ModelConfig::fromHfJson(const nlohmann::json& j, const std::string& file) {
    ConfigReader r(j, file);
    if (!j.is_object()) r.fail("config is not a JSON object");
    ModelConfig c;
    const json& typeValue = r.required("model_type");
    if (!typeValue.is_string()) r.fail("key 'model_type' must be a string, got " + typeValue.dump());
    c.modelType = typeValue.get<std::string>();
    if (c.modelType != "llama" && c.modelType != "mistral" && c.modelType != "qwen2" && c.modelType != "phi3")
        r.fail("unknown model_type '" + c.modelType + "' (supported: " + kSupportedTypes + ")");

    c.hidden = r.positive("hidden_size");
    c.intermediate = r.positive("intermediate_size");
    const int64_t layers = r.positive("num_hidden_layers");
    if (layers > 65536) r.fail("implausible num_hidden_layers " + std::to_string(layers));
    c.layers = static_cast<int>(layers);
    c.heads = r.positive("num_attention_heads");
    c.kvHeads = r.positiveOr("num_key_value_heads", c.heads);
    c.vocab = r.positive("vocab_size");
    c.rmsEps = r.number(r.required("rms_norm_eps"), "rms_norm_eps");
    if (r.has("head_dim")) {
        c.headDim = r.positive("head_dim");
    } else {
        if (c.hidden % c.heads != 0)
            r.fail("hidden_size (" + std::to_string(c.hidden) +
                   ") is not a multiple of num_attention_heads (" + std::to_string(c.heads) +
                   ") and no head_dim is given");
        c.headDim = c.hidden / c.heads;
    }
    c.maxPositions = r.positiveOr("max_position_embeddings", defaultMaxPositions(c.modelType));

    const std::string act = r.stringOr("hidden_act", "silu");
    if (act != "silu") r.fail("unsupported hidden_act '" + act + "' (only silu)");
    if (r.booleanOr("mlp_bias", false)) r.fail("mlp_bias=true is not supported");
    if (r.has("pretraining_tp") && r.integer(j.at("pretraining_tp"), "pretraining_tp") != 1)
        r.fail("pretraining_tp != 1 is not supported");

    // Rotary parameters: 5.x rope_parameters wins over the 4.x keys.
    if (r.has("rope_parameters")) {
        const json& p = j.at("rope_parameters");
        if (!p.is_object()) r.fail("key 'rope_parameters' must be an object, got " + p.dump());
        if (p.contains("rope_theta") && !p["rope_theta"].is_null())
            c.ropeTheta = r.number(p["rope_theta"], "rope_parameters.rope_theta");
        else
            c.ropeTheta = r.numberOr("rope_theta", 10000.0);
        if (p.contains("partial_rotary_factor") &&
            r.number(p["partial_rotary_factor"], "partial_rotary_factor") != 1.0)
            r.fail("partial_rotary_factor " + p["partial_rotary_factor"].dump() +
                   " is not supported (only 1.0)");
        c.ropeScaling = parseRopeScaling(p, "rope_parameters", r);
    } else {
        c.ropeTheta = r.numberOr("rope_theta", 10000.0);
        if (r.has("rope_scaling")) c.ropeScaling = parseRopeScaling(j.at("rope_scaling"), "rope_scaling", r);
    }
    if (r.has("partial_rotary_factor") &&
        r.number(j.at("partial_rotary_factor"), "partial_rotary_factor") != 1.0)
        r.fail("partial_rotary_factor " + j.at("partial_rotary_factor").dump() +
               " is not supported (only 1.0)");

    c.tieEmbeddings = r.booleanOr("tie_word_embeddings", false);
    if (c.modelType == "qwen2") {
        c.attentionBias = true;  // Qwen2 always has q/k/v biases and no o_proj bias
    } else if (r.booleanOr("attention_bias", false)) {
        // Llama's attention_bias also biases o_proj, which the model does not carry.
        r.fail("attention_bias=true is not supported for model_type '" + c.modelType + "'");
    }
    c.fusedQkv = c.modelType == "phi3";
    if (r.has("sliding_window") && (c.modelType != "qwen2" || r.booleanOr("use_sliding_window", false)))
        c.slidingWindow = r.integer(j.at("sliding_window"), "sliding_window");
    c.bosTokenIds = r.idList("bos_token_id");
    c.eosTokenIds = r.idList("eos_token_id");
    if (r.has("pad_token_id")) c.padTokenId = r.integer(j.at("pad_token_id"), "pad_token_id");
    c.torchDtype = r.stringOr("torch_dtype", r.stringOr("dtype", ""));
    checkModelConfig(c, file);
    return c;
}

void checkModelConfig(const ModelConfig& c, const std::string& file) {
    const auto fail = [&](const std::string& cause) { throw InputError(file + ": " + cause); };
    // No real model comes near these bounds; a damaged or hostile config
    // does, and would end in an allocation failure deep inside libtorch.
    const auto bounded = [&](const char* key, int64_t value, int64_t low, int64_t high) {
        if (value < low || value > high)
            fail("'" + std::string(key) + "' " + std::to_string(value) + " is outside the plausible range [" +
                 std::to_string(low) + ", " + std::to_string(high) + "]");
    };
    bounded("hidden_size", c.hidden, 1, int64_t(1) << 17);
    bounded("intermediate_size", c.intermediate, 1, int64_t(1) << 20);
    bounded("num_hidden_layers", c.layers, 1, 65536);
    bounded("num_attention_heads", c.heads, 1, 4096);
    bounded("num_key_value_heads", c.kvHeads, 1, c.heads);
    bounded("head_dim", c.headDim, 2, 4096);
    bounded("vocab_size", c.vocab, 1, int64_t(1) << 22);
    bounded("max_position_embeddings", c.maxPositions, 1, int64_t(1) << 24);
    if (c.heads % c.kvHeads != 0)
        fail("num_attention_heads (" + std::to_string(c.heads) +
             ") is not a multiple of num_key_value_heads (" + std::to_string(c.kvHeads) + ")");
    if (c.headDim % 2 != 0)
        fail("head_dim " + std::to_string(c.headDim) + " must be even for rotary embeddings");
    if (!(c.rmsEps > 0 && c.rmsEps < 1))
        fail("rms_norm_eps " + std::to_string(c.rmsEps) + " is not in (0, 1)");
    if (!(c.ropeTheta > 0 && std::isfinite(c.ropeTheta)))
        fail("rope_theta " + std::to_string(c.ropeTheta) + " must be positive");
    const RopeScaling& s = c.ropeScaling;
    if (!s.type.empty() && !(s.factor > 0 && std::isfinite(s.factor)))
        fail("rope scaling factor " + std::to_string(s.factor) + " must be positive");
    if (s.type == "llama3") {
        if (!(s.lowFreqFactor > 0 && s.highFreqFactor > s.lowFreqFactor && std::isfinite(s.highFreqFactor)))
            fail("llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor, got " +
                 std::to_string(s.lowFreqFactor) + " and " + std::to_string(s.highFreqFactor));
        bounded("original_max_position_embeddings", s.originalMaxPositions, 1, int64_t(1) << 24);
    }
    if (c.slidingWindow && *c.slidingWindow <= 0)
        fail("sliding_window " + std::to_string(*c.slidingWindow) + " must be positive (or null for none)");
}

ModelConfig ModelConfig::fromHfFile(const std::string& path) {
    const std::string text = readInputFile(path, "model config", kMaxJsonConfigBytes);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e77717
        throw InputError(path + ": invalid JSON (" + e.what() + ")");
    }
    return fromHfJson(j, path);
}

nlohmann::json ModelConfig::toHfJson() const {
    json j;
    j["model_type"] = modelType;
    j["architectures"] = json::array({architectureName(modelType)});
    j["hidden_size"] = hidden;
    j["intermediate_size"] = intermediate;
    j["num_hidden_layers"] = layers;
    j["num_attention_heads"] = heads;
    j["num_key_value_heads"] = kvHeads;
    if (modelType != "phi3") j["head_dim"] = headDim;  // Phi3Config derives it
    j["vocab_size"] = vocab;
    j["max_position_embeddings"] = maxPositions;
    j["rms_norm_eps"] = rmsEps;
    j["hidden_act"] = "silu";
    // The 4.x keys: transformers 5.x still reads them (into rope_parameters).
    j["rope_theta"] = ropeTheta;
    if (ropeScaling.type.empty()) {
        j["rope_scaling"] = nullptr;
    } else if (ropeScaling.type == "linear") {
        j["rope_scaling"] = {{"rope_type", "linear"}, {"type", "linear"}, {"factor", ropeScaling.factor}};
    } else {
        j["rope_scaling"] = {{"rope_type", ropeScaling.type},
                             {"factor", ropeScaling.factor},
                             {"low_freq_factor", ropeScaling.lowFreqFactor},
                             {"high_freq_factor", ropeScaling.highFreqFactor},
                             {"original_max_position_embeddings", ropeScaling.originalMaxPositions}};
    }
    j["tie_word_embeddings"] = tieEmbeddings;
    if (modelType == "llama") {
        j["attention_bias"] = false;
        j["mlp_bias"] = false;
    }
    if (modelType == "qwen2") j["use_sliding_window"] = false;
    if (modelType == "phi3") j["original_max_position_embeddings"] = maxPositions;
    j["sliding_window"] = slidingWindow ? json(*slidingWindow) : json(nullptr);
    auto ids = [](const std::vector<int64_t>& v) -> json {
        if (v.empty()) return nullptr;
        if (v.size() == 1) return v[0];
        return v;
    };
    j["bos_token_id"] = ids(bosTokenIds);
    j["eos_token_id"] = ids(eosTokenIds);
    j["pad_token_id"] = padTokenId ? json(*padTokenId) : json(nullptr);
    const std::string dtype = torchDtype.empty() ? "float32" : torchDtype;
    j["torch_dtype"] = dtype;
    j["dtype"] = dtype;
    return j;
}

}  // namespace sieve

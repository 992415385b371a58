#pragma once
// Reading tokenizer.json (hf_json*.cpp): typed access that fails with a
// FormatError naming the file and the component, and one reader per part of
// the pipeline. Components as Hugging Face `tokenizers` serializes them.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/tokenizer/decoders.h"
#include "core/tokenizer/normalizers.h"
#include "core/tokenizer/post_processors.h"
#include "core/tokenizer/pre_tokenizers.h"
#include "core/tokenizer/token_model.h"

namespace sieve::tok {

using nlohmann::json;

class JsonReader {
public:
    explicit JsonReader(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }

    [[noreturn]] void fail(const std::string& cause) const { throw FormatError(path_, cause); }

    const std::string& str(const json& j, const char* key, const std::string& where) const {
        if (!j.is_object() || !j.contains(key) || !j.at(key).is_string())
            fail(where + ": expected a string '" + key + "'");
        return j.at(key).get_ref<const std::string&>();
    }
    std::string str(const json& j, const char* key, const std::string& where,
                    const std::string& fallback) const {
        if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return fallback;
        return str(j, key, where);
    }
    bool flag(const json& j, const char* key, bool fallback) const {
        if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return fallback;
        if (!j.at(key).is_boolean()) fail(std::string("'") + key + "' is not a boolean");
        return j.at(key).get<bool>();
    }
    int64_t integer(const json& j, const char* key, const std::string& where, int64_t fallback) const {
        if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return fallback;
        if (!j.at(key).is_number_integer()) fail(where + ": '" + key + "' is not an integer");
        return j.at(key).get<int64_t>();
    }
    // No vocabulary comes near this (Gemma's has 262,144 tokens); a larger id
    // is a damaged file, refused rather than allocated for.
    static constexpr int64_t kMaxTokenId = int64_t(1) << 22;
    // A token id: an integer in [0, kMaxTokenId), never wrapped or rounded.
    int32_t tokenId(const json& v, const std::string& where) const {
        if (!v.is_number_integer()) fail(where + ": token id " + v.dump() + " is not an integer");
        const bool inRange = v.is_number_unsigned() ? v.get<uint64_t>() < uint64_t(kMaxTokenId)
                                                    : v.get<int64_t>() >= 0 && v.get<int64_t>() < kMaxTokenId;
        if (!inRange)
            fail(where + ": token id " + v.dump() + " is outside [0, " + std::to_string(kMaxTokenId) + ")");
        return static_cast<int32_t>(v.get<int64_t>());
    }
    const json& array(const json& j, const char* key, const std::string& where) const {
        if (!j.is_object() || !j.contains(key) || !j.at(key).is_array())
            fail(where + ": expected an array '" + key + "'");
        return j.at(key);
    }
    std::string type(const json& j, const std::string& where) const { return str(j, "type", where); }

    // {"String": s} or {"Regex": r} under `key`; *isRegex tells which.
    std::string pattern(const json& j, const std::string& where, bool* isRegex,
                        const char* key = "pattern") const {
        if (!j.contains(key) || !j.at(key).is_object()) fail(where + ": missing '" + key + "'");
        const json& p = j.at(key);
        if (p.contains("String") && p.at("String").is_string()) {
            *isRegex = false;
            return p.at("String").get<std::string>();
        }
        if (p.contains("Regex") && p.at("Regex").is_string()) {
            *isRegex = true;
            return p.at("Regex").get<std::string>();
        }
        fail(where + ": pattern " + p.dump() + " is neither {\"String\": ...} nor {\"Regex\": ...}");
    }

private:
    std::string path_;
};

// What the BPE reader needs to know about the pre-tokenizer it follows.
struct PreTokenizerFacts {
    bool any = false;                   // at least one pre-tokenizer
    bool onlyUnsplitMetaspace = false;  // exactly one: Metaspace with split false
    std::string metaspaceReplacement;
};

// A null component adds nothing (no decoder: tokens are joined by spaces).
void readNormalizer(const JsonReader& r, const json& j, Normalizer& out);
PreTokenizerFacts readPreTokenizer(const JsonReader& r, const json& j, PreTokenizer& out);
void readPostProcessor(const JsonReader& r, const json& j, PostProcessor& out);
void readDecoder(const JsonReader& r, const json& j, Decoder& out);

// The model: `vocab` gets id -> the token string as tokenizer.json spells it.
// `byteLevel`: the pre-tokenizer hands the model byte-level text (BPE then
// merges raw bytes).
std::unique_ptr<TokenModel> readModel(const JsonReader& r, const json& model, bool byteLevel,
                                      std::vector<std::string>& vocab);

}  // namespace sieve::tok

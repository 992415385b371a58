// The tokenizer's view of a GGUF file's metadata, read by the shared GGUF
// reader (core/gguf) and copied out, so that the file is unmapped on return.
#include "core/tokenizer/gguf_metadata.h"

#include "core/common/error.h"
#include "core/gguf/gguf_file.h"

namespace sieve::tok {
namespace {

constexpr auto kString = static_cast<uint32_t>(GgufType::String);
constexpr auto kBool = static_cast<uint32_t>(GgufType::Bool);
constexpr auto kArray = static_cast<uint32_t>(GgufType::Array);

bool isFloat(uint32_t type) {
    return type == static_cast<uint32_t>(GgufType::F32) || type == static_cast<uint32_t>(GgufType::F64);
}

}  // namespace

GgufMetadata GgufMetadata::read(const std::string& path) {
    const GgufFile file(path, GgufFile::Parts::MetadataOnly);
    GgufMetadata meta;
    meta.path_ = path;
    meta.version_ = file.version();
    for (const auto& [key, value] : file.metadata()) {
        Value v;
        if (value.type == GgufType::Array) {
            v.isArray = true;
            v.type = static_cast<uint32_t>(value.elementType);
            if (value.elementType == GgufType::String) {
                v.texts = value.strings;
            } else if (value.isNumericArray()) {
                v.numbers.reserve(static_cast<size_t>(value.count));
                for (uint64_t i = 0; i < value.count; ++i) v.numbers.push_back(value.numberAt(i));
            }
        } else {
            v.type = static_cast<uint32_t>(value.type);
            v.text = value.text;
            v.number = value.number;
            v.integer = value.integer;
        }
        meta.values_.emplace(key, std::move(v));
    }
    return meta;
}

const GgufMetadata::Value* GgufMetadata::find(const std::string& key) const {
    const auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string> GgufMetadata::string(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->isArray || v->type != kString) throw FormatError(path_, key + " is not a string");
    return v->text;
}

std::optional<int64_t> GgufMetadata::integer(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->isArray || v->type == kString || isFloat(v->type))
        throw FormatError(path_, key + " is not an integer");
    return v->integer;
}

std::optional<bool> GgufMetadata::boolean(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->isArray || v->type != kBool) throw FormatError(path_, key + " is not a boolean");
    return v->integer != 0;
}

std::vector<std::string> GgufMetadata::strings(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return {};
    if (!v->isArray || v->type != kString) throw FormatError(path_, key + " is not an array of strings");
    return v->texts;
}

std::vector<double> GgufMetadata::numbers(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return {};
    if (!v->isArray || v->type == kString || v->type == kArray)
        throw FormatError(path_, key + " is not a numeric array");
    return v->numbers;
}

}  // namespace sieve::tok

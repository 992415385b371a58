#pragma once
// The key/value metadata of a GGUF file (header and KV section only; tensor
// data is the model loader's business). Enough to read a tokenizer.ggml.* vocab.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sieve::tok {

class GgufMetadata {
public:
    // Throws InputError (cannot open) / FormatError (bad magic, version,
    // truncated or implausible lengths) naming the file and key.
    static GgufMetadata read(const std::string& path);

    bool has(const std::string& key) const { return values_.count(key) != 0; }
    std::optional<std::string> string(const std::string& key) const;
    std::optional<int64_t> integer(const std::string& key) const;  // any integer type
    std::optional<bool> boolean(const std::string& key) const;
    // Arrays; FormatError if the key holds something else; empty if absent.
    std::vector<std::string> strings(const std::string& key) const;
    std::vector<double> numbers(const std::string& key) const;  // any numeric element type

    uint32_t version() const { return version_; }
    const std::string& path() const { return path_; }

private:
    struct Value {
        uint32_t type = 0;  // GGUF value type of the scalar or array element
        bool isArray = false;
        double number = 0;  // numeric scalars (and bool)
        int64_t integer = 0;
        std::string text;
        std::vector<double> numbers;
        std::vector<std::string> texts;
    };
    const Value* find(const std::string& key) const;

    std::string path_;
    uint32_t version_ = 0;
    std::map<std::string, Value> values_;
};

}  // namespace sieve::tok

#include "core/tokenizer/gguf_metadata.h"

#include <cstring>
#include <fstream>

#include "core/common/error.h"

namespace sieve::tok {
namespace {

enum GgufType : uint32_t {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
};

size_t scalarSize(uint32_t type) {
    switch (type) {
        case U8:
        case I8:
        case BOOL:
            return 1;
        case U16:
        case I16:
            return 2;
        case U32:
        case I32:
        case F32:
            return 4;
        case U64:
        case I64:
        case F64:
            return 8;
        default:
            return 0;
    }
}

// Little-endian reads with bounds checked against the file size.
class Reader {
public:
    explicit Reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) throw InputError(path + ": cannot open");
        in_.seekg(0, std::ios::end);
        size_ = static_cast<uint64_t>(in_.tellg());
        in_.seekg(0);
    }
    [[noreturn]] void fail(const std::string& cause) const { throw FormatError(path_, cause); }
    void bytes(void* out, uint64_t n, const std::string& what) {
        if (n > size_ - pos_) fail("truncated while reading " + what + " at byte " + std::to_string(pos_));
        in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
        pos_ += n;
    }
    template <typename T>
    T read(const std::string& what) {
        T v;
        bytes(&v, sizeof(T), what);
        return v;
    }
    std::string string(const std::string& what) {
        const auto n = read<uint64_t>(what);
        if (n > size_ - pos_) fail(what + ": string length " + std::to_string(n) + " exceeds the file");
        std::string s(n, '\0');
        bytes(s.data(), n, what);
        return s;
    }
    // An element count that cannot possibly fit in the rest of the file is corrupt.
    void checkCount(uint64_t count, uint64_t minBytesEach, const std::string& what) const {
        if (minBytesEach > 0 && count > (size_ - pos_) / minBytesEach)
            fail(what + ": " + std::to_string(count) + " elements do not fit in the file");
    }

private:
    std::string path_;
    std::ifstream in_;
    uint64_t size_ = 0, pos_ = 0;
};

double readNumber(Reader& r, uint32_t type, const std::string& key, int64_t* asInteger) {
    switch (type) {
        case U8:
            return static_cast<double>(*asInteger = r.read<uint8_t>(key));
        case I8:
            return static_cast<double>(*asInteger = r.read<int8_t>(key));
        case U16:
            return static_cast<double>(*asInteger = r.read<uint16_t>(key));
        case I16:
            return static_cast<double>(*asInteger = r.read<int16_t>(key));
        case U32:
            return static_cast<double>(*asInteger = r.read<uint32_t>(key));
        case I32:
            return static_cast<double>(*asInteger = r.read<int32_t>(key));
        case U64:
            return static_cast<double>(*asInteger = static_cast<int64_t>(r.read<uint64_t>(key)));
        case I64:
            return static_cast<double>(*asInteger = r.read<int64_t>(key));
        case BOOL:
            return static_cast<double>(*asInteger = r.read<uint8_t>(key) != 0);
        case F32:
            return r.read<float>(key);
        case F64:
            return r.read<double>(key);
        default:
            r.fail(key + ": unknown value type " + std::to_string(type));
    }
}

}  // namespace

GgufMetadata GgufMetadata::read(const std::string& path) {
    Reader r(path);
    GgufMetadata meta;
    meta.path_ = path;
    char magic[4];
    r.bytes(magic, 4, "magic");
    if (std::memcmp(magic, "GGUF", 4) != 0) r.fail("not a GGUF file (magic is not 'GGUF')");
    meta.version_ = r.read<uint32_t>("version");
    if (meta.version_ < 2 || meta.version_ > 3)
        r.fail("GGUF version " + std::to_string(meta.version_) + " is not supported (2 or 3)");
    r.read<uint64_t>("tensor count");
    const auto kvCount = r.read<uint64_t>("metadata count");
    r.checkCount(kvCount, 12, "metadata count");
    for (uint64_t i = 0; i < kvCount; ++i) {
        const std::string key = r.string("metadata key " + std::to_string(i));
        Value v;
        v.type = r.read<uint32_t>(key);
        if (v.type == ARRAY) {
            v.isArray = true;
            v.type = r.read<uint32_t>(key + " element type");
            const auto n = r.read<uint64_t>(key + " length");
            if (v.type == STRING) {
                r.checkCount(n, 8, key);
                v.texts.reserve(n);
                for (uint64_t k = 0; k < n; ++k) v.texts.push_back(r.string(key));
            } else if (scalarSize(v.type) > 0) {
                r.checkCount(n, scalarSize(v.type), key);
                v.numbers.reserve(n);
                int64_t ignored = 0;
                for (uint64_t k = 0; k < n; ++k) v.numbers.push_back(readNumber(r, v.type, key, &ignored));
            } else {
                r.fail(key + ": arrays of type " + std::to_string(v.type) + " are not supported");
            }
        } else if (v.type == STRING) {
            v.text = r.string(key);
        } else {
            v.number = readNumber(r, v.type, key, &v.integer);
        }
        meta.values_[key] = std::move(v);
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
    if (v->isArray || v->type != STRING) throw FormatError(path_, key + " is not a string");
    return v->text;
}

std::optional<int64_t> GgufMetadata::integer(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->isArray || v->type == STRING || v->type == F32 || v->type == F64)
        throw FormatError(path_, key + " is not an integer");
    return v->integer;
}

std::optional<bool> GgufMetadata::boolean(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->isArray || v->type != BOOL) throw FormatError(path_, key + " is not a boolean");
    return v->integer != 0;
}

std::vector<std::string> GgufMetadata::strings(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return {};
    if (!v->isArray || v->type != STRING) throw FormatError(path_, key + " is not an array of strings");
    return v->texts;
}

std::vector<double> GgufMetadata::numbers(const std::string& key) const {
    const Value* v = find(key);
    if (!v) return {};
    if (!v->isArray || v->type == STRING) throw FormatError(path_, key + " is not a numeric array");
    return v->numbers;
}

}  // namespace sieve::tok

// GGUF v2/v3 parsing. Layout (little-endian): magic "GGUF", u32 version,
// u64 tensor count, u64 metadata count, the metadata key/values, the tensor
// infos (name, n_dims, ne[n_dims] innermost first, ggml type, offset), then
// the data section at the next multiple of general.alignment (default 32).
#include "core/gguf/gguf_file.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/common/error.h"

namespace sieve {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr int kMaxArrayDepth = 4;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
// Arrays of arrays are not used by any llama.cpp key; each costs a GgufValue,
// far more than its 12 bytes on disk, so their count is capped.
constexpr uint64_t kMaxNestedArrays = 1u << 20;

// Reads little-endian values with a bounds check on every access; `what`
// names the key or tensor in every error.
class Cursor {
public:
    Cursor(const uint8_t* data, uint64_t size, const std::string& path)
        : data_(data), size_(size), path_(path) {}

    uint64_t position() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }
    const uint8_t* here() const { return data_ + pos_; }

    void need(uint64_t n, const std::string& what) const {
        if (n > remaining())
            throw FormatError(path_, "truncated: " + what + " needs " + std::to_string(n) +
                                         " bytes at byte " + std::to_string(pos_) + ", " +
                                         std::to_string(remaining()) + " left");
    }
    void skip(uint64_t n, const std::string& what) {
        need(n, what);
        pos_ += n;
    }
    template <typename T>
    T read(const std::string& what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, data_ + pos_, sizeof(T));  // host is little-endian (x86-64, aarch64)
        pos_ += sizeof(T);
        return v;
    }
    std::string string(const std::string& what) {
        const uint64_t len = read<uint64_t>(what);
        need(len, what);
        std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
        pos_ += len;
        return s;
    }

private:
    const uint8_t* data_;
    uint64_t size_;
    uint64_t pos_ = 0;
    const std::string& path_;
};

// Bytes of a scalar on disk; strings and arrays: their smallest encoding.
uint64_t minimumSize(GgufType t) {
    switch (t) {
        case GgufType::U8:
        case GgufType::I8:
        case GgufType::Bool:
            return 1;
        case GgufType::U16:
        case GgufType::I16:
            return 2;
        case GgufType::U32:
        case GgufType::I32:
        case GgufType::F32:
            return 4;
        case GgufType::U64:
        case GgufType::I64:
        case GgufType::F64:
        case GgufType::String:  // the length field
            return 8;
        case GgufType::Array:  // element type + count
            return 12;
    }
    return 1;
}

bool validType(uint32_t t) {
    return t <= static_cast<uint32_t>(GgufType::F64);
}

template <typename T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// A numeric scalar at p as (integer, number); bools as 0/1, floats with integer 0.
void decodeNumber(GgufType type, const uint8_t* p, int64_t* integer, double* number) {
    switch (type) {
        case GgufType::U8:
        case GgufType::Bool:
            *integer = load<uint8_t>(p);
            break;
        case GgufType::I8:
            *integer = load<int8_t>(p);
            break;
        case GgufType::U16:
            *integer = load<uint16_t>(p);
            break;
        case GgufType::I16:
            *integer = load<int16_t>(p);
            break;
        case GgufType::U32:
            *integer = load<uint32_t>(p);
            break;
        case GgufType::I32:
            *integer = load<int32_t>(p);
            break;
        case GgufType::I64:
            *integer = load<int64_t>(p);
            break;
        case GgufType::U64: {
            const uint64_t x = load<uint64_t>(p);
            *integer = x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                           ? std::numeric_limits<int64_t>::max()
                           : static_cast<int64_t>(x);
            *number = static_cast<double>(x);
            return;
        }
        case GgufType::F32:
            *integer = 0;
            *number = load<float>(p);
            return;
        case GgufType::F64:
            *integer = 0;
            *number = load<double>(p);
            return;
        default:
            *integer = 0;
            *number = 0;
            return;
    }
    *number = static_cast<double>(*integer);
}

std::string quoted(const std::string& key) {
    return "metadata '" + key + "'";
}

GgufValue readValue(Cursor& in, GgufType type, const std::string& key, const std::string& path, int depth) {
    GgufValue v;
    v.type = type;
    const std::string what = quoted(key);
    switch (type) {
        case GgufType::String:
            v.text = in.string(what);
            break;
        case GgufType::Array: {
            if (depth >= kMaxArrayDepth) throw FormatError(path, what + ": arrays nested too deep");
            const uint32_t element = in.read<uint32_t>(what + " array type");
            if (!validType(element))
                throw FormatError(path, what + ": unknown array element type " + std::to_string(element));
            v.elementType = static_cast<GgufType>(element);
            v.count = in.read<uint64_t>(what + " array length");
            // Refuse counts the rest of the file cannot hold before allocating anything.
            if (v.count > in.remaining() / minimumSize(v.elementType))
                throw FormatError(path, what + " claims " + std::to_string(v.count) +
                                            " elements, which do not fit in the file (truncated?)");
            if (v.elementType == GgufType::String) {
                v.strings.reserve(static_cast<size_t>(v.count));
                for (uint64_t i = 0; i < v.count; ++i)
                    v.strings.push_back(in.string(what + " element " + std::to_string(i)));
            } else if (v.elementType == GgufType::Array) {
                if (v.count > kMaxNestedArrays)
                    throw FormatError(path, what + ": " + std::to_string(v.count) +
                                                " nested arrays is implausible for metadata");
                v.arrays.reserve(static_cast<size_t>(v.count));
                for (uint64_t i = 0; i < v.count; ++i)
                    v.arrays.push_back(readValue(in, GgufType::Array, key, path, depth + 1));
            } else {
                v.raw = in.here();
                in.skip(v.count * minimumSize(v.elementType), what);
                if (v.elementType == GgufType::Bool)
                    for (uint64_t i = 0; i < v.count; ++i)
                        if (v.raw[i] > 1)
                            throw FormatError(path, what + ": bool element " + std::to_string(i) + " is " +
                                                        std::to_string(v.raw[i]));
            }
            break;
        }
        default: {
            const uint64_t size = minimumSize(type);
            in.need(size, what);
            decodeNumber(type, in.here(), &v.integer, &v.number);
            if (type == GgufType::Bool) {
                if (v.integer > 1)
                    throw FormatError(path, what + ": bool value " + std::to_string(v.integer));
                v.boolean = v.integer == 1;
            }
            in.skip(size, what);
        }
    }
    return v;
}

}  // namespace

bool GgufValue::isInteger() const {
    switch (type) {
        case GgufType::U8:
        case GgufType::I8:
        case GgufType::U16:
        case GgufType::I16:
        case GgufType::U32:
        case GgufType::I32:
        case GgufType::U64:
        case GgufType::I64:
            return true;
        default:
            return false;
    }
}

bool GgufValue::isNumber() const {
    return isInteger() || type == GgufType::F32 || type == GgufType::F64;
}

bool GgufValue::isNumericArray() const {
    return type == GgufType::Array && elementType != GgufType::String && elementType != GgufType::Array;
}

double GgufValue::numberAt(uint64_t i) const {
    int64_t integer = 0;
    double number = 0;
    if (isNumericArray() && i < count)
        decodeNumber(elementType, raw + i * minimumSize(elementType), &integer, &number);
    return number;
}

int64_t GgufValue::integerAt(uint64_t i) const {
    int64_t integer = 0;
    double number = 0;
    if (isNumericArray() && i < count)
        decodeNumber(elementType, raw + i * minimumSize(elementType), &integer, &number);
    return integer;
}

int64_t GgufTensorInfo::elements() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

int64_t GgufTensorInfo::rows() const {
    return elements() / rowLength();
}

GgufFile::GgufFile(const std::string& path, Parts parts) : file_(path) {
    Cursor in(file_.data(), file_.size(), path);
    if (file_.size() < 4 || in.read<uint32_t>("magic") != kMagic)
        throw FormatError(path, "not a GGUF file (bad magic)");
    version_ = in.read<uint32_t>("version");
    const uint32_t swapped =
        (version_ >> 24) | ((version_ >> 8) & 0xff00) | ((version_ << 8) & 0xff0000) | (version_ << 24);
    if (swapped == 2 || swapped == 3) throw FormatError(path, "big-endian GGUF files are not supported");
    if (version_ != 2 && version_ != 3)
        throw FormatError(path,
                          "GGUF version " + std::to_string(version_) + " is not supported (supported: 2, 3)");
    const uint64_t tensorCount = in.read<uint64_t>("tensor count");
    const uint64_t kvCount = in.read<uint64_t>("metadata count");
    // Each key/value takes at least 8 + 4 + 1 bytes, each tensor info 8 + 4 + 8 + 4 + 8.
    if (kvCount > in.remaining() / 13 || tensorCount > in.remaining() / 32)
        throw FormatError(path, "truncated: the header claims " + std::to_string(kvCount) +
                                    " metadata entries and " + std::to_string(tensorCount) +
                                    " tensors, which do not fit in the file");

    for (uint64_t i = 0; i < kvCount; ++i) {
        std::string key = in.string("metadata key " + std::to_string(i));
        const uint32_t type = in.read<uint32_t>(quoted(key) + " type");
        if (!validType(type))
            throw FormatError(path, quoted(key) + ": unknown value type " + std::to_string(type));
        GgufValue value = readValue(in, static_cast<GgufType>(type), key, path, 0);
        if (!metadata_.emplace(key, std::move(value)).second)
            throw FormatError(path, "metadata key '" + key + "' appears twice");
    }
    if (const GgufValue* a = find("general.alignment")) {
        if (!a->isInteger() || a->integer <= 0 || (a->integer & (a->integer - 1)) != 0 ||
            a->integer > (1 << 20))
            throw FormatError(path, "general.alignment must be a power of two up to 1 MiB");
        alignment_ = static_cast<uint64_t>(a->integer);
    }
    if (parts == Parts::MetadataOnly) return;

    tensors_.reserve(static_cast<size_t>(tensorCount));
    for (uint64_t i = 0; i < tensorCount; ++i) {
        GgufTensorInfo t;
        t.name = in.string("tensor name " + std::to_string(i));
        const std::string what = "tensor '" + t.name + "'";
        const uint32_t dims = in.read<uint32_t>(what + " dimensions");
        if (dims == 0 || dims > kMaxDims)
            throw FormatError(path, what + ": " + std::to_string(dims) + " dimensions (1 to 4 allowed)");
        std::vector<int64_t> ne(dims);
        uint64_t numel = 1;
        for (uint32_t d = 0; d < dims; ++d) {
            const uint64_t n = in.read<uint64_t>(what + " shape");
            // 2^46 elements bound every product below (bytes per element <= 8).
            if (n == 0 || n > (1ull << 40) || numel > (1ull << 46) / n)
                throw FormatError(path, what + ": implausible dimension " + std::to_string(n));
            ne[d] = static_cast<int64_t>(n);
            numel *= n;
        }
        t.shape.assign(ne.rbegin(), ne.rend());
        const uint32_t type = in.read<uint32_t>(what + " type");
        t.offset = in.read<uint64_t>(what + " offset");
        GgmlLayout layout;
        if (!ggmlLayout(type, &layout)) {
            const std::string name = ggmlTypeName(type);
            throw FormatError(path, what + " has ggml type " + std::to_string(type) +
                                        (name.rfind("type ", 0) == 0 ? "" : " (" + name + ")") +
                                        ", which has no known block layout (removed from ggml, or newer "
                                        "than this reader)");
        }
        t.type = static_cast<GgmlType>(type);
        if (ne[0] % layout.blockWeights != 0)
            throw FormatError(path, what + ": row length " + std::to_string(ne[0]) +
                                        " is not a multiple of " + ggmlTypeName(type) + "'s block of " +
                                        std::to_string(layout.blockWeights));
        t.bytes =
            numel / static_cast<uint64_t>(layout.blockWeights) * static_cast<uint64_t>(layout.blockBytes);
        if (t.offset % alignment_ != 0)
            throw FormatError(path, what + ": offset " + std::to_string(t.offset) +
                                        " is not a multiple of the alignment " + std::to_string(alignment_));
        tensors_.push_back(std::move(t));
    }

    dataStart_ = (in.position() + alignment_ - 1) / alignment_ * alignment_;
    const uint64_t dataBytes = file_.size() > dataStart_ ? file_.size() - dataStart_ : 0;
    std::vector<const GgufTensorInfo*> byOffset;
    byOffset.reserve(tensors_.size());
    for (const auto& t : tensors_) {
        if (t.offset > dataBytes || t.bytes > dataBytes - t.offset)
            throw FormatError(path, "truncated: tensor '" + t.name + "' needs bytes [" +
                                        std::to_string(t.offset) + ", " + std::to_string(t.offset + t.bytes) +
                                        ") of a data section of " + std::to_string(dataBytes) + " bytes");
        byOffset.push_back(&t);
    }
    std::sort(byOffset.begin(), byOffset.end(),
              [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i]->offset < byOffset[i - 1]->offset + byOffset[i - 1]->bytes)
            throw FormatError(
                path, "tensors '" + byOffset[i - 1]->name + "' and '" + byOffset[i]->name + "' overlap");
    std::vector<const std::string*> names;
    names.reserve(tensors_.size());
    for (const auto& t : tensors_) names.push_back(&t.name);
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (size_t i = 1; i < names.size(); ++i)
        if (*names[i] == *names[i - 1]) throw FormatError(path, "tensor '" + *names[i] + "' appears twice");
}

const GgufValue* GgufFile::find(const std::string& key) const {
    auto it = metadata_.find(key);
    return it == metadata_.end() ? nullptr : &it->second;
}

const GgufTensorInfo* GgufFile::findTensor(const std::string& name) const {
    for (const auto& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

GgufBytes GgufFile::bytes(const GgufTensorInfo& info) const {
    return {file_.data() + dataStart_ + info.offset, info.bytes};
}

void GgufFile::willNeed(const GgufTensorInfo& info) const {
    file_.willNeed(dataStart_ + info.offset, info.bytes);
}

void GgufFile::done(const GgufTensorInfo& info) const {
    file_.done(dataStart_ + info.offset, info.bytes);
}

}  // namespace sieve

// GGUF v2/v3 parsing. Layout (little-endian): magic "GGUF", u32 version,
// u64 tensor count, u64 metadata count, the metadata key/values, the tensor
// infos (name, n_dims, ne[n_dims] innermost first, ggml type, offset), then
// the data section at the next multiple of general.alignment (default 32).
#include "core/model/gguf.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/common/error.h"

namespace sieve {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr int kMaxArrayDepth = 4;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
constexpr int64_t kQ8Block = 32;
constexpr int64_t kQ8BlockBytes = 2 + 32;  // fp16 scale + 32 int8

const char* const kGgmlTypeNames[] = {
    "F32",     "F16",     "Q4_0",    "Q4_1",  "type 4",  "type 5",  "Q5_0",    "Q5_1",    "Q8_0",
    "Q8_1",    "Q2_K",    "Q3_K",    "Q4_K",  "Q5_K",    "Q6_K",    "Q8_K",    "IQ2_XXS", "IQ2_XS",
    "IQ3_XXS", "IQ1_S",   "IQ4_NL",  "IQ3_S", "IQ2_S",   "IQ4_XS",  "I8",      "I16",     "I32",
    "I64",     "F64",     "IQ1_M",   "BF16",  "type 31", "type 32", "type 33", "TQ1_0",   "TQ2_0",
    "type 36", "type 37", "type 38", "MXFP4", "NVFP4",   "Q1_0",
};

// Reads little-endian values with a bounds check on every access.
class Cursor {
public:
    Cursor(const uint8_t* data, uint64_t size, const std::string& path)
        : data_(data), size_(size), path_(path) {}

    uint64_t position() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }

    void need(uint64_t n, const char* what) const {
        if (n > remaining())
            throw FormatError(path_, std::string("truncated: ") + what + " at byte " + std::to_string(pos_) +
                                         " needs " + std::to_string(n) + " bytes, " +
                                         std::to_string(remaining()) + " left");
    }
    template <typename T>
    T read(const char* what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, data_ + pos_, sizeof(T));  // host is little-endian (x86-64, aarch64)
        pos_ += sizeof(T);
        return v;
    }
    std::string string(const char* what) {
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

uint64_t scalarSize(GgufType t) {
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
            return 8;
        case GgufType::String:
            return 8;  // at least the length field
        case GgufType::Array:
            return 12;  // at least type + count
    }
    return 1;
}

GgufValue readValue(Cursor& in, GgufType type, const std::string& key, const std::string& path, int depth) {
    GgufValue v;
    v.type = type;
    auto setInt = [&](int64_t x) {
        v.integer = x;
        v.number = static_cast<double>(x);
    };
    switch (type) {
        case GgufType::U8:
            setInt(in.read<uint8_t>("metadata value"));
            break;
        case GgufType::I8:
            setInt(in.read<int8_t>("metadata value"));
            break;
        case GgufType::U16:
            setInt(in.read<uint16_t>("metadata value"));
            break;
        case GgufType::I16:
            setInt(in.read<int16_t>("metadata value"));
            break;
        case GgufType::U32:
            setInt(in.read<uint32_t>("metadata value"));
            break;
        case GgufType::I32:
            setInt(in.read<int32_t>("metadata value"));
            break;
        case GgufType::I64:
            setInt(in.read<int64_t>("metadata value"));
            break;
        case GgufType::U64: {
            const uint64_t x = in.read<uint64_t>("metadata value");
            v.integer = x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                            ? std::numeric_limits<int64_t>::max()
                            : static_cast<int64_t>(x);
            v.number = static_cast<double>(x);
            break;
        }
        case GgufType::F32:
            v.number = in.read<float>("metadata value");
            break;
        case GgufType::F64:
            v.number = in.read<double>("metadata value");
            break;
        case GgufType::Bool: {
            const uint8_t b = in.read<uint8_t>("metadata value");
            if (b > 1) throw FormatError(path, "metadata '" + key + "': bool value " + std::to_string(b));
            v.boolean = b == 1;
            setInt(b);
            break;
        }
        case GgufType::String:
            v.text = in.string("metadata string");
            break;
        case GgufType::Array: {
            if (depth >= kMaxArrayDepth)
                throw FormatError(path, "metadata '" + key + "': arrays nested too deep");
            const uint32_t element = in.read<uint32_t>("array type");
            if (element > static_cast<uint32_t>(GgufType::F64))
                throw FormatError(
                    path, "metadata '" + key + "': unknown array element type " + std::to_string(element));
            v.elementType = static_cast<GgufType>(element);
            const uint64_t count = in.read<uint64_t>("array length");
            // Refuse counts the rest of the file cannot hold before allocating anything.
            if (count > in.remaining() / scalarSize(v.elementType))
                throw FormatError(path, "truncated: metadata '" + key + "' claims " + std::to_string(count) +
                                            " elements, more than the file holds");
            v.array.reserve(static_cast<size_t>(count));
            for (uint64_t i = 0; i < count; ++i)
                v.array.push_back(readValue(in, v.elementType, key, path, depth + 1));
            break;
        }
        default:
            throw FormatError(path, "metadata '" + key + "': unknown value type " +
                                        std::to_string(static_cast<uint32_t>(type)));
    }
    return v;
}

bool supported(uint32_t type) {
    return type == static_cast<uint32_t>(GgmlType::F32) || type == static_cast<uint32_t>(GgmlType::F16) ||
           type == static_cast<uint32_t>(GgmlType::BF16) || type == static_cast<uint32_t>(GgmlType::Q8_0);
}

float halfToFloat(const uint8_t* p) {
    c10::Half h;
    std::memcpy(&h.x, p, 2);
    return static_cast<float>(h);
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

std::string ggmlTypeName(uint32_t type) {
    if (type < sizeof(kGgmlTypeNames) / sizeof(kGgmlTypeNames[0])) return kGgmlTypeNames[type];
    return "type " + std::to_string(type);
}

GgufFile::GgufFile(const std::string& path) : file_(path) {
    Cursor in(file_.data(), file_.size(), path);
    if (file_.size() < 4 || in.read<uint32_t>("magic") != kMagic)
        throw FormatError(path, "not a GGUF file (bad magic)");
    version_ = in.read<uint32_t>("version");
    const uint32_t swapped =
        (version_ >> 24) | ((version_ >> 8) & 0xff00) | ((version_ << 8) & 0xff0000) | (version_ << 24);
    if (swapped == 2 || swapped == 3) throw FormatError(path, "big-endian GGUF files are not supported");
    if (version_ != 2 && version_ != 3)
        throw FormatError(path,
                          "unsupported GGUF version " + std::to_string(version_) + " (supported: 2, 3)");
    const uint64_t tensorCount = in.read<uint64_t>("tensor count");
    const uint64_t kvCount = in.read<uint64_t>("metadata count");
    if (kvCount > in.remaining() / 12 || tensorCount > in.remaining() / 24)
        throw FormatError(path, "truncated: header claims " + std::to_string(kvCount) +
                                    " metadata entries and " + std::to_string(tensorCount) +
                                    " tensors, more than the file holds");

    for (uint64_t i = 0; i < kvCount; ++i) {
        std::string key = in.string("metadata key");
        const uint32_t type = in.read<uint32_t>("metadata type");
        if (type > static_cast<uint32_t>(GgufType::F64))
            throw FormatError(path, "metadata '" + key + "': unknown value type " + std::to_string(type));
        GgufValue value = readValue(in, static_cast<GgufType>(type), key, path, 0);
        if (!metadata_.emplace(key, std::move(value)).second)
            throw FormatError(path, "metadata key '" + key + "' appears twice");
    }
    if (const GgufValue* a = find("general.alignment")) {
        if (!a->isInteger() || a->integer <= 0 || (a->integer & (a->integer - 1)) != 0)
            throw FormatError(path, "general.alignment must be a positive power of two");
        alignment_ = static_cast<uint64_t>(a->integer);
    }

    for (uint64_t i = 0; i < tensorCount; ++i) {
        GgufTensorInfo t;
        t.name = in.string("tensor name");
        const uint32_t dims = in.read<uint32_t>("tensor dims");
        if (dims == 0 || dims > kMaxDims)
            throw FormatError(
                path, "tensor '" + t.name + "': " + std::to_string(dims) + " dimensions (1 to 4 allowed)");
        std::vector<int64_t> ne(dims);
        uint64_t numel = 1;
        for (uint32_t d = 0; d < dims; ++d) {
            const uint64_t n = in.read<uint64_t>("tensor shape");
            if (n == 0 || n > (1ull << 40) || numel > (1ull << 46) / n)
                throw FormatError(path,
                                  "tensor '" + t.name + "': implausible dimension " + std::to_string(n));
            ne[d] = static_cast<int64_t>(n);
            numel *= n;
        }
        t.shape.assign(ne.rbegin(), ne.rend());
        const uint32_t type = in.read<uint32_t>("tensor type");
        t.offset = in.read<uint64_t>("tensor offset");
        if (!supported(type))
            throw FormatError(path, "tensor '" + t.name + "' has unsupported type " + ggmlTypeName(type) +
                                        " (supported: F32, F16, BF16, Q8_0)");
        t.type = static_cast<GgmlType>(type);
        switch (t.type) {
            case GgmlType::F32:
                t.bytes = numel * 4;
                break;
            case GgmlType::F16:
            case GgmlType::BF16:
                t.bytes = numel * 2;
                break;
            case GgmlType::Q8_0:
                if (ne[0] % kQ8Block != 0)
                    throw FormatError(path, "tensor '" + t.name + "': Q8_0 row length " +
                                                std::to_string(ne[0]) + " is not a multiple of 32");
                t.bytes = numel / kQ8Block * kQ8BlockBytes;
                break;
        }
        if (t.offset % alignment_ != 0)
            throw FormatError(path, "tensor '" + t.name + "': offset " + std::to_string(t.offset) +
                                        " is not a multiple of the alignment " + std::to_string(alignment_));
        tensors_.push_back(std::move(t));
    }

    dataStart_ = (in.position() + alignment_ - 1) / alignment_ * alignment_;
    const uint64_t dataBytes = file_.size() > dataStart_ ? file_.size() - dataStart_ : 0;
    std::vector<const GgufTensorInfo*> byOffset;
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
    std::vector<std::string> names;
    for (const auto& t : tensors_) names.push_back(t.name);
    std::sort(names.begin(), names.end());
    const auto dup = std::adjacent_find(names.begin(), names.end());
    if (dup != names.end()) throw FormatError(path, "tensor '" + *dup + "' appears twice");
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

torch::Tensor GgufFile::readFloat32(const GgufTensorInfo& info) const {
    const uint8_t* src = file_.data() + dataStart_ + info.offset;  // bounds checked on open
    auto copyAs = [&](torch::ScalarType type) {
        torch::Tensor raw = torch::empty(info.shape, torch::TensorOptions().dtype(type));
        std::memcpy(raw.data_ptr(), src, info.bytes);
        return raw.scalar_type() == torch::kFloat32 ? raw : raw.to(torch::kFloat32);
    };
    switch (info.type) {
        case GgmlType::F32:
            return copyAs(torch::kFloat32);
        case GgmlType::F16:
            return copyAs(torch::kFloat16);
        case GgmlType::BF16:
            return copyAs(torch::kBFloat16);
        case GgmlType::Q8_0: {
            torch::Tensor out = torch::empty(info.shape, torch::kFloat32);
            float* dst = out.data_ptr<float>();
            const int64_t blocks = out.numel() / kQ8Block;
            for (int64_t b = 0; b < blocks; ++b) {
                const uint8_t* block = src + b * kQ8BlockBytes;
                const float scale = halfToFloat(block);
                const auto* q = reinterpret_cast<const int8_t*>(block + 2);
                for (int64_t k = 0; k < kQ8Block; ++k)
                    dst[b * kQ8Block + k] = scale * static_cast<float>(q[k]);
            }
            return out;
        }
    }
    throw FormatError(path(), "tensor '" + info.name + "': unsupported type");
}

}  // namespace sieve

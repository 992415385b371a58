#include "core/gguf/gguf_writer.h"

#include <cstring>
#include <fstream>

#include "core/common/error.h"

namespace sieve {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" as a little-endian u32
constexpr uint32_t kVersion = 3;
constexpr uint64_t kAlignment = 32;

template <typename T>
void put(std::vector<uint8_t>& out, T value) {
    uint8_t bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // the host is little-endian (x86-64, aarch64)
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

void putString(std::vector<uint8_t>& out, const std::string& s) {
    put<uint64_t>(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

// The bytes of one element of a numeric type.
void putNumber(std::vector<uint8_t>& out, GgufType type, double number, int64_t integer) {
    switch (type) {
        case GgufType::U8:
            put<uint8_t>(out, uint8_t(integer));
            break;
        case GgufType::I8:
            put<int8_t>(out, int8_t(integer));
            break;
        case GgufType::U16:
            put<uint16_t>(out, uint16_t(integer));
            break;
        case GgufType::I16:
            put<int16_t>(out, int16_t(integer));
            break;
        case GgufType::U32:
            put<uint32_t>(out, uint32_t(integer));
            break;
        case GgufType::I32:
            put<int32_t>(out, int32_t(integer));
            break;
        case GgufType::U64:
            put<uint64_t>(out, uint64_t(integer));
            break;
        case GgufType::I64:
            put<int64_t>(out, integer);
            break;
        case GgufType::F32:
            put<float>(out, float(number));
            break;
        case GgufType::F64:
            put<double>(out, number);
            break;
        case GgufType::Bool:
            put<uint8_t>(out, integer ? 1 : 0);
            break;
        default:
            throw InputError("GGUF writer: type " + std::to_string(uint32_t(type)) + " is not a number");
    }
}

void putValue(std::vector<uint8_t>& out, const GgufValue& v, bool withType) {
    if (withType) put<uint32_t>(out, uint32_t(v.type));
    switch (v.type) {
        case GgufType::String:
            putString(out, v.text);
            return;
        case GgufType::Array: {
            put<uint32_t>(out, uint32_t(v.elementType));
            put<uint64_t>(out, v.count);
            if (v.elementType == GgufType::String) {
                for (const std::string& s : v.strings) putString(out, s);
            } else if (v.elementType == GgufType::Array) {
                for (const GgufValue& a : v.arrays) putValue(out, a, true);
            } else {
                for (uint64_t i = 0; i < v.count; ++i)
                    putNumber(out, v.elementType, v.numberAt(i), v.integerAt(i));
            }
            return;
        }
        default:
            putNumber(out, v.type, v.number, v.type == GgufType::Bool ? int64_t(v.boolean) : v.integer);
    }
}

}  // namespace

void GgufWriter::addString(const std::string& key, const std::string& value) {
    GgufValue v;
    v.type = GgufType::String;
    v.text = value;
    addValue(key, v);
}

void GgufWriter::addUint32(const std::string& key, uint32_t value) {
    GgufValue v;
    v.type = GgufType::U32;
    v.integer = value;
    v.number = value;
    addValue(key, v);
}

void GgufWriter::addFloat32(const std::string& key, float value) {
    GgufValue v;
    v.type = GgufType::F32;
    v.number = value;
    addValue(key, v);
}

void GgufWriter::addBool(const std::string& key, bool value) {
    GgufValue v;
    v.type = GgufType::Bool;
    v.boolean = value;
    v.integer = value;
    addValue(key, v);
}

void GgufWriter::addValue(const std::string& key, const GgufValue& value) {
    putString(metadata_, key);
    putValue(metadata_, value, true);
    ++keys_;
}

void GgufWriter::addTensor(const std::string& name, const std::vector<int64_t>& shape, GgmlType type,
                           std::vector<uint8_t> data) {
    GgmlLayout layout;
    if (!ggmlLayout(uint32_t(type), &layout) || shape.empty())
        throw InputError("GGUF writer: tensor '" + name + "' has no layout for type " + ggmlTypeName(type));
    int64_t elements = 1;
    for (int64_t d : shape) elements *= d;
    if (shape.back() % layout.blockWeights != 0 ||
        int64_t(data.size()) != elements / layout.blockWeights * layout.blockBytes)
        throw InputError("GGUF writer: tensor '" + name + "' holds " + std::to_string(data.size()) +
                         " bytes, which is not " + std::to_string(elements) + " weights of type " +
                         ggmlTypeName(type));
    tensors_.push_back({name, shape, type, std::move(data)});
}

int64_t GgufWriter::write(const std::string& path) const {
    std::vector<uint8_t> head;
    put<uint32_t>(head, kMagic);
    put<uint32_t>(head, kVersion);
    put<uint64_t>(head, tensors_.size());
    put<uint64_t>(head, keys_);
    head.insert(head.end(), metadata_.begin(), metadata_.end());
    uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        putString(head, t.name);
        put<uint32_t>(head, uint32_t(t.shape.size()));
        for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d) put<uint64_t>(head, uint64_t(*d));
        put<uint32_t>(head, uint32_t(t.type));
        put<uint64_t>(head, offset);
        offset += (t.data.size() + kAlignment - 1) / kAlignment * kAlignment;
    }
    head.resize((head.size() + kAlignment - 1) / kAlignment * kAlignment, 0);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(head.data()), std::streamsize(head.size()));
    static const char zeros[kAlignment] = {};
    for (const Tensor& t : tensors_) {
        out.write(reinterpret_cast<const char*>(t.data.data()), std::streamsize(t.data.size()));
        out.write(zeros, std::streamsize((kAlignment - t.data.size() % kAlignment) % kAlignment));
    }
    out.flush();
    if (!out) throw InputError(path + ": cannot be written (disk full or no permission?)");
    return int64_t(head.size() + offset);
}

}  // namespace sieve

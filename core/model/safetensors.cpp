#include "core/model/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace sieve {
namespace {

// safetensors itself refuses headers above 100 MB; so do we, before parsing.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

uint64_t readLe64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

struct DtypeInfo {
    const char* name;
    torch::ScalarType type;
    int64_t size;
};

const DtypeInfo kDtypes[] = {
    {"F64", torch::kFloat64, 8},   {"F32", torch::kFloat32, 4}, {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kInt64, 8},   {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},     {"I8", torch::kInt8, 1},     {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1},
};

uint64_t checkedNumel(const std::vector<int64_t>& shape, const std::string& file, const std::string& name) {
    uint64_t n = 1;
    for (int64_t d : shape) {
        if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
            throw FormatError(file, "tensor '" + name + "': shape overflows");
        n *= static_cast<uint64_t>(d);
    }
    return n;
}

SafetensorsEntry parseEntry(const std::string& name, const nlohmann::json& v, const std::string& file) {
    auto bad = [&](const std::string& cause) { return FormatError(file, "tensor '" + name + "': " + cause); };
    if (!v.is_object()) throw bad("header entry is not an object");
    SafetensorsEntry e;
    e.name = name;
    if (!v.contains("dtype") || !v["dtype"].is_string()) throw bad("missing or non-string 'dtype'");
    e.dtype = v["dtype"].get<std::string>();
    torch::ScalarType type;
    int64_t itemSize = 0;
    if (!safetensorsDtype(e.dtype, &type, &itemSize)) throw bad("unsupported dtype '" + e.dtype + "'");
    if (!v.contains("shape") || !v["shape"].is_array()) throw bad("missing or non-array 'shape'");
    for (const auto& d : v["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0) throw bad("invalid shape " + v["shape"].dump());
        e.shape.push_back(d.get<int64_t>());
    }
    const auto& off = v.contains("data_offsets") ? v["data_offsets"] : nlohmann::json();
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
        throw bad("missing or invalid 'data_offsets' " + off.dump());
    e.begin = off[0].get<uint64_t>();
    e.end = off[1].get<uint64_t>();
    if (e.end < e.begin)
        throw bad("data_offsets end " + std::to_string(e.end) + " < begin " + std::to_string(e.begin));
    const uint64_t numel = checkedNumel(e.shape, file, name);
    if (numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(itemSize))
        throw bad("shape overflows");
    const uint64_t expected = numel * static_cast<uint64_t>(itemSize);
    if (e.end - e.begin != expected)
        throw bad("data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + ") hold " +
                  std::to_string(e.end - e.begin) + " bytes but dtype " + e.dtype + " and shape " +
                  v["shape"].dump() + " need " + std::to_string(expected));
    return e;
}

}  // namespace

bool safetensorsDtype(const std::string& name, torch::ScalarType* type, int64_t* itemSize) {
    for (const auto& d : kDtypes)
        if (name == d.name) {
            *type = d.type;
            *itemSize = d.size;
            return true;
        }
    return false;
}

std::string safetensorsDtypeNameOrEmpty(torch::ScalarType type) {
    for (const auto& d : kDtypes)
        if (d.type == type) return d.name;
    return "";
}

SafetensorsFile::SafetensorsFile(const std::string& path) : file_(path) {
    const uint64_t size = file_.size();
    if (size < 8)
        throw FormatError(path, "truncated: " + std::to_string(size) + " bytes, no safetensors header");
    const uint64_t headerLen = readLe64(file_.data());
    if (headerLen > kMaxHeaderBytes)
        throw FormatError(path,
                          "header length " + std::to_string(headerLen) + " is implausible (limit 100 MB)");
    if (headerLen > size - 8)
        throw FormatError(path, "truncated: header length " + std::to_string(headerLen) +
                                    " exceeds the file size " + std::to_string(size));
    dataStart_ = 8 + headerLen;
    const uint64_t dataBytes = size - dataStart_;

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(file_.data() + 8, file_.data() + dataStart_);
    } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (number overflow)
        throw FormatError(path, std::string("header is not valid JSON (") + e.what() + ")");
    }
    if (!header.is_object()) throw FormatError(path, "header is not a JSON object");

    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) throw FormatError(path, "__metadata__ is not an object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    throw FormatError(path, "__metadata__ value '" + m.key() + "' is not a string");
                metadata_[m.key()] = m->get<std::string>();
            }
            continue;
        }
        SafetensorsEntry e = parseEntry(it.key(), *it, path);
        if (e.end > dataBytes)
            throw FormatError(path, "tensor '" + e.name + "': data_offsets end " + std::to_string(e.end) +
                                        " is past the end of the data (" + std::to_string(dataBytes) +
                                        " bytes; file truncated or header lies)");
        entries_.push_back(std::move(e));
    }

    // Non-overlapping: sorted by offset, each tensor starts at or after the previous end.
    std::vector<const SafetensorsEntry*> byOffset;
    for (const auto& e : entries_) byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(), [](const SafetensorsEntry* a, const SafetensorsEntry* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    const SafetensorsEntry* furthest = nullptr;  // the tensor reaching furthest so far
    for (const auto* cur : byOffset) {
        if (cur->begin == cur->end) continue;  // empty tensors occupy no bytes
        if (furthest && cur->begin < furthest->end)
            throw FormatError(path, "tensors '" + furthest->name + "' and '" + cur->name +
                                        "' overlap (data_offsets [" + std::to_string(furthest->begin) + ", " +
                                        std::to_string(furthest->end) + ") and [" +
                                        std::to_string(cur->begin) + ", " + std::to_string(cur->end) + "))");
        if (!furthest || cur->end > furthest->end) furthest = cur;
    }
}

bool SafetensorsFile::contains(const std::string& name) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const SafetensorsEntry& e) { return e.name == name; });
}

torch::Tensor SafetensorsFile::read(const SafetensorsEntry& entry) const {
    torch::ScalarType type;
    int64_t itemSize = 0;
    safetensorsDtype(entry.dtype, &type, &itemSize);  // validated on open
    torch::Tensor out = torch::empty(entry.shape, torch::TensorOptions().dtype(type));
    // memcpy rather than from_blob: the mapping may not be aligned for the dtype.
    if (entry.end > entry.begin)
        std::memcpy(out.data_ptr(), file_.data() + dataStart_ + entry.begin, entry.end - entry.begin);
    return out;
}

}  // namespace sieve

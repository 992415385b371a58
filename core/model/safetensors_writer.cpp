// writeSafetensors: the JSON header (tensors sorted by name, data laid out in
// that order, __metadata__ when given), padded with spaces to a multiple of 8
// bytes as the reference implementation does, then the raw little-endian data.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"

namespace sieve {

void writeSafetensors(const std::string& file, const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header;
    if (!metadata.empty()) {
        nlohmann::ordered_json meta = nlohmann::ordered_json::object();
        for (const auto& [k, v] : metadata) meta[k] = v;
        header["__metadata__"] = meta;
    }
    std::vector<torch::Tensor> ordered;  // contiguous CPU copies, in header order
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name == "__metadata__") throw InputError(file + ": '__metadata__' is not a valid tensor name");
        if (!tensor.defined()) throw InputError(file + ": tensor '" + name + "' is undefined");
        torch::ScalarType storedType;
        int64_t itemSize = 0;
        const std::string dtype = safetensorsDtypeNameOrEmpty(tensor.scalar_type());
        if (dtype.empty() || !safetensorsDtype(dtype, &storedType, &itemSize))
            throw InputError(file + ": tensor '" + name + "' has dtype " +
                             c10::toString(tensor.scalar_type()) + ", which safetensors cannot store here");
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * static_cast<uint64_t>(t.element_size());
        header[name] = {
            {"dtype", dtype}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        ordered.push_back(std::move(t));
    }
    std::string text = header.empty() ? std::string("{}") : header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');

    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(file + ": cannot open for writing");
    uint8_t length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(length), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : ordered)
        out.write(static_cast<const char*>(t.data_ptr()),
                  static_cast<std::streamsize>(t.numel() * t.element_size()));
    out.close();
    if (!out) throw InputError(file + ": write failed (disk full?)");
}

}  // namespace sieve

#pragma once
// Reading one safetensors file through a memory mapping. The whole header is
// validated when the file is opened (length, JSON, dtypes, shapes, offsets
// within the file and non-overlapping, byte counts matching the shapes), so
// no tensor byte is read from a file that lies about its layout.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/gguf/mapped_file.h"

namespace sieve {

struct SafetensorsEntry {
    std::string name;
    std::string dtype;  // as written: "F32", "BF16", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0;  // byte offsets into the data section
    uint64_t end = 0;
};

class SafetensorsFile {
public:
    explicit SafetensorsFile(const std::string& path);  // throws FormatError

    const std::string& path() const { return file_.path(); }
    const std::vector<SafetensorsEntry>& entries() const { return entries_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    bool contains(const std::string& name) const;

    // A copy of the tensor in its stored dtype (independent of the mapping).
    torch::Tensor read(const SafetensorsEntry& entry) const;

private:
    MappedFile file_;
    uint64_t dataStart_ = 0;
    std::vector<SafetensorsEntry> entries_;
    std::map<std::string, std::string> metadata_;
};

// The torch dtype and byte size of a safetensors dtype name; false when the
// name is unknown or has no torch equivalent here.
bool safetensorsDtype(const std::string& name, torch::ScalarType* type, int64_t* itemSize);
// The safetensors name of a torch dtype; "" for dtypes it has no name for here.
std::string safetensorsDtypeNameOrEmpty(torch::ScalarType type);

}  // namespace sieve

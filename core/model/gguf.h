#pragma once
// The GGUF container (llama.cpp's file format, versions 2 and 3): metadata
// key/values, tensor descriptions and tensor data, memory-mapped. Everything
// is bounds-checked while the header is parsed; the tokenizer reads its
// embedded vocabulary from metadata() and the checkpoint reader maps tensors.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/model/mapped_file.h"

namespace sieve {

enum class GgufType : uint32_t {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
};

// One metadata value. Numbers are available as int (when integral) and as
// double; strings in `text`; arrays in `array` (elements of `elementType`).
struct GgufValue {
    GgufType type = GgufType::U8;
    int64_t integer = 0;
    double number = 0.0;
    bool boolean = false;
    std::string text;
    GgufType elementType = GgufType::U8;
    std::vector<GgufValue> array;

    bool isInteger() const;
    bool isNumber() const;  // integers and floats
};

// ggml tensor types this reader can turn into float32.
enum class GgmlType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30 };

struct GgufTensorInfo {
    std::string name;
    std::vector<int64_t> shape;  // torch order: outermost first (GGUF stores ne[0] = innermost first)
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;  // from the start of the data section
    uint64_t bytes = 0;
};

class GgufFile {
public:
    explicit GgufFile(const std::string& path);  // throws FormatError naming the file and the cause

    const std::string& path() const { return file_.path(); }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
    const GgufValue* find(const std::string& key) const;
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    const GgufTensorInfo* findTensor(const std::string& name) const;

    // A float32 copy of the tensor (F16/BF16 converted, Q8_0 dequantized).
    torch::Tensor readFloat32(const GgufTensorInfo& info) const;

private:
    MappedFile file_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t dataStart_ = 0;
    std::map<std::string, GgufValue> metadata_;
    std::vector<GgufTensorInfo> tensors_;
};

// "Q4_K", "F16", ... or "type 123" for ids ggml does not define.
std::string ggmlTypeName(uint32_t type);

}  // namespace sieve

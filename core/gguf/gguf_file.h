#pragma once
// The GGUF container (llama.cpp's file format, versions 2 and 3), memory-
// mapped: metadata key/values, tensor descriptions and byte views of the
// tensor data. Everything is checked against the file size while the header
// is parsed, so a hostile file gives a FormatError naming the file and the
// key or tensor, never a read out of bounds or an allocation it did not pay
// for in bytes. Shared by the model loader and the tokenizer; torch-free.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/gguf/ggml_type.h"
#include "core/gguf/mapped_file.h"

namespace sieve {

// GGUF metadata value types (gguf.md: gguf_metadata_value_type).
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

// One metadata value. Scalars: `integer` (integral types and bool), `number`
// (every numeric type and bool), `boolean`, `text`. Arrays: `elementType` and
// `count`, then by element type: strings in `strings`, nested arrays in
// `arrays`, numbers (and bools) read on demand from the mapped file through
// numberAt / integerAt, so a vocabulary's scores cost no copy. A value with
// numeric elements is valid only while its GgufFile lives.
struct GgufValue {
    GgufType type = GgufType::U8;
    int64_t integer = 0;
    double number = 0.0;
    bool boolean = false;
    std::string text;

    GgufType elementType = GgufType::U8;
    uint64_t count = 0;
    std::vector<std::string> strings;
    std::vector<GgufValue> arrays;

    bool isInteger() const;  // an integral scalar (bool excluded)
    bool isNumber() const;   // an integral or floating-point scalar
    bool isNumericArray() const;
    // Element i of a numeric (or bool) array; i < count.
    double numberAt(uint64_t i) const;
    int64_t integerAt(uint64_t i) const;  // 0 for floating-point elements

    const uint8_t* raw = nullptr;  // numeric array elements in the mapping (little-endian)
};

struct GgufTensorInfo {
    std::string name;
    std::vector<int64_t> shape;  // torch order: outermost first (GGUF stores ne[0] = innermost first)
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;  // from the start of the data section
    uint64_t bytes = 0;

    int64_t rowLength() const { return shape.back(); }  // ne[0]: blocks never cross a row
    int64_t rows() const;                               // elements / rowLength
    int64_t elements() const;
};

// A tensor's bytes inside the mapping.
struct GgufBytes {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
};

class GgufFile {
public:
    // MetadataOnly stops after the key/values (a tokenizer needs nothing else,
    // and then reads files whose tensor types this project cannot decode).
    enum class Parts { Everything, MetadataOnly };

    // Throws FormatError naming the file and the cause (and the key or tensor).
    explicit GgufFile(const std::string& path, Parts parts = Parts::Everything);

    const std::string& path() const { return file_.path(); }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
    const GgufValue* find(const std::string& key) const;
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    const GgufTensorInfo* findTensor(const std::string& name) const;

    // The tensor's bytes (bounds checked on open), valid while this object lives.
    GgufBytes bytes(const GgufTensorInfo& info) const;
    // Paging advice for a loader that converts tensors one by one: start
    // reading this tensor ahead / drop its pages from the resident set.
    void willNeed(const GgufTensorInfo& info) const;
    void done(const GgufTensorInfo& info) const;

private:
    MappedFile file_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t dataStart_ = 0;
    std::map<std::string, GgufValue> metadata_;
    std::vector<GgufTensorInfo> tensors_;
};

}  // namespace sieve

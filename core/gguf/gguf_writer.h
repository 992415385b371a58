#pragma once
// Writing a GGUF v3 file (llama.cpp's format): metadata key/values in the
// order added, tensor descriptions, then the tensor data, each tensor at a
// multiple of 32 bytes (general.alignment's default). The caller gives each
// tensor's bytes already encoded in its ggml type (quantize.h). Torch-free;
// read back by GgufFile, and byte-compatible with the gguf package's writer
// (tests/gguf).
#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/ggml_type.h"
#include "core/gguf/gguf_file.h"

namespace sieve {

class GgufWriter {
public:
    void addString(const std::string& key, const std::string& value);
    void addUint32(const std::string& key, uint32_t value);
    void addFloat32(const std::string& key, float value);
    void addBool(const std::string& key, bool value);
    // A value of another file as it is there (e.g. its tokenizer.* keys):
    // scalars, strings and arrays of them, nested arrays included.
    void addValue(const std::string& key, const GgufValue& value);

    // shape in torch order (outermost first; stored reversed, as GGUF's ne);
    // `data` must hold exactly the bytes `type` needs for that shape.
    void addTensor(const std::string& name, const std::vector<int64_t>& shape, GgmlType type,
                   std::vector<uint8_t> data);

    // Writes the file (InputError naming it when it cannot be written).
    // Returns the bytes written.
    int64_t write(const std::string& path) const;

private:
    struct Tensor {
        std::string name;
        std::vector<int64_t> shape;
        GgmlType type;
        std::vector<uint8_t> data;
    };
    std::vector<uint8_t> metadata_;  // encoded key/value pairs
    uint64_t keys_ = 0;
    std::vector<Tensor> tensors_;
};

}  // namespace sieve

#include "core/model/gguf_tensor.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/gguf/dequantize.h"

namespace sieve {
namespace {

// Weights decoded per step when converting to another dtype: 256 KB of
// float32, small enough to stay in L2 between the decode and the conversion.
constexpr int64_t kChunkWeights = 64 * 1024;

}  // namespace

torch::Tensor readGgufTensor(const GgufFile& file, const GgufTensorInfo& info, torch::ScalarType dtype,
                             torch::Device device, const std::vector<int64_t>& sourceRows,
                             WeightArena* arena) {
    if (!canDequantize(info.type))
        throw FormatError(file.path(), "tensor '" + info.name + "' has type " + ggmlTypeName(info.type) +
                                           ", which this loader cannot dequantize (supported: " +
                                           dequantizableTypeNames() + ")");
    const int64_t cols = info.rowLength(), rows = info.rows();
    if (!sourceRows.empty() && static_cast<int64_t>(sourceRows.size()) != rows)
        throw InputError("readGgufTensor: " + std::to_string(sourceRows.size()) +
                         " row indices for tensor '" + info.name + "' of " + std::to_string(rows) + " rows");
    const GgufBytes bytes = file.bytes(info);
    const uint64_t rowBytes = ggmlBytesFor(info.type, cols);
    // Decodes result rows [first, first + count) into dst.
    auto decodeRows = [&](int64_t first, int64_t count, float* dst) {
        if (sourceRows.empty()) {
            dequantize(info.type, bytes.data + static_cast<uint64_t>(first) * rowBytes, count * cols, dst);
            return;
        }
        for (int64_t r = first; r < first + count; ++r, dst += cols)
            dequantize(info.type,
                       bytes.data + static_cast<uint64_t>(sourceRows[static_cast<size_t>(r)]) * rowBytes,
                       cols, dst);
    };

    file.willNeed(info);
    // The result lives on when it stays on the CPU: from the arena. For another device it is a temporary.
    torch::Tensor out = arena && device.is_cpu()
                            ? arena->empty(info.shape, dtype)
                            : torch::empty(info.shape, torch::TensorOptions().dtype(dtype));
    if (dtype == torch::kFloat32) {
        decodeRows(0, rows, out.data_ptr<float>());
    } else {
        const int64_t step = std::max<int64_t>(1, kChunkWeights / cols);
        std::vector<float> scratch(static_cast<size_t>(std::min(rows, step) * cols));
        const torch::Tensor matrix = out.view({rows, cols});
        for (int64_t first = 0; first < rows; first += step) {
            const int64_t count = std::min(step, rows - first);
            decodeRows(first, count, scratch.data());
            // torch's conversion (round to nearest even), as float32 .to(dtype) would do.
            matrix.narrow(0, first, count).copy_(torch::from_blob(scratch.data(), {count, cols}));
        }
    }
    file.done(info);
    return device.is_cpu() ? out : out.to(device);
}

}  // namespace sieve

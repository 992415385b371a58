#include "core/model/gguf_tensor.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

#include "core/common/error.h"
#include "core/gguf/dequantize.h"

namespace sieve {
namespace {

// Weights decoded per step when converting to another dtype: 256 KB of
// float32, small enough to stay in L2 between the decode and the conversion.
constexpr int64_t kChunkWeights = 64 * 1024;

// Maps the tensor's fresh memory in one call (Linux 5.14+; a no-op before).
// Decoding into it otherwise takes one page fault per 4 KB, which measured
// more than the decoding itself: SmolLM2 into float32 0.38 CPU s with faults,
// 0.32 s prefaulted (decoding alone 0.06 s); a 6.7 GB bfloat16 load 5.4 vs
// 4.5 s. (Transparent huge pages were tried too: faster when the kernel has
// free 2 MB pages at hand, much slower in a VM when it has to build them from
// memory the guest never touched: 9.5 s for the 6.7 GB load.)
void prefaultForWriting(const torch::Tensor& t) {
#ifdef MADV_POPULATE_WRITE
    constexpr uintptr_t kPage = 4096;
    const auto start = reinterpret_cast<uintptr_t>(t.data_ptr());
    const uintptr_t begin = (start + kPage - 1) / kPage * kPage;
    const uintptr_t end = (start + uintptr_t(t.nbytes())) / kPage * kPage;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)t;
#endif
}

}  // namespace

torch::Tensor readGgufTensor(const GgufFile& file, const GgufTensorInfo& info, torch::ScalarType dtype,
                             torch::Device device, const std::vector<int64_t>& sourceRows) {
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
    torch::Tensor out = torch::empty(info.shape, torch::TensorOptions().dtype(dtype));
    prefaultForWriting(out);
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

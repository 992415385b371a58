#pragma once
// One GGUF tensor -> one torch tensor in the compute dtype, on the device.
#include <vector>

#include "core/common/torch_compat.h"
#include "core/gguf/gguf_file.h"

namespace sieve {

// Dequantizes `info` (any type canDequantize accepts; FormatError naming the
// tensor otherwise) into a tensor of `info.shape`, `dtype`, on `device`.
// float32 on the CPU is decoded in place; other dtypes go through a small
// float32 scratch buffer a few rows at a time, and other devices get one copy
// of the finished tensor, so the peak is the result plus a few hundred KB
// (plus, for a GPU, the result once more on the CPU while it is copied).
// `sourceRows` reorders rows: row r of the result is row sourceRows[r] of the
// file (empty: the file's order). The result's memory is mapped before it
// is written (one call instead of a page fault per 4 KB) and the tensor's
// file pages are dropped from the resident set afterwards.
torch::Tensor readGgufTensor(const GgufFile& file, const GgufTensorInfo& info, torch::ScalarType dtype,
                             torch::Device device, const std::vector<int64_t>& sourceRows = {});

}  // namespace sieve

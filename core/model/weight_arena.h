#pragma once
// Memory for the weights one load creates on the CPU: tensors packed back to
// back into 64 MB chunks that start on 2 MB boundaries, which the kernel
// backs with transparent huge pages (Debian's default "madvise" mode). A
// loader writes every weight once into fresh memory; in 4 KB pages that is
// one page fault per 1024 floats, most of a quantized model's load time,
// against one per 512 K floats here. A chunk is unmapped when the last tensor
// in it dies; weights live as long as their model, so little is held back
// (at most the unused part of the last 2 MB page of each chunk is resident).
// Not thread-safe: one loader thread allocates.
#include <memory>
#include <vector>

#include "core/common/torch_compat.h"

namespace sieve {

class WeightArena {
public:
    // An uninitialised contiguous CPU tensor (torch's allocator when the
    // mapping fails).
    torch::Tensor empty(const std::vector<int64_t>& shape, torch::ScalarType dtype);

private:
    struct Chunk;
    std::shared_ptr<Chunk> current_;
    uint64_t used_ = 0;
};

}  // namespace sieve

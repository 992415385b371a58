#include "core/model/weight_arena.h"

#include <sys/mman.h>

#include <cstdint>

namespace sieve {
namespace {

constexpr uint64_t kHugePage = 2u << 20;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kChunkBytes = 64u << 20;
constexpr uint64_t kAlignment = 64;  // what torch's CPU allocator guarantees

}  // namespace

// A private anonymous mapping of `bytes` (4 KB multiple) starting on a 2 MB
// boundary: map 2 MB more, cut off the ragged head and tail.
struct WeightArena::Chunk {
    uint8_t* data = nullptr;
    uint64_t bytes = 0;

    explicit Chunk(uint64_t wanted) : bytes((wanted + kPage - 1) / kPage * kPage) {
        void* raw =
            ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return;
        const auto start = reinterpret_cast<uintptr_t>(raw);
        const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
        const uintptr_t end = start + bytes + kHugePage;
        if (aligned > start) ::munmap(raw, aligned - start);
        if (end > aligned + bytes) ::munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
        data = reinterpret_cast<uint8_t*>(aligned);
        ::madvise(data, bytes, MADV_HUGEPAGE);  // advice: without THP these are plain 4 KB pages
    }
    ~Chunk() {
        if (data) ::munmap(data, bytes);
    }
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
};

torch::Tensor WeightArena::empty(const std::vector<int64_t>& shape, torch::ScalarType dtype) {
    int64_t elements = 1;
    for (int64_t d : shape) elements *= d;
    const uint64_t bytes =
        (uint64_t(elements) * c10::elementSize(dtype) + kAlignment - 1) / kAlignment * kAlignment;
    std::shared_ptr<Chunk> chunk;
    uint64_t offset = 0;
    if (bytes > kChunkBytes / 2) {
        chunk = std::make_shared<Chunk>(bytes);  // a large tensor gets a mapping of its own
    } else {
        if (!current_ || used_ + bytes > current_->bytes) {
            current_ = std::make_shared<Chunk>(kChunkBytes);
            used_ = 0;
        }
        chunk = current_;
        offset = used_;
        used_ += bytes;
    }
    if (!chunk->data) {
        if (chunk == current_) current_.reset();
        return torch::empty(shape, torch::TensorOptions().dtype(dtype));
    }
    return torch::from_blob(
        chunk->data + offset, shape, [chunk](void*) {}, torch::TensorOptions().dtype(dtype));
}

}  // namespace sieve

#pragma once
// A read-only memory mapping of a whole file, unmapped when it goes out of
// scope. The checkpoint readers validate headers against size() before they
// touch any byte of data(), and copy tensors out before the mapping dies.
// (It lives with the GGUF reader, which is torch-free, so that the tokenizer
// can use it too; the safetensors and llama2.c readers share it.)
#include <cstddef>
#include <cstdint>
#include <string>

namespace sieve {

class MappedFile {
public:
    // Throws FormatError naming the file when it cannot be opened or mapped.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;

    const std::string& path() const { return path_; }
    const uint8_t* data() const { return data_; }
    uint64_t size() const { return size_; }

    // Hints for a reader that streams through the file once. willNeed reads
    // [offset, offset + bytes) in and maps it now (or starts reading it ahead,
    // on kernels before 5.14); done drops those pages from this
    // process's resident set (the page cache keeps them; a later read faults
    // them back in), so that a loader that has converted a tensor does not
    // also hold its file bytes. Advice only: out-of-range parts are ignored.
    void willNeed(uint64_t offset, uint64_t bytes) const;
    void done(uint64_t offset, uint64_t bytes) const;

private:
    void release() noexcept;

    std::string path_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
};

}  // namespace sieve

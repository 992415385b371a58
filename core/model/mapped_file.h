#pragma once
// A read-only memory mapping of a whole file, unmapped when it goes out of
// scope. The checkpoint readers validate headers against size() before they
// touch any byte of data(), and copy tensors out before the mapping dies.
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

private:
    void release() noexcept;

    std::string path_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
};

}  // namespace sieve

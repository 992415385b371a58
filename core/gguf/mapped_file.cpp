#include "core/gguf/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/common/error.h"

namespace sieve {
namespace {

// Closes the descriptor on every path out of the constructor; the mapping
// stays valid after close.
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) throw FormatError(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0)
        throw FormatError(path, std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw FormatError(path, "not a regular file");
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ == 0) return;  // an empty file maps to nothing; readers reject it by size
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (p == MAP_FAILED) throw FormatError(path, std::string("cannot map: ") + std::strerror(errno));
    data_ = static_cast<const uint8_t*>(p);
}

MappedFile::~MappedFile() {
    release();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        path_ = std::move(other.path_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

namespace {

// The pages that hold [offset, offset + bytes) of a mapping of `size` bytes
// (madvise wants page-aligned ranges). Dropping a page that a neighbouring
// tensor shares is harmless: the mapping is read-only, the next read faults
// it back in from the page cache.
bool pagesOf(uint64_t size, uint64_t offset, uint64_t bytes, uint64_t* begin, uint64_t* end) {
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    if (offset >= size || bytes == 0) return false;
    const uint64_t last = offset + std::min(bytes, size - offset);
    *begin = offset / page * page;
    *end = std::min((last + page - 1) / page * page, size);
    return *begin < *end;
}

}  // namespace

void MappedFile::willNeed(uint64_t offset, uint64_t bytes) const {
    uint64_t begin = 0, end = 0;
    if (!data_ || !pagesOf(size_, offset, bytes, &begin, &end)) return;
    void* start = const_cast<uint8_t*>(data_) + begin;
#ifdef MADV_POPULATE_READ
    // Linux 5.14+: read the pages in and map them all in one call, instead of
    // one page fault per 4 KB while decoding (a third of a load's time).
    if (::madvise(start, end - begin, MADV_POPULATE_READ) == 0) return;
#endif
    ::madvise(start, end - begin, MADV_WILLNEED);
}

void MappedFile::done(uint64_t offset, uint64_t bytes) const {
    uint64_t begin = 0, end = 0;
    if (data_ && pagesOf(size_, offset, bytes, &begin, &end))
        ::madvise(const_cast<uint8_t*>(data_) + begin, end - begin, MADV_DONTNEED);
}

void MappedFile::release() noexcept {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
}

}  // namespace sieve

#include "core/session/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/common/error.h"

namespace sieve {
namespace {

std::string folderOf(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

void fsyncOrThrow(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) throw InputError("cannot open '" + path + "' to flush it: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) throw InputError("cannot flush '" + path + "' to disk: " + std::strerror(error));
}

bool isStorageFull(int error) {
    return error == ENOSPC || error == EDQUOT || error == EFBIG;
}

// "no space left on the file system of '/data' ('/data/s.h5' needs 1234 bytes, 100 are free)".
[[noreturn]] void throwStorageError(int error, const std::string& target, uint64_t needed) {
    const std::string folder = folderOf(target);
    std::string free;
    struct statvfs fs {};
    if (::statvfs(folder.c_str(), &fs) == 0)
        free = ", " + std::to_string(uint64_t(fs.f_bavail) * uint64_t(fs.f_frsize)) + " are free";
    const std::string need = "'" + target + "' needs " + std::to_string(needed) + " bytes";
    if (error == EFBIG)
        throw StorageError("the file size limit (ulimit -f) stops '" + target + "': it needs " +
                           std::to_string(needed) + " bytes");
    if (error == EDQUOT)
        throw StorageError("disk quota exceeded on the file system of '" + folder + "' (" + need + free +
                           ")");
    throw StorageError("no space left on the file system of '" + folder + "' (" + need + free + ")");
}

// Writes all of `bytes` into the (empty) file at `path`.
void writeWhole(const std::string& path, const std::string& bytes, const std::string& target) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("cannot open '" + path + "' for writing: " + std::strerror(errno));
    int error = 0;
    // Reserve first: a full disk fails here, before any byte is written.
    if (!bytes.empty()) {
        const int rc = ::posix_fallocate(fd, 0, off_t(bytes.size()));
        if (isStorageFull(rc)) error = rc;  // EOPNOTSUPP etc.: the writes below find out
    }
    for (size_t done = 0; error == 0 && done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            error = errno;
        else
            done += size_t(n);
    }
    if (error == 0 && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0) return;
    if (isStorageFull(error)) throwStorageError(error, target, bytes.size());
    throw InputError("cannot write '" + path + "': " + std::strerror(error));
}

}  // namespace

void writeFileAtomically(const std::string& target, const std::string& bytes) {
    TempFileNextTo temp(target);
    writeWhole(temp.path(), bytes, target);
    temp.commit();
}

void fsyncPath(const std::string& path) {
    fsyncOrThrow(path, O_RDONLY);
}

TempFileNextTo::TempFileNextTo(const std::string& target) : target_(target) {
    std::string pattern = target + ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0 && isStorageFull(errno)) throwStorageError(errno, target, 0);
    if (fd < 0)
        throw InputError("cannot create a temporary file next to '" + target + "': " + std::strerror(errno));
    // mkstemp makes the file private (0600); keep the target's mode, or the
    // usual 0644 for a new file, so the session reads like any other file.
    struct stat existing {};
    const mode_t mode = ::stat(target.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0644;
    ::fchmod(fd, mode);
    ::close(fd);
    path_ = name.data();
}

TempFileNextTo::~TempFileNextTo() {
    if (!committed_) std::remove(path_.c_str());
}

void TempFileNextTo::commit() {
    fsyncPath(path_);
    if (std::rename(path_.c_str(), target_.c_str()) != 0)
        throw InputError("cannot rename '" + path_ + "' to '" + target_ + "': " + std::strerror(errno));
    committed_ = true;
    // The rename itself is durable only once the folder is flushed.
    fsyncOrThrow(folderOf(target_), O_RDONLY | O_DIRECTORY);
}

}  // namespace sieve

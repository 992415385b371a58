#include "core/session/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
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

}  // namespace

void fsyncPath(const std::string& path) {
    fsyncOrThrow(path, O_RDONLY);
}

TempFileNextTo::TempFileNextTo(const std::string& target) : target_(target) {
    std::string pattern = target + ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
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

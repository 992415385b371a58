#pragma once
// Replacing a file so that a crash at any moment leaves either the old or the
// new file, never a mix: write a temporary file next to the target, fsync it,
// rename it over the target, fsync the folder.
#include <string>

namespace sieve {

// Creates an empty, uniquely named file "<target>.tmp-XXXXXX" in the target's
// folder and removes it on destruction unless commit() renamed it.
class TempFileNextTo {
public:
    explicit TempFileNextTo(const std::string& target);
    ~TempFileNextTo();
    TempFileNextTo(const TempFileNextTo&) = delete;
    TempFileNextTo& operator=(const TempFileNextTo&) = delete;

    const std::string& path() const { return path_; }
    // fsync the temporary file, rename it to the target, fsync the folder.
    void commit();

private:
    std::string target_;
    std::string path_;
    bool committed_ = false;
};

// Flushes a file's data to the disk (open, fsync, close). Throws InputError.
void fsyncPath(const std::string& path);

// Replaces `target` with `bytes` atomically (TempFileNextTo + commit). The
// space is reserved before the first byte is written, so a full disk is
// found at once. A full disk, a quota or a file size limit throws
// StorageError naming the folder and the bytes needed (the temporary file is
// removed, `target` is left as it was); other failures throw InputError.
void writeFileAtomically(const std::string& target, const std::string& bytes);

}  // namespace sieve

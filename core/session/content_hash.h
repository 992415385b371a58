#pragma once
// Content identity of a model's weight files and of a task file: SHA-256 of
// each file, and one combined hash over them, so that a session can tell
// whether it was computed on the model and task the user has open now.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

struct FileDigest {
    std::string path;    // as given
    int64_t size = 0;    // bytes
    std::string sha256;  // 64 lowercase hex digits, equal to `sha256sum <path>`
};

struct ContentHash {
    std::vector<FileDigest> files;  // in the order given
    // "sha256:" + SHA-256 of the manifest: one line "<sha256>  <file name>\n"
    // per file (the name without its folder), sorted by file name; i.e. the
    // output of `sha256sum *` in the model folder, sorted. Moving the folder
    // keeps the hash; renaming, adding or changing a file changes it.
    std::string combined;
};

// Streams the file in 4 MiB blocks. Throws InputError naming the file when it
// cannot be opened or read.
FileDigest hashFile(const std::string& path);

// Hashes the files in parallel (one thread per file, at most the hardware
// concurrency). Throws InputError on an empty list or an unreadable file.
ContentHash hashFiles(const std::vector<std::string>& paths);

}  // namespace sieve

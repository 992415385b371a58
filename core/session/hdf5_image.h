#pragma once
// HDF5 files built in memory (the core driver, without a backing store).
// Sessions are written this way and only then put on disk by our own code
// (atomic_file.h): HDF5 never meets a failing write. In HDF5 1.10 a write
// error leaves the library in a state where closing the file crashes (a full
// disk did: SIGSEGV in H5F__close), and an error that only shows up at close
// cannot be recovered from at all. Private to core/session; the caller holds
// h5::lockLibrary().
#include <H5Cpp.h>

#include <string>

namespace sieve::h5 {

class FileImage {
public:
    // A new, empty file whose first `userBlockBytes` are a user block.
    static FileImage create(unsigned userBlockBytes);
    // A file from its bytes (a whole session read from disk), read-write.
    static FileImage open(const std::string& bytes);

    H5::H5File& file() { return file_; }
    // Flushes the file and returns its bytes as they go on disk: the user
    // block (zeros; its owner fills it in) then the HDF5 image. The file is
    // closed afterwards.
    std::string finish();

private:
    explicit FileImage(H5::H5File file) : file_(std::move(file)) {}
    H5::H5File file_;
};

}  // namespace sieve::h5

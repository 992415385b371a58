#include "core/session/hdf5_image.h"

#include <atomic>
#include <vector>

namespace sieve::h5 {
namespace {

// The core driver names files only to tell open files apart.
std::string uniqueName() {
    static std::atomic<unsigned long> counter{0};
    return "sieve-session-image-" + std::to_string(++counter);
}

H5::FileAccPropList inMemory() {
    H5::FileAccPropList access;
    access.setCore(size_t(1) << 20, /*backing_store=*/false);
    return access;
}

}  // namespace

FileImage FileImage::create(unsigned userBlockBytes) {
    H5::FileCreatPropList creation;
    creation.setUserblock(userBlockBytes);
    return FileImage(H5::H5File(uniqueName(), H5F_ACC_TRUNC, creation, inMemory()));
}

FileImage FileImage::open(const std::string& bytes) {
    H5::FileAccPropList access = inMemory();
    // Copies the bytes: the image is independent of `bytes` from here on.
    if (H5Pset_file_image(access.getId(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
        throw H5::FileIException("FileImage::open", "cannot hand the file's bytes to HDF5");
    return FileImage(H5::H5File(uniqueName(), H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, access));
}

std::string FileImage::finish() {
    file_.flush(H5F_SCOPE_GLOBAL);
    // The image is the HDF5 part of the file; the user block (zeros here,
    // filled in by its owner) goes in front of it.
    const auto userBlock = size_t(file_.getCreatePlist().getUserblock());
    const ssize_t size = H5Fget_file_image(file_.getId(), nullptr, 0);
    if (size < 0) throw H5::FileIException("FileImage::finish", "cannot size the file image");
    std::string bytes(userBlock + size_t(size), '\0');
    if (H5Fget_file_image(file_.getId(), bytes.data() + userBlock, size_t(size)) != size)
        throw H5::FileIException("FileImage::finish", "cannot copy the file image");
    file_.close();
    return bytes;
}

}  // namespace sieve::h5

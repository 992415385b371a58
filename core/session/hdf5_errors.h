#pragma once
// Turns an HDF5 exception into one readable sentence: the innermost message of
// HDF5's error stack ("truncated file: eof = ...", "file signature not
// found") rather than the C++ wrapper's "H5Fopen failed". Private to core/session.
#include <H5Cpp.h>

#include <string>

namespace sieve::h5 {

std::string describe(const H5::Exception& e);

}  // namespace sieve::h5

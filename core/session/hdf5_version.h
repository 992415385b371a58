#pragma once
#include <string>

namespace sieve {
// The HDF5 library this build runs with ("1.10.8"), for the About box and
// bug reports: sessions written by different HDF5 versions are a classic
// source of "opens here, not there".
std::string hdf5LibraryVersion();
}  // namespace sieve

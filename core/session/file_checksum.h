#pragma once
// A checksum of the whole session, kept in the HDF5 user block (the first 512
// bytes, which HDF5 reserves for the application and skips when it looks for
// its superblock). HDF5 1.10 can crash on damaged files (e.g. a corrupt
// global heap makes H5HG_read copy from a wild pointer), so a session is
// verified before HDF5 parses any of it: damage becomes a clear FormatError.
//
// The user block is text, readable with `head -c 512 session.h5`:
//   SIEVE-SESSION-USERBLOCK 1
//   sha256 <64 hex digits of bytes 512 .. end of file>
// or "sha256 none" while an in-place append is running.
#include <string>

namespace sieve {

inline constexpr unsigned kSessionUserBlockBytes = 512;

enum class ChecksumState {
    Absent,    // no Sieve user block (written by something else): cannot verify
    Unsealed,  // "none": left by an in-place append of an older version (read unverified)
    Valid,
    Mismatch,
};

// Computes the checksum of everything after the user block and writes it
// into the user block. Throws InputError.
void sealSessionChecksum(const std::string& path);
ChecksumState verifySessionChecksum(const std::string& path);

// The same on a whole file held in memory (a session built or changed there
// before it is written, see hdf5_image.h).
void sealSessionImage(std::string& bytes);
ChecksumState verifySessionImage(const std::string& bytes);

}  // namespace sieve

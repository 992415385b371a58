#pragma once
// Sessions that no checksum vouches for (a user block that says "sha256
// none", none at all, or a load with verifyChecksum off) are read in a child
// process first: HDF5 1.10 can crash on a damaged file, and then the child
// dies instead of the workbench. Private to core/session.
#include <string>

#include "core/session/file_checksum.h"

namespace sieve {

// Returns when a child read the whole session (without its Gram values);
// otherwise throws FormatError naming `path`: the reader's own error (unless
// `readerErrorsAllowed`: then only a crash or a hang is refused), or that
// HDF5 crashed or hung on it. Call with h5::lockLibrary() held.
void requireReadableInChild(const std::string& path, ChecksumState state, bool readerErrorsAllowed = false);

}  // namespace sieve

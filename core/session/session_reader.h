#pragma once
// Reads the session layout back into SessionData. Private to core/session.
// Throws h5::LayoutError (missing or misshapen objects) and H5::Exception;
// SessionFile::load turns both into a FormatError naming the file.
#include <H5Cpp.h>

#include "core/session/session_data.h"
#include "core/session/session_file.h"

namespace sieve::session {

// Checks `format` and `format_version` of the root group; throws FormatError
// naming `path` on a foreign file or a newer version.
void checkHeader(const H5::Group& root, const std::string& path);

SessionData readAll(const H5::H5File& file, const SessionLoadOptions& options);

}  // namespace sieve::session

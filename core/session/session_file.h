#pragma once
// Reading and writing session files (HDF5, layout in docs/session-format.md).
// Every function here throws InputError / FormatError with a message naming
// the file; HDF5's own error stacks are silenced and folded into them.
#include <string>

#include "core/session/session_data.h"

namespace sieve {

struct SessionSaveOptions {
    // The Gram matrices can be gigabytes: stored only when asked, chunked and
    // gzip-compressed (with the shuffle filter) at `gzipLevel`.
    bool gramMatrices = false;
    int gzipLevel = 4;
};

struct SessionLoadOptions {
    // Off: the Gram matrices are listed (name, layer, shape, tokens) with
    // empty values, so that opening a session stays fast.
    bool gramMatrices = false;
    // The checksum in the user block (see file_checksum.h) is verified before
    // HDF5 reads anything: a damaged file is refused instead of crashing
    // HDF5. Off: opens a file edited outside the app (e.g. with h5py "r+"),
    // at the risk that a really damaged file crashes the HDF5 library.
    bool verifyChecksum = true;
};

class SessionFile {
public:
    static constexpr const char* kFormat = "sieve-session";
    static constexpr int kFormatVersion = 1;

    // Atomic: writes "<path>.tmp-XXXXXX" next to `path`, flushes it to disk,
    // then renames it over `path`; a crash leaves the old file or the new one.
    // Sets provenance.modified (and created, app and libtorch versions when
    // empty) to the current values in the written file.
    static void save(const std::string& path, const SessionData& data,
                     const SessionSaveOptions& options = {});

    // Throws FormatError when the file is not a session, is of a newer
    // format_version than kFormatVersion, is truncated or corrupt.
    static SessionData load(const std::string& path, const SessionLoadOptions& options = {});

    // Accepts a session edited outside the app: recomputes its checksum so
    // that load() verifies it again. Throws InputError.
    static void reseal(const std::string& path);
};

// Compares the hashes recorded in a session with the model and task open now.
// Returns "" when both match, else a sentence per mismatch (the GUI shows the
// session's results read-only then). An empty current hash is not checked.
std::string verifyIdentity(const SessionData& session, const std::string& currentModelHash,
                           const std::string& currentTaskHash);

}  // namespace sieve

#pragma once
// Autosave of a running genetic search: each finished generation is added to
// an existing session file, durably, so that killing the process loses at
// most the generation in flight.
//
// How the file stays valid: each append reads the file, appends in memory
// (hdf5_image.h), seals the checksum and writes the result next to the
// original (space reserved first), flushes it and renames it over the
// original, so a kill at any instant leaves the old or the new file, both
// complete, and a full disk leaves the old one. A session without Gram
// matrices is small (560 matrices x 32 individuals x 50 generations is
// 2.2 MB), so the rewrite costs milliseconds.
// There is deliberately no in-place mode: HDF5 1.10 does not survive a kill in
// the middle of a metadata write (CI caught one such damaged file), and a
// workbench that loses a night's search to save a copy is the wrong trade.
// See docs/session-format.md.
#include <optional>
#include <string>

#include "core/types/results.h"

namespace sieve {

class SessionAppender {
public:
    // The file must be a session this version reads (FormatError otherwise).
    explicit SessionAppender(std::string path);

    // Starts a GA in the file: settings and an empty history, replacing any
    // GA there was.
    void beginGa(const std::string& method, const GaSettings& settings, const std::string& resumeKey);
    // Appends one finished generation (its index must be the number of
    // generations in the file) and the random state after it; /ga/best
    // becomes the generation's best so far. Durable when it returns.
    void appendGeneration(const Generation& generation, const std::string& rngState);
    // Marks the GA complete and writes the final best, stoppedEarly and the
    // level statistics of the final population.
    void finishGa(const GaResult& result, const std::optional<LevelStatistics>& statistics);

    const std::string& path() const { return path_; }

private:
    template <typename Change>
    void change(const std::string& what, Change&& apply);

    std::string path_;
};

}  // namespace sieve

#pragma once
// Autosave of a running genetic search: each finished generation is added to
// an existing session file, durably, so that killing the process loses at
// most the generation in flight.
//
// How the file stays valid: a session without Gram matrices is small (a GA of
// 50 generations x 32 individuals x 300 matrices is ~1 MB), so each append
// copies the file next to itself, appends to the copy, flushes it to disk and
// renames it over the original: a kill at any instant leaves the old or the
// new file, both complete. A file larger than `copyLimitBytes` (Gram matrices
// stored) is appended in place and flushed (H5Fflush + fsync): a kill between
// appends leaves a valid file, a kill in the middle of one may damage it.
// See docs/session-format.md.
#include <cstdint>
#include <optional>
#include <string>

#include "core/search/results.h"

namespace sieve {

struct SessionAppendOptions {
    int64_t copyLimitBytes = int64_t(256) << 20;
};

class SessionAppender {
public:
    // The file must be a session this version reads (FormatError otherwise).
    explicit SessionAppender(std::string path, SessionAppendOptions options = {});

    // Starts a GA in the file: settings and an empty history, replacing any
    // GA there was.
    void beginGa(const std::string& method, const GaSettings& settings);
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
    SessionAppendOptions options_;
};

}  // namespace sieve

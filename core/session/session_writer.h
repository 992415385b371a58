#pragma once
// Writes the parts of the session layout into an open HDF5 file. Private to
// core/session: SessionFile::save writes everything at once, SessionAppender
// uses the GA parts to extend a file one generation at a time.
#include <H5Cpp.h>

#include <optional>
#include <string>

#include "core/session/session_data.h"
#include "core/session/session_file.h"

namespace sieve::session {

// Checks a SessionData before anything is written, and after a file is read
// (so that every consumer, the CLI's report and the window alike, gets only
// indices and sizes it can use); throws InputError naming the first
// inconsistent field (a matrix's layer outside the model, a chromosome of the
// wrong length, a gene off the grid, a ranking index past the matrices, a
// population of the wrong size, an implausible size, ...). `gramValuesLoaded`
// false: Gram matrices may come without their values (listed only).
void validate(const SessionData& data, bool gramValuesLoaded = true);

// The whole layout; `now` stamps provenance.modified, and `created` stands
// for an empty provenance.created.
void writeAll(H5::H5File& file, const SessionData& data, const SessionSaveOptions& options,
              const std::string& now, const std::string& created);

// ---- the GA parts --------------------------------------------------------------------
// What a GA write needs to know about the rest of the file.
struct GaContext {
    std::vector<MatrixInfo> matrices;
    LevelGrid levelGrid;
};
GaContext readGaContext(const H5::Group& root);  // from /model/matrices and /provenance

// Creates /ga (replacing one that is there) with settings, the resume key
// and an empty history.
void createGa(const H5::Group& root, const std::string& method, const GaSettings& settings,
              const std::string& resumeKey);
// Appends one generation, replaces the RNG state, updates /ga/best to the
// generation's best-so-far individual.
void appendGeneration(const H5::Group& root, const GaContext& context, const Generation& generation,
                      const std::string& rngState);
// Writes /ga/best, stopped_early, complete and the level statistics.
void finishGa(const H5::Group& root, const GaContext& context, const GaResult& result, bool complete,
              const std::optional<LevelStatistics>& statistics);
void validateChromosome(const std::string& where, const std::vector<int>& genes, size_t matrices,
                        size_t gridSize);
void validateGeneration(const GaContext& context, const GaSettings& settings, const Generation& generation);

void setModified(const H5::Group& root, const std::string& now);

}  // namespace sieve::session

#pragma once
// The live session: the results computed on one model and one task, the file
// they are saved to, and the rules for changing them. The engine owns the
// only one; the window and the CLI read snapshots of it and keep no copy.
//
// Every result replaces the earlier one of its kind (per method for uniform
// sweeps and sensitivity scans, per result and scored task for held-out
// scores; a new sweep or search drops the scores of the result it replaces) and is saved at
// once when the session has a file (atomically: temporary file + rename); a
// running genetic search appends each finished generation instead
// (SessionAppender), so a kill loses at most the generation in flight.
//
// Thread-safe: the engine changes it on its worker thread while the window
// takes snapshots on the GUI thread.
//
// While it has a file it holds that file's SessionLock: a second process
// that would write the same session (another `sieve ga --session`, another
// window) is refused with the holder's process and host.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/session/ga_resume_key.h"
#include "core/session/session_data.h"
#include "core/session/session_lock.h"

namespace sieve {

class Session {
public:
    // ---- reading (any thread) ----------------------------------------------------------
    SessionData snapshot() const;
    std::string path() const;  // empty: untitled (results in memory only)
    // Results that are in no file yet (nothing to save when false).
    bool hasUnsavedResults() const;
    // Opened from a file made with another model or task: shown, never extended.
    bool isViewOnly() const;
    std::optional<BaselineResult> baseline() const;
    std::optional<CalibrationRecord> calibration() const;
    std::optional<UniformResult> uniform(const std::string& method) const;
    std::optional<GaSession> ga() const;

    // ---- whole sessions ----------------------------------------------------------------
    // A new untitled session for this model and task (empty identities when
    // none is open): no results, no file.
    void start(const ModelIdentity& model, const TaskIdentity& task, const Provenance& provenance);
    // File > New Session: the same model and task, no results, no file.
    void reset();
    // `data`, read from `path`, becomes the live session: further results
    // are saved into `path`. Throws InputError (and changes nothing) when
    // another process holds the session's lock.
    void adopt(SessionData data, const std::string& path);
    // `data` made with another model or task: shown, never saved into.
    void show(SessionData data);
    // Writes every result to `path`, which becomes the session's file (its
    // lock taken first: InputError when another process holds it).
    void saveAs(const std::string& path);

    // ---- settings ------------------------------------------------------------------
    // Why results in this session do not belong with a run at `eps` on
    // `grid` (they were made with other ones); empty when they do or when
    // there are no such results yet.
    std::string settingsConflict(double eps, const LevelGrid& grid) const;
    void recordSettings(double eps, const LevelGrid& grid, const std::vector<std::string>& methods,
                        uint64_t gaSeed);

    // ---- results (each saved at once when there is a file) ---------------------------------------
    void setBaseline(const BaselineResult& baseline);
    void setCalibration(const CalibrationRecord& calibration);
    void putUniform(const UniformResult& result);
    void putSensitivity(const SensitivityResult& result);
    void putEval(const HeldOutEval& eval);
    // Replaces the run with the same loraRunKey.
    void putLora(const LoraRun& run);

    // ---- the genetic search ---------------------------------------------------------------
    // The stored search a run with `key` asking for `generations` continues:
    // its history when the keys are equal and it is not longer than asked.
    // Otherwise nothing, and `why` (when given) says why it starts again
    // (empty when there is no stored search).
    std::optional<GaSession> resumableGa(const GaResumeKey& key, int generations, std::string* why) const;
    // Stores `start` (settings, resume key, the generations it continues
    // from) as the session's search and writes the whole file once.
    void beginGa(const GaSession& start);
    // Durable when it returns: appended to the file (copy, append, rename).
    void appendGeneration(const Generation& generation, const std::string& rngState);
    void finishGa(const GaResult& result, const std::optional<LevelStatistics>& statistics);

private:
    // Saves the whole session when it has a file; called with the lock held.
    void saved();
    // Forgets the held-out and generalisation scores of a result that is
    // replaced ("ga", "uniform:<method>"); called with the lock held.
    // Its LoRA recoveries too.
    void dropEvalsOf(const std::string& source);
    bool hasSettingDependentResults() const;

    mutable std::mutex mutex_;
    SessionData data_;
    std::string path_;
    std::unique_ptr<SessionLock> lock_;  // of path_, while there is one
    bool unsaved_ = false;
    bool viewOnly_ = false;
};

}  // namespace sieve

#pragma once
// The one interface every long operation implements (calibrate, project,
// sweep, GA, sensitivity, evaluate, train). A job runs synchronously on the
// thread that calls it; it reports (phase, done, total) progress and typed
// events through a JobContext, polls the cancel token between units of work,
// and leaves the model as it found it when cancelled (it throws Cancelled).
// The GUI wraps a job in a worker thread and turns callbacks into queued
// signals; the CLI prints a progress bar. Torch-free and Qt-free.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/types/events.h"

namespace sieve {

struct Progress {
    std::string phase;   // "calibrate", "project", "uniform", "ga", ...
    int64_t done = 0;    // units finished in this phase
    int64_t total = 0;   // 0 when unknown
    std::string detail;  // one human line: "batch 3/10", "generation 4"
    double elapsedSeconds = 0;
    double etaSeconds = -1;  // < 0 when unknown
};

// Shared flag: copies observe the same cancellation.
class CancelToken {
public:
    CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() const { flag_->store(true); }
    void reset() const { flag_->store(false); }
    bool isCancelled() const { return flag_->load(); }
    void throwIfCancelled() const {
        if (isCancelled()) throw Cancelled();
    }

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

// What a job gets from its caller. Callbacks may be empty. They are called on
// the job's thread; receivers must hand data over to their own thread.
class JobContext {
public:
    using ProgressFn = std::function<void(const Progress&)>;
    using EventFn = std::function<void(const JobEvent&)>;

    JobContext() = default;
    JobContext(ProgressFn progress, EventFn events, CancelToken cancel = {})
        : progress_(std::move(progress)), events_(std::move(events)), cancel_(std::move(cancel)) {}

    const CancelToken& cancelToken() const { return cancel_; }
    bool isCancelled() const { return cancel_.isCancelled(); }
    void throwIfCancelled() const { cancel_.throwIfCancelled(); }

    // Starts a phase: resets the clock that ETA estimates use.
    void beginPhase(const std::string& phase, int64_t total, const std::string& detail = {});
    // Reports progress within the current phase and checks for cancellation.
    void advance(int64_t done, const std::string& detail = {});
    void emit(const JobEvent& event) const {
        if (events_) events_(event);
    }
    void log(const std::string& text) const { emit(LogEvent{text}); }

private:
    ProgressFn progress_;
    EventFn events_;
    CancelToken cancel_;
    std::string phase_;
    int64_t total_ = 0;
    std::chrono::steady_clock::time_point phaseStart_ = std::chrono::steady_clock::now();
};

}  // namespace sieve

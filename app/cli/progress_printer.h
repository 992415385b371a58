#pragma once
// Shows a job's progress on the terminal (stderr, so that stdout carries only
// results, e.g. JSON): a one-line bar redrawn in place
// (phase, items, rate, ETA) when stderr is a TTY, plain line-per-step logs
// otherwise (throttled so a GA does not print thousands of lines), nothing but
// errors with --quiet.
#include <chrono>
#include <cstdio>
#include <string>

#include "core/types/job.h"

namespace sieve::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(bool quiet, FILE* out = stderr);
    ~ProgressPrinter();

    void onProgress(const Progress& p);
    void onEvent(const JobEvent& e);
    void message(const std::string& line);  // a line that stays (clears the bar first)
    void finishLine();

private:
    bool quiet_;
    bool tty_;
    FILE* out_;
    bool barShown_ = false;
    std::string lastPhase_;
    int lastPercentLogged_ = -1;
    std::chrono::steady_clock::time_point lastDraw_{};
};

std::string formatDuration(double seconds);

}  // namespace sieve::cli

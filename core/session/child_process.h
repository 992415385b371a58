#pragma once
// Running a piece of code in a forked child, so that a crash inside a
// library we cannot fix (HDF5 1.10 on a damaged file) kills the child, not
// the workbench. Private to core/session.
#include <functional>
#include <string>

namespace sieve {

struct ChildOutcome {
    enum class Kind { Finished, Threw, Crashed, TimedOut };
    Kind kind = Kind::Finished;
    std::string message;  // Threw: the exception's what(); Crashed: the signal's name
};

// Runs `body` in a child process with the default actions for fatal signals
// (so a crash is a death by signal even under a sanitizer or a fuzzer),
// stderr silenced and a time limit. The child shares nothing with the caller
// afterwards: whatever `body` computes is lost; only how it ended comes back.
// The caller must not hold locks that `body` takes (the child starts with the
// forking thread's locks held and no other threads).
ChildOutcome runInChild(const std::function<void()>& body, unsigned timeoutSeconds);

}  // namespace sieve

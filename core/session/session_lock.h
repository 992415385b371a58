#pragma once
// An advisory lock on a session file for whoever writes it: the CLI's
// --session and the window's open session (both through Session), and every
// SessionFile::save and SessionAppender change. A second writer is refused
// ("session ... is in use by process N (sieve) on host H") instead of
// replacing the first one's progress with its own.
//
// The lock is flock(2) on "<session>.lock" beside the file: the session
// itself is replaced by a rename on every save, so it cannot carry a lock.
// The kernel drops a flock when its holder dies, so a lock file left by a
// killed process never blocks anyone: the next writer takes it over. Locks
// are per process: the same process may take the same session's lock again
// (a reference count), e.g. the Session that holds it and its own saves.
// Where no lock file can be created (a read-only folder) nothing is locked:
// nothing can be saved there either.
#include <memory>
#include <string>

namespace sieve {

class SessionLock {
public:
    // Throws InputError when another process holds the lock, naming it.
    explicit SessionLock(const std::string& sessionPath);
    ~SessionLock();
    SessionLock(const SessionLock&) = delete;
    SessionLock& operator=(const SessionLock&) = delete;

    const std::string& sessionPath() const { return path_; }

    // Who holds the lock of `sessionPath` now ("process 12 (sieve) on host h
    // since ..."), or "" when nobody does. For messages and tests.
    static std::string holder(const std::string& sessionPath);

private:
    std::string path_;  // as given
    std::string key_;   // the lock file's absolute path
};

}  // namespace sieve

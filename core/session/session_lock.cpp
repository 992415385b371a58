#include "core/session/session_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "core/common/error.h"
#include "core/session/timestamp.h"

namespace sieve {
namespace {

struct Held {
    int fd = -1;  // -1: no lock file could be made (read-only folder); nothing to release
    int count = 0;
};

// The locks this process holds, by lock file: flock conflicts between two
// descriptors of one process too, so a second take must reuse the first.
std::mutex& registryMutex() {
    static std::mutex m;
    return m;
}
std::map<std::string, Held>& registry() {
    static std::map<std::string, Held> held;
    return held;
}

std::string lockFileOf(const std::string& sessionPath) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(sessionPath, ec);
    if (ec) absolute = sessionPath;
    return absolute.lexically_normal().string() + ".lock";
}

std::string readAll(int fd) {
    std::string text;
    char buffer[512];
    if (::lseek(fd, 0, SEEK_SET) != 0) return text;
    for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) text.append(buffer, size_t(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    return text;
}

std::string programName() {
    std::ifstream comm("/proc/self/comm");
    std::string name;
    std::getline(comm, name);
    return name.empty() ? std::string("unknown program") : name;
}

std::string hostName() {
    char host[256] = {};
    if (::gethostname(host, sizeof(host) - 1) != 0) return "unknown host";
    return host;
}

// What the holder writes into the lock file, and what a refused writer reads.
std::string description() {
    return "process " + std::to_string(::getpid()) + " (" + programName() + ") on host " + hostName() +
           " since " + utcNowIso8601();
}

// Opens and locks the lock file; -1 when it cannot be created at all.
// Retries when the file was replaced between open and flock (a holder
// removes it on release).
int acquire(const std::string& lockFile, const std::string& sessionPath) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == EACCES || errno == EROFS || errno == EPERM) return -1;
            throw InputError("cannot create the lock file '" + lockFile + "' of session '" + sessionPath +
                             "': " + std::strerror(errno));
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            const std::string holder = readAll(fd);
            ::close(fd);
            if (error != EWOULDBLOCK)
                throw InputError("cannot lock session '" + sessionPath + "': " + std::strerror(error));
            throw InputError("session '" + sessionPath + "' is in use by " +
                             (holder.empty() ? std::string("another process") : holder) +
                             ": a second writer would replace its results; wait for it to finish or use "
                             "another session file");
        }
        struct stat opened {
        }, named{};
        if (::fstat(fd, &opened) == 0 && ::stat(lockFile.c_str(), &named) == 0 &&
            opened.st_ino == named.st_ino && opened.st_dev == named.st_dev) {
            const std::string text = description() + "\n";
            if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, text.data(), text.size(), 0) < 0) {
                // The lock holds without the description; a refused writer then says "another process".
            }
            return fd;
        }
        ::close(fd);  // the holder removed it while we waited: take the new one
    }
    throw InputError("cannot lock session '" + sessionPath + "': its lock file keeps changing");
}

}  // namespace

SessionLock::SessionLock(const std::string& sessionPath) : path_(sessionPath), key_(lockFileOf(sessionPath)) {
    std::lock_guard guard(registryMutex());
    Held& held = registry()[key_];
    if (held.count == 0) {
        try {
            held.fd = acquire(key_, sessionPath);
        } catch (...) {
            registry().erase(key_);
            throw;
        }
    }
    ++held.count;
}

SessionLock::~SessionLock() {
    std::lock_guard guard(registryMutex());
    auto it = registry().find(key_);
    if (it == registry().end() || --it->second.count > 0) return;
    if (it->second.fd >= 0) {
        ::unlink(key_.c_str());  // while still locked: a waiter that opened it sees it replaced
        ::close(it->second.fd);
    }
    registry().erase(it);
}

std::string SessionLock::holder(const std::string& sessionPath) {
    const std::string lockFile = lockFileOf(sessionPath);
    {
        std::lock_guard guard(registryMutex());
        if (registry().count(lockFile)) return "process " + std::to_string(::getpid()) + " (this one)";
    }
    const int fd = ::open(lockFile.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    std::string who = held ? readAll(fd) : std::string();
    ::close(fd);
    if (held && who.empty()) who = "another process";
    return who;
}

}  // namespace sieve

#include "core/session/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

// Sanitizer and fuzzer builds report a crash through a death callback that,
// under libFuzzer, writes a crash file: the child must not.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace sieve {
namespace {

[[noreturn]] void childMain(const std::function<void()>& body, int reportFd, unsigned timeoutSeconds) {
    for (const int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM, SIGPIPE}) ::signal(s, SIG_DFL);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
    ::alarm(timeoutSeconds);
    std::string message;
    try {
        body();
        ::_exit(0);
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = "unknown exception";
    }
    for (size_t done = 0; done < message.size();) {
        const ssize_t n = ::write(reportFd, message.data() + done, message.size() - done);
        if (n <= 0) break;
        done += size_t(n);
    }
    ::_exit(3);
}

}  // namespace

ChildOutcome runInChild(const std::function<void()>& body, unsigned timeoutSeconds) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(error));
    }
    if (pid == 0) {
        ::close(fds[0]);
        childMain(body, fds[1], timeoutSeconds);
    }
    ::close(fds[1]);
    ChildOutcome outcome;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        outcome.message.append(buffer, size_t(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        outcome.kind = ChildOutcome::Kind::Finished;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
        outcome.kind = ChildOutcome::Kind::Threw;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        outcome.kind = ChildOutcome::Kind::TimedOut;
    } else {
        outcome.kind = ChildOutcome::Kind::Crashed;
        // A sanitizer reports and exits with a status of its own instead of dying by the signal.
        outcome.message = WIFSIGNALED(status) ? std::string(strsignal(WTERMSIG(status)))
                                              : "exit status " + std::to_string(WEXITSTATUS(status));
    }
    return outcome;
}

}  // namespace sieve

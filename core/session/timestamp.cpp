#include "core/session/timestamp.h"

#include <chrono>
#include <ctime>

namespace sieve {

std::string utcNowIso8601() {
    // Not std::time(): glibc reads it from the kernel's coarse clock, which
    // lags system_clock by up to a tick, so a stamp taken just after a
    // second began could name the second before (test_session caught it).
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace sieve

#pragma once
#include <string>

namespace sieve {

// Now, as ISO 8601 UTC with seconds: "2026-11-29T02:40:07Z".
std::string utcNowIso8601();

}  // namespace sieve

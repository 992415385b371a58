#include "core/session/hdf5_version.h"

#include <H5public.h>

namespace sieve {

std::string hdf5LibraryVersion() {
    unsigned major = 0, minor = 0, release = 0;
    if (H5get_libversion(&major, &minor, &release) < 0) return "unknown";
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace sieve

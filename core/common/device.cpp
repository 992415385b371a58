#include "core/common/device.h"

#include "core/common/error.h"
#include "core/common/torch_compat.h"

namespace sieve {

std::string resolveDevice(const std::string& requested) {
    if (requested.empty() || requested == "auto") return compat::cudaAvailable() ? "cuda" : "cpu";
    if (requested == "cpu") return requested;
    if (requested.rfind("cuda", 0) == 0) {
        if (!compat::cudaAvailable())
            throw InputError("device '" + requested + "' requested but libtorch sees no CUDA device");
        return requested;
    }
    throw InputError("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
}

bool cudaAvailable() {
    return compat::cudaAvailable();
}

}  // namespace sieve

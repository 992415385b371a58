#include "core/common/device.h"

#include "core/common/error.h"
#include "core/common/torch_compat.h"

namespace sieve {

std::string resolveDevice(const std::string& requested) {
    if (requested.empty() || requested == "auto") return compat::cudaAvailable() ? "cuda" : "cpu";
    if (requested == "cpu") return requested;
    if (requested.rfind("cuda", 0) == 0) {
        const std::string index = requested.size() > 5 ? requested.substr(5) : std::string();
        const bool wellFormed =
            requested == "cuda" ||
            (requested.compare(0, 5, "cuda:") == 0 && !index.empty() && index.size() <= 3 &&
             index.find_first_not_of("0123456789") == std::string::npos);
        if (!wellFormed)
            throw InputError("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
        if (!compat::cudaAvailable())
            throw InputError("device '" + requested + "' requested but libtorch sees no CUDA device");
        const int count = int(torch::cuda::device_count());
        if (!index.empty() && std::stoi(index) >= count)
            throw InputError("device '" + requested + "': libtorch sees " + std::to_string(count) +
                             " CUDA device(s), numbered from 0");
        return requested;
    }
    throw InputError("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
}

bool cudaAvailable() {
    return compat::cudaAvailable();
}

}  // namespace sieve

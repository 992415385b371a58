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

DType parseDType(const std::string& name) {
    if (name == "float32" || name == "fp32") return DType::Float32;
    if (name == "bfloat16" || name == "bf16") return DType::BFloat16;
    if (name == "float16" || name == "fp16") return DType::Float16;
    throw InputError("unknown dtype '" + name + "' (expected float32, bfloat16 or float16)");
}

std::string dtypeName(DType d) {
    switch (d) {
        case DType::Float32:
            return "float32";
        case DType::BFloat16:
            return "bfloat16";
        case DType::Float16:
            return "float16";
    }
    return "?";
}

std::string torchVersion() {
    return compat::torchVersion();
}
bool cudaAvailable() {
    return compat::cudaAvailable();
}

}  // namespace sieve

#include "core/types/device_choice.h"

#include "core/common/error.h"
#include "sieve/version.h"

namespace sieve {

DType parseDType(const std::string& name) {
    if (name == "float32" || name == "fp32" || name == "f32") return DType::Float32;
    if (name == "bfloat16" || name == "bf16") return DType::BFloat16;
    if (name == "float16" || name == "fp16" || name == "f16") return DType::Float16;
    if (name == "auto") return DType::Auto;
    throw InputError("unknown dtype '" + name + "' (expected auto, float32, bfloat16 or float16)");
}

std::string dtypeName(DType d) {
    switch (d) {
        case DType::Float32:
            return "float32";
        case DType::BFloat16:
            return "bfloat16";
        case DType::Float16:
            return "float16";
        case DType::Auto:
            return "auto";
    }
    return "?";
}

std::string torchVersion() {
    return SIEVE_TORCH_VERSION;
}

}  // namespace sieve

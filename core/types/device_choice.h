#pragma once
// Where a model runs and in which dtype: chosen once, when the model is
// opened (the CLI's --device, the window's open-model dialog), and carried
// by the Model. Torch-free, so that the GUI can name a device; resolving
// "auto" needs libtorch and lives in core/common/device.h.
#include <string>

namespace sieve {

enum class DType { Float32, BFloat16, Float16 };

struct DeviceChoice {
    std::string device = "auto";  // "auto", "cpu", "cuda", "cuda:1"
    DType dtype = DType::Float32;
};

DType parseDType(const std::string& name);  // "float32" | "bfloat16" | "float16" (and fp32, bf16, fp16)
std::string dtypeName(DType d);
// The libtorch this build is linked with (from its CMake package), e.g. "1.13.1".
std::string torchVersion();

}  // namespace sieve

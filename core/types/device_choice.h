#pragma once
// Where a model runs and in which dtype: chosen once, when the model is
// opened (the CLI's --device, the window's open-model dialog), and carried
// by the Model. Torch-free, so that the GUI can name a device; resolving
// "auto" needs libtorch and lives in core/common/device.h.
#include <string>
#include <vector>

namespace sieve {

// Auto: bfloat16 on CUDA; on the CPU bfloat16 where the processor multiplies
// it natively (AVX-512 BF16 or AMX), float32 elsewhere (resolveDType in
// core/common/device.h decides, at run time, on the machine that runs).
enum class DType { Float32, BFloat16, Float16, Auto };

struct DeviceChoice {
    DeviceChoice() = default;
    DeviceChoice(std::string device, DType dtype = DType::Float32, std::vector<std::string> devices = {})
        : device(std::move(device)), dtype(dtype), devices(std::move(devices)) {}

    std::string device = "auto";  // "auto", "cpu", "cuda", "cuda:1"
    // Float32 for library callers and tests (bit-for-bit comparable
    // everywhere); the CLI's --dtype and the window default to Auto.
    DType dtype = DType::Float32;
    // Several devices: contiguous blocks per device ("cuda:0,cuda:1"); empty
    // = every block on `device`. The CLI's --devices.
    std::vector<std::string> devices;
};

// "float32" | "bfloat16" | "float16" | "auto" (and fp32, f32, bf16, fp16, f16)
DType parseDType(const std::string& name);
std::string dtypeName(DType d);
// The libtorch this build is linked with (from its CMake package), e.g. "1.13.1".
std::string torchVersion();

}  // namespace sieve

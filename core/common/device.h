#pragma once
// Device and dtype are chosen once, here, and carried by the Model.
// This header is torch-free so that the GUI and the CLI can name a device.
#include <string>

namespace sieve {

enum class DType { Float32, BFloat16, Float16 };

struct DeviceChoice {
    std::string device = "auto";  // "auto", "cpu", "cuda", "cuda:1"
    DType dtype = DType::Float32;
};

// "auto" resolves to "cuda" when libtorch sees a GPU, else "cpu".
std::string resolveDevice(const std::string& requested);
DType parseDType(const std::string& name);  // "float32" | "bfloat16" | "float16"
std::string dtypeName(DType d);
std::string torchVersion();
bool cudaAvailable();

}  // namespace sieve

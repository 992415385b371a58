#include "core/common/device.h"

#include "core/common/cpu_features.h"
#include "core/common/error.h"
#include "core/common/torch_compat.h"

namespace sieve {

std::string resolveDevice(const std::string& requested) {
    if (requested.empty() || requested == "auto") return compat::cudaAvailable() ? "cuda:0" : "cpu";
    if (requested == "cpu") return requested;
    if (requested.rfind("cuda", 0) == 0) {
        if (!compat::cudaAvailable())
            throw InputError("device '" + requested + "' requested but libtorch sees no CUDA device");
        torch::Device device(torch::kCPU);
        try {
            device = torch::Device(requested);
        } catch (const std::exception&) {
            throw InputError("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
        }
        const int index = device.has_index() ? device.index() : 0;
        if (index >= cudaDeviceCount())
            throw InputError("device '" + requested + "' requested but libtorch sees " +
                             std::to_string(cudaDeviceCount()) + " CUDA device(s)");
        return "cuda:" + std::to_string(index);
    }
    throw InputError("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
}

bool cudaAvailable() {
    return compat::cudaAvailable();
}

int cudaDeviceCount() {
    return compat::cudaAvailable() ? int(torch::cuda::device_count()) : 0;
}

DType resolveDType(const DeviceChoice& choice) {
    const std::string device = resolveDevice(choice.devices.empty() ? choice.device : choice.devices.front());
    const bool onCpu = device == "cpu";
    if (choice.dtype == DType::Float16 && onCpu && compat::kTorchMajor < 2)
        throw InputError("float16 on the CPU needs libtorch 2.x (this build uses " + torchVersion() +
                         ", which has no CPU float16 matrix product): use --dtype bf16 or f32");
    if (choice.dtype != DType::Auto) return choice.dtype;
    if (!onCpu) return DType::BFloat16;
    return cpuFeatures().fastBf16Gemm() ? DType::BFloat16 : DType::Float32;
}

std::string automaticDTypeReason(const std::string& requestedDevice) {
    const std::string device = resolveDevice(requestedDevice);
    if (device != "cpu") return "bfloat16: the GPU multiplies bfloat16 at full rate";
    const CpuFeatures& f = cpuFeatures();
    if (f.fastBf16Gemm())
        return "bfloat16: this CPU (" + f.describe() + ") multiplies bfloat16 natively";
    return "float32: this CPU (" + f.describe() +
           ") has no native bfloat16 matrix instructions (AVX-512 BF16 or AMX); bfloat16 would be ~20x "
           "slower";
}

std::vector<std::string> resolveDevices(const std::vector<std::string>& requested) {
    std::vector<std::string> out;
    for (const std::string& name : requested) {
        if (name.empty()) throw InputError("device list: an empty entry (expected e.g. cuda:0,cuda:1)");
        out.push_back(resolveDevice(name));
    }
    return out;
}

}  // namespace sieve

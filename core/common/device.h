#pragma once
// Resolving a device needs libtorch; the choice itself is torch-free
// (core/types/device_choice.h) so that the GUI can name one.
#include <string>
#include <vector>

#include "core/types/device_choice.h"

namespace sieve {

// "auto" resolves to "cuda" when libtorch sees a GPU, else "cpu". Throws
// InputError for an unknown name or a CUDA device libtorch cannot see.
// A bare "cuda" names the first GPU ("cuda:0"), so that every tensor of a
// model reports the same device.
std::string resolveDevice(const std::string& requested);
bool cudaAvailable();
int cudaDeviceCount();

// The compute dtype for `choice` on its resolved device. Auto: bfloat16 on
// CUDA; on the CPU bfloat16 where the processor multiplies it natively
// (AVX-512 BF16, AMX: core/common/cpu_features.h), else float32. Throws
// InputError for float16 on the CPU with libtorch 1.x (no CPU half GEMM).
DType resolveDType(const DeviceChoice& choice);
// Why Auto chose what it chose here, e.g. "float32: this CPU (AVX2) has no
// native bfloat16 matrix instructions".
std::string automaticDTypeReason(const std::string& device);

// The devices a placement list names, resolved ("cuda:0", "cuda:1", ...);
// InputError for an empty entry, an unknown name or a GPU libtorch cannot see.
std::vector<std::string> resolveDevices(const std::vector<std::string>& requested);

}  // namespace sieve

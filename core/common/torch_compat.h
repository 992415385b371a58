#pragma once
// The one place that knows which libtorch we build against. Debian ships 1.13
// (CPU); CUDA builds use 2.x. Everything else includes this instead of
// testing TORCH_VERSION_* itself.
#include <torch/torch.h>
#include <torch/version.h>

#include <string>

namespace sieve::compat {

inline constexpr int kTorchMajor = TORCH_VERSION_MAJOR;
inline constexpr int kTorchMinor = TORCH_VERSION_MINOR;

inline std::string torchVersion() {
    return TORCH_VERSION;
}

// torch::cuda::is_available() exists in both; guarded so that a CPU-only build
// of 2.x (no CUDA runtime) answers false instead of throwing.
inline bool cudaAvailable() {
    try {
        return torch::cuda::is_available();
    } catch (...) {
        return false;
    }
}

// InferenceMode exists since 1.9; NoGradGuard is the portable fallback name.
using InferenceGuard = c10::InferenceMode;

}  // namespace sieve::compat

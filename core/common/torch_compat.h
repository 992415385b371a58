#pragma once
// The one place that knows which libtorch we build against. Debian ships 1.13
// (CPU); CUDA builds use 2.x. Everything else includes this instead of
// testing TORCH_VERSION_* itself.
//
// Tensors, their factories, autograd's guards and torch::cuda: not
// <torch/torch.h>, whose C++ frontend (modules, optimisers, data loaders,
// serialization) the engine does not use. Parsing it cost ~15 s per
// translation unit and made the shared precompiled header 568 MB, ~5 s to
// load in every one (docs/benchmarks.md, "Clean build"). The two files that
// train (core/demo/train_demo.cpp, core/recovery/lora.cpp) include the
// frontend headers they use.
#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <string>

namespace sieve::compat {

inline constexpr int kTorchMajor = TORCH_VERSION_MAJOR;
inline constexpr int kTorchMinor = TORCH_VERSION_MINOR;

// torch::cuda::is_available() exists in both; guarded so that a CPU-only build
// of 2.x (no CUDA runtime) answers false instead of throwing.
inline bool cudaAvailable() {
    try {
        return torch::cuda::is_available();
    } catch (...) {
        return false;
    }
}

// TF32 tensor cores for float32 matrix products on CUDA while alive (the
// previous setting is restored). Exact where the float32 operands hold
// bfloat16 or float16 values (8 and 11 significant bits fit TF32's 11), so
// products of such activations lose nothing and run ~8x faster than in
// IEEE float32 on Hopper. The setting is process-wide: hold it only around
// the products it is meant for.
class AllowTf32 {
public:
    explicit AllowTf32(bool on) : previous_(at::globalContext().allowTF32CuBLAS()), on_(on) {
        if (on_) at::globalContext().setAllowTF32CuBLAS(true);
    }
    ~AllowTf32() {
        if (on_) at::globalContext().setAllowTF32CuBLAS(previous_);
    }
    AllowTf32(const AllowTf32&) = delete;
    AllowTf32& operator=(const AllowTf32&) = delete;

private:
    bool previous_;
    bool on_;
};

// InferenceMode exists since 1.9; NoGradGuard is the portable fallback name.
using InferenceGuard = c10::InferenceMode;

// Fused scaled-dot-product attention exists from 2.0 on; 1.13 has none, and
// the caller (core/model/attention.cpp) then uses its own matmul + softmax.
// q [B, h, T, d], k/v [B, h, S, d]; allowed [B, 1, T, S] bool (true = may
// attend) or undefined together with causal = true.
inline constexpr bool kHasFusedAttention = TORCH_VERSION_MAJOR >= 2;
inline torch::Tensor fusedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                    const torch::Tensor& allowed, bool causal) {
#if TORCH_VERSION_MAJOR >= 2
    const c10::optional<torch::Tensor> mask = causal ? c10::optional<torch::Tensor>() : allowed;
    return at::scaled_dot_product_attention(q, k, v, mask, 0.0, causal);
#else
    (void)k, (void)v, (void)allowed, (void)causal;
    TORCH_CHECK(false, "fused attention needs libtorch 2.x");
    return q;
#endif
}

}  // namespace sieve::compat

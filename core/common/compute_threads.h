#pragma once
// How many threads the numerical work uses: libtorch's intra-op pool and the
// BLAS library under it. OpenBLAS keeps a thread pool of its own and ignores
// at::set_num_threads, so a "1 thread" run on a 2-core machine used two, and
// per-CPU-second figures (and ratios to a one-thread GEMM peak) were wrong.
// This sets both, and says what the BLAS reports back.
#include <string>

namespace sieve {

struct ComputeThreads {
    int torch = 0;        // at::get_num_threads() after the change
    int blas = -1;        // what the BLAS library reports; -1 when it has no such call
    std::string library;  // "OpenBLAS", "MKL", or "unknown BLAS"
};

// n >= 1. Safe to call more than once, from the main thread before work starts.
ComputeThreads setComputeThreads(int n);
ComputeThreads computeThreads();

}  // namespace sieve

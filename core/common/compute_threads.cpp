#include "core/common/compute_threads.h"

#include <dlfcn.h>

#include "core/common/error.h"
#include "core/common/torch_compat.h"

namespace sieve {

namespace {

// The BLAS functions are looked up at run time: which library serves BLAS is
// Debian's alternatives' choice (or pip torch's bundled MKL), not ours.
template <typename F>
F blasSymbol(const char* name) {
    return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

ComputeThreads computeThreads() {
    ComputeThreads t;
    t.torch = at::get_num_threads();
    if (auto get = blasSymbol<int (*)()>("openblas_get_num_threads")) {
        t.library = "OpenBLAS";
        t.blas = get();
    } else if (auto mkl = blasSymbol<int (*)()>("MKL_Get_Max_Threads")) {
        t.library = "MKL";
        t.blas = mkl();
    } else {
        t.library = "unknown BLAS";
    }
    return t;
}

ComputeThreads setComputeThreads(int n) {
    if (n < 1) throw InputError("threads must be at least 1, got " + std::to_string(n));
    at::set_num_threads(n);
    if (auto set = blasSymbol<void (*)(int)>("openblas_set_num_threads")) set(n);
    if (auto set = blasSymbol<void (*)(int)>("MKL_Set_Num_Threads")) set(n);
    return computeThreads();
}

}  // namespace sieve

// Our element-wise kernels against the libtorch expressions they replace, on
// SmolLM2-135M's shapes (one 1024-token scoring batch: hidden 576,
// intermediate 1536, vocabulary 49152), bfloat16, one thread, CPU time of
// this thread, best of 20 after a warm-up, side by side in one run; freed
// heap memory kept for reuse, as in the CLI.
//
//   build/bench/bench_kernels [--tokens 1024]
#include <time.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "core/common/avx512_math.h"
#include "core/common/heap_reuse.h"
#include "core/common/torch_compat.h"
#include "core/model/masked_softmax.h"
#include "core/model/rms_norm.h"
#include "core/model/silu_mul.h"
#include "core/task/log_sum_exp.h"

using namespace sieve;

namespace {

double threadSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double best(const std::function<void()>& f) {
    f();
    double fastest = 1e9;
    for (int i = 0; i < 20; ++i) {
        const double start = threadSeconds();
        f();
        fastest = std::min(fastest, threadSeconds() - start);
    }
    return fastest;
}

void row(const char* name, int64_t elements, double ours, double reference) {
    std::printf("%-34s %12lld %10.3f %10.3f %8.2f ns %8.2f ns %7.2fx\n", name, (long long)elements,
                ours * 1e3, reference * 1e3, ours * 1e9 / double(elements),
                reference * 1e9 / double(elements), reference / ours);
}

}  // namespace

int main(int argc, char** argv) {
    int64_t tokens = 1024;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--tokens") == 0) tokens = std::stoll(argv[i + 1]);
    reuseFreedHeapMemory();  // as the CLI does: freed activations are not faulted in again
    at::set_num_threads(1);
    torch::InferenceMode inference;
    std::printf("our kernels: %s\n", simd::hasAvx512Kernels()
                                         ? "AVX-512 (in use)"
                                         : "not in use on this CPU: both columns are libtorch");
    std::printf("%-34s %12s %10s %10s %11s %11s %8s\n", "operation (bfloat16)", "elements", "ours ms",
                "libtorch ms", "ours/elem", "libtorch/elem", "speed-up");
    torch::manual_seed(0);
    const torch::Tensor x = torch::randn({1, tokens, 576}).to(torch::kBFloat16);
    const torch::Tensor w = torch::rand({576}).to(torch::kBFloat16);
    row("RMSNorm [T, 576]", x.numel(), best([&] { rmsNorm(x, w, 1e-5); }),
        best([&] { rmsNormReference(x, w, 1e-5); }));

    const torch::Tensor gateUp = torch::randn({1, tokens, 2 * 1536}).to(torch::kBFloat16);
    const torch::Tensor up = gateUp.narrow(-1, 1536, 1536);
    torch::Tensor scratch = gateUp.clone();
    const double ours = best([&] {
        torch::Tensor g = scratch.narrow(-1, 0, 1536);
        g.copy_(gateUp.narrow(-1, 0, 1536));
        siluMulInPlace(g, up);
    });
    const double copy = best([&] { scratch.narrow(-1, 0, 1536).copy_(gateUp.narrow(-1, 0, 1536)); });
    const double reference = best([&] {
        torch::Tensor g = scratch.narrow(-1, 0, 1536);
        g.copy_(gateUp.narrow(-1, 0, 1536));
        torch::silu_(g).mul_(up);
    });
    row("silu(gate) * up [T, 1536]", up.numel(), ours - copy, reference - copy);

    // A packed batch of ~100-token sequences: 10 x 3 kv heads x 3 groups x 100 x 100.
    const int64_t sequences = std::max<int64_t>(1, tokens / 100);
    const torch::Tensor scores = (torch::randn({sequences, 3, 3, 100, 100}) * 4).to(torch::kBFloat16);
    const torch::Tensor position = torch::arange(100);
    const torch::Tensor allowed = (position.view({1, 100}) <= position.view({100, 1}))
                                      .view({1, 1, 100, 100})
                                      .expand({sequences, 1, 100, 100});
    row("masked softmax [T/100, 3, 3, 100, 100]", scores.numel(),
        best([&] { maskedSoftmax(scores, allowed, torch::kBFloat16); }),
        best([&] { maskedSoftmaxReference(scores, allowed, torch::kBFloat16); }));

    const torch::Tensor logits = torch::randn({std::max<int64_t>(1, tokens / 4), 49152}).to(torch::kBFloat16);
    row("log-sum-exp [T/4, 49152]", logits.numel(), best([&] { logSumExpRows(logits); }),
        best([&] { logits.to(torch::kFloat32).logsumexp(-1); }));
    return 0;
}

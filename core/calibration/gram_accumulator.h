#pragma once
// Streaming Gram matrices C = sum_t x_t x_t^T, one per distinct matrix input
// (layer, InputSite), accumulated in float64 on the device the activations
// live on. Only the H x H sums and token counts are kept: activations are
// consumed as they arrive and never stored. Torch only; knows nothing of the
// Model, so it can be fed by a forward hook or directly by a test.
#include <cstdint>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/types/matrix_info.h"

namespace sieve {

// How one batch's x^T x is formed before it is added to the float64 sum.
// Float64 multiplies in double (exact to the data's own precision; on CPUs
// ~2x the cost, on GPUs far slower than the bf16/fp32 forward). Float32
// multiplies in single precision and adds each batch's product to the double
// sum: relative error ~1e-7 per batch, below the precision of the float32 (or
// bf16) activations themselves, and no error growth across batches. Auto =
// Float32 (bench_calibrate in docs/benchmarks.md measures both).
enum class GramProductPrecision { Auto, Float64, Float32 };

class CalibrationData;

// Only the lower block triangle of C is accumulated (x_i^T x_j for column
// blocks j <= i), which saves up to half the multiply work; the upper
// triangle is mirrored when the Gram is read. Blocks of >= 128 columns (at
// most 8) on the CPU keep each product large enough for BLAS to run at full
// speed; on a GPU blocks of >= 2048 columns, at most 4. On a GPU, bf16 and
// f16 activations are multiplied with TF32 tensor cores (exact for them).

class GramAccumulator {
public:
    explicit GramAccumulator(int layers, GramProductPrecision precision = GramProductPrecision::Auto);

    // x [N, H] (any floating dtype, any device): the valid tokens reaching
    // `site` of `layer` in one batch. The first call for a site fixes its H;
    // a later call with another H throws InputError naming layer and site.
    // Non-finite activations throw InputError (a NaN Gram is never produced).
    void add(int layer, InputSite site, const torch::Tensor& x);

    int layers() const { return layers_; }
    bool has(int layer, InputSite site) const;
    // The full symmetric sum so far, [H, H] float64 (a copy); undefined if never seen.
    torch::Tensor gram(int layer, InputSite site) const;
    int64_t tokens(int layer, InputSite site) const;
    // Hands over the full symmetric sum of one site (mirrored in place, no
    // copy) and forgets it: the layer-streamed pass frees each block's Grams
    // once its matrices are factored. Undefined when the site saw nothing.
    torch::Tensor take(int layer, InputSite site);

    // Moves the sums into a CalibrationData for `matrices` (the model's
    // prunable matrices, ModelSummary order). Throws InputError when a matrix's
    // site saw no tokens or its H differs from the matrix's column count.
    CalibrationData finish(std::vector<MatrixInfo> matrices, int64_t sequences) &&;

private:
    static constexpr int kSites = 4;
    int index(int layer, InputSite site) const;

    int layers_ = 0;
    GramProductPrecision precision_ = GramProductPrecision::Auto;
    static torch::Tensor symmetrized(const torch::Tensor& lowerBlocks);
    // Completes a lower-block-triangle sum to the full symmetric matrix.
    static void mirrorInPlace(torch::Tensor& C);

    std::vector<torch::Tensor> grams_;  // layers * kSites; lower block triangle (see gram_blocks.h)
    std::vector<int64_t> tokens_;       // layers * kSites
};

}  // namespace sieve

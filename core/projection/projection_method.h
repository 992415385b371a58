#pragma once
// One interface for every way of pruning a matrix: a method turns W (and the
// Gram of its input, when it uses data) into an ordered Factorization from
// which every level is a slice. What a method is called, whether it needs
// calibration and how the UI shows it live in the method registry
// (core/types/method_registry.h); this is only the math. Adding a method = a
// registry row, one class in one file, its line in makeProjection(), one test row.
#include <memory>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/projection/factorization.h"
#include "core/types/method_registry.h"

namespace sieve {

struct FactorOptions {
    // Levels the factorization must serve (> 0 entries used): it keeps only
    // the rank the smallest positive level needs. Empty = every rank.
    std::vector<double> levels;
    // Ridge added to C before its Cholesky factor, relative to tr(C)/H.
    double relativeRidge = 1e-10;
    uint64_t seed = 0;
    std::string matrixName;  // named in error messages ("model.layers.3.self_attn.q_proj")
};

class ProjectionMethod {
public:
    virtual ~ProjectionMethod() = default;
    // The registry entry of this factorization ("sieve", "weight-svd", ...).
    const MethodInfo& info() const { return *info_; }
    const std::string& name() const { return info_->name; }
    bool needsCalibration() const { return info_->needsCalibration; }

    // W [D, H] (float32/bf16, any device); gram [H, H] float64 (undefined
    // for methods that need no data). Computation is float64 on W's device;
    // the result is stored in W's dtype on W's device. Throws InputError for
    // a missing, wrongly shaped or non-finite Gram, or a non-finite W.
    virtual Factorization factor(const torch::Tensor& W, const torch::Tensor& gram,
                                 const FactorOptions& options) const = 0;

private:
    friend std::unique_ptr<ProjectionMethod> makeProjection(const std::string& method);
    const MethodInfo* info_ = nullptr;
};

// The factorization a registry method uses (sieve-sequential: sieve's).
// Throws InputError naming an unknown method and the known ones.
std::unique_ptr<ProjectionMethod> makeProjection(const std::string& method);
// One instance of every distinct factorization, in registry order.
std::vector<std::unique_ptr<ProjectionMethod>> projectionMethods();

// Helpers shared by the methods.
namespace projection_detail {
// Throws InputError unless gram is defined, [H, H] and finite.
void checkGram(const torch::Tensor& gram, int64_t H, const FactorOptions& options);
void checkWeight(const torch::Tensor& W, const FactorOptions& options);
// Largest rank the levels in `options` need (min(D, H) when no level > 0 is given).
int64_t maxRankNeeded(int64_t D, int64_t H, const FactorOptions& options);
// S with S S^T = C + ridge I (float64), ridge = relativeRidge x the mean diagonal:
// Cholesky; where that fails, Cholesky with the ridge raised 100-fold at a time up
// to kMaxRelativeRidge; then an eigendecomposition (negative eigenvalues clamped to
// 0). `usedFallback` (optional): the requested ridge did not do (a raised one or the
// eigendecomposition was used); `relativeRidgeUsed` (optional): the ridge that did,
// 0 for the eigendecomposition.
inline constexpr double kMaxRelativeRidge = 1e-4;
torch::Tensor gramSquareRoot(const torch::Tensor& gram, double relativeRidge, bool* usedFallback = nullptr,
                             double* relativeRidgeUsed = nullptr);
}  // namespace projection_detail

}  // namespace sieve

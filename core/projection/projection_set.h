#pragma once
// All matrices of a model factorized by one method: built once (the
// expensive part, a job with progress and cancel), then any assignment of
// levels is applied to the live PrunableLinears by slicing (cheap).
//
// A set is built whole (build) or matrix by matrix as the layer-streamed
// calibration hands over each block's Grams (start + factorMatrix). Its
// factors live where the memory plan says: with their block (the device the
// weight is on) or in host memory (pinned when the model is on a GPU). A
// level change hands each linear a view of the stored factors when they
// live with it (no copy), else a copy of the rank slice; the set counts both,
// and skips matrices whose level did not change (applyStats).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/projection/factorization.h"
#include "core/projection/projection_method.h"
#include "core/types/job.h"

namespace sieve {

class Model;
class PrunableLinear;

// The model's matrices in ModelSummary order (non-owning; the model outlives them).
std::vector<PrunableLinear*> prunableLinears(Model& model);

struct ProjectionSetOptions {
    FactorOptions factor;  // levels = the grid the searches use
    // Keep the factors in host memory instead of with their block (pinned
    // when the block is on a GPU): the memory planner's call.
    bool factorsOnHost = false;
};

// What applying levels cost so far.
struct ApplyStats {
    int64_t matrixApplies = 0;  // matrices set to a level > 0
    int64_t unchanged = 0;      // ... that already held that level of this set (nothing done)
    int64_t inPlace = 0;        // ... served as views of the stored factors (no copy)
    int64_t copied = 0;         // ... copied (factors elsewhere, or a mask applied)
    int64_t copiedBytes = 0;
    double copySeconds = 0;
    // Applies served without copying anything: (unchanged + inPlace) / matrixApplies.
    double hitRate() const;
    ApplyStats& operator+=(const ApplyStats& o);
};

class ProjectionSet {
public:
    ProjectionSet() = default;

    // Factors every matrix (W = linear->weight()) with grams[i] (one per
    // matrix, may be undefined for data-free methods; empty vector = none).
    // Throws InputError for a data method without grams, a count mismatch,
    // or a bad Gram (naming the matrix); Cancelled between matrices. The
    // linears are not modified. Progress: phase "project:<method>", one unit per matrix.
    static ProjectionSet build(const ProjectionMethod& method, std::vector<PrunableLinear*> linears,
                               const std::vector<torch::Tensor>& grams, const ProjectionSetOptions& options,
                               JobContext& context);

    // An empty set for `linears`, filled by factorMatrix (the layer-streamed
    // pass). Checks the levels as build() does.
    static ProjectionSet start(const ProjectionMethod& method, std::vector<PrunableLinear*> linears,
                               const ProjectionSetOptions& options);
    // Factors matrix i with `gram` (undefined for data-free methods) and
    // stores it where the options say. InputError as build().
    void factorMatrix(const ProjectionMethod& method, int i, const torch::Tensor& gram);
    // Stores matrix i's factors made elsewhere (by another rank of a
    // cluster run, core/engine/factor_broadcast), where the options say.
    // InputError when their shape is not the linear's.
    void adopt(int i, Factorization factors);
    // Whether every matrix has its factors.
    bool isComplete() const;

    const std::string& method() const { return method_; }
    int matrixCount() const { return static_cast<int>(factors_.size()); }
    const Factorization& factorization(int i) const { return factors_.at(i); }
    double factorSeconds() const { return factorSeconds_; }
    // Matrices whose Gram was singular at the requested ridge (Factorization::gramWasSingular),
    // each with how it was whitened: "name (ridge 1e-06)" or "name (eigen-decomposition)".
    const std::vector<std::string>& singularGrams() const { return singularGrams_; }
    // Memory the factors hold, on devices and in host memory.
    int64_t deviceBytes() const;
    int64_t hostBytes() const;
    const ApplyStats& applyStats() const { return stats_; }

    // levels[i] for matrix i (0 = dense). Throws InputError on a count
    // mismatch or a level a factorization cannot serve (before changing anything).
    void apply(const std::vector<double>& levels) const;
    void applyOne(int matrix, double level) const;
    // As apply, with every rank slice quantized to 8 bits and dequantized
    // into the linear's dtype (core/projection/int8_factors.h): the model an
    // 8-bit checkpoint of these factors computes. Each level change costs a
    // quantized copy of the slice, never a second copy of the set. InputError
    // as apply, and for a set of masks (Wanda has no factors to quantize).
    void applyInt8(const std::vector<double>& levels) const;
    void restoreDense() const;

    // Exact parameter counts of the prunable matrices at `levels`, and dense.
    int64_t paramsAt(const std::vector<double>& levels) const;
    int64_t denseParams() const;

    // Relative output error of matrix i at each level, from a Gram (the
    // calibration Gram, or a held-out one).
    std::vector<double> errorCurve(int matrix, const torch::Tensor& gram,
                                   const std::vector<double>& levels) const;

private:
    void checkLevels(const std::vector<double>& levels) const;
    void setLevel(int matrix, double level) const;

    std::string method_;
    ProjectionSetOptions options_;
    std::vector<PrunableLinear*> linears_;
    std::vector<Factorization> factors_;
    std::vector<bool> factored_;
    double factorSeconds_ = 0;
    std::vector<std::string> singularGrams_;  // names, in the order factored
    // What each linear was last handed by this set (level and the tensor it
    // holds), so that an unchanged level costs nothing.
    struct Applied {
        double level = 0;
        torch::Tensor held;
    };
    mutable std::vector<Applied> applied_;
    mutable ApplyStats stats_;
};

// Restores every matrix of a set to dense when it goes out of scope, so a
// cancelled or failed search never leaves a half-pruned model.
class DenseRestoreGuard {
public:
    explicit DenseRestoreGuard(const ProjectionSet& set) : set_(set) {}
    ~DenseRestoreGuard() { set_.restoreDense(); }
    DenseRestoreGuard(const DenseRestoreGuard&) = delete;
    DenseRestoreGuard& operator=(const DenseRestoreGuard&) = delete;

private:
    const ProjectionSet& set_;
};

}  // namespace sieve

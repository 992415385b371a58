#pragma once
// All matrices of a model factorized by one method: built once (the
// expensive part, a job with progress and cancel), then any assignment of
// levels is applied to the live PrunableLinears by slicing (cheap).
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

    const std::string& method() const { return method_; }
    int matrixCount() const { return static_cast<int>(factors_.size()); }
    const Factorization& factorization(int i) const { return factors_.at(i); }
    double factorSeconds() const { return factorSeconds_; }

    // levels[i] for matrix i (0 = dense). Throws InputError on a count
    // mismatch or a level a factorization cannot serve (before changing anything).
    void apply(const std::vector<double>& levels) const;
    void applyOne(int matrix, double level) const;
    void restoreDense() const;

    // Exact parameter counts of the prunable matrices at `levels`, and dense.
    int64_t paramsAt(const std::vector<double>& levels) const;
    int64_t denseParams() const;

    // Relative output error of matrix i at each level, from a Gram (the
    // calibration Gram, or a held-out one).
    std::vector<double> errorCurve(int matrix, const torch::Tensor& gram,
                                   const std::vector<double>& levels) const;

private:
    std::string method_;
    std::vector<PrunableLinear*> linears_;
    std::vector<Factorization> factors_;
    double factorSeconds_ = 0;
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

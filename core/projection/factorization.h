#pragma once
// An ordered factorization of one matrix W [D, H]: every pruning level is a
// slice of it, so switching levels never repeats a decomposition.
//   LowRank: B [D, R], A [R, H] with directions ordered by importance; level
//            p uses B[:, :r], A[:r, :] with r = rankForLevel(D, H, p) <= R.
//   Mask:    keepOrder [D, H] int32, the position of each entry in the order
//            in which entries are kept (0 = kept first); level p keeps the
//            paramsAtLevel(D, H, p) entries with keepOrder below that count.
// Factors are stored in W's dtype, on W's device unless moved (moveTo: the
// factor store keeps them in host memory when the device is full). B is
// stored transposed, Bt [R, D], so that every rank slice Bt[:r] and A[:r] is
// one contiguous block: a PrunableLinear takes B_r = Bt[:r]^T and A_r as
// views, without a copy (BLAS reads a transposed block in place).
#include <cstdint>
#include <utility>

#include "core/common/torch_compat.h"

namespace sieve {

class PrunableLinear;

class Factorization {
public:
    enum class Kind { LowRank, Mask };

    static Factorization lowRank(torch::Tensor B, torch::Tensor A);
    static Factorization mask(torch::Tensor keepOrder);

    Kind kind() const { return kind_; }
    int64_t rows() const { return rows_; }
    int64_t cols() const { return cols_; }
    // Largest rank available (LowRank: R; Mask: 0).
    int64_t maxRank() const;
    // Whether `level` can be served (level 0, dense, always can).
    bool supports(double level) const;

    // Rank-r factors of `level` (> 0) for LowRank: views, no copy.
    std::pair<torch::Tensor, torch::Tensor> factorsAt(double level) const;
    // The dense weight the level applies (B_r A_r, or W masked); level 0 = W.
    torch::Tensor weightAt(double level, const torch::Tensor& W) const;
    // Parameters stored at `level`: D H at 0; r (D + H) for factors; the kept
    // entries for a mask (the same budget, r (D + H)).
    int64_t paramsAt(double level) const;

    // Sets the linear's factors (or masked weight) for `level`; level 0
    // restores dense. Throws InputError when the shapes differ from the linear's.
    void applyTo(PrunableLinear& linear, double level) const;

    // B [D, R] (a transposed view of the stored Bt [R, D]) and A [R, H].
    torch::Tensor B() const { return Bt_.defined() ? Bt_.t() : Bt_; }
    const torch::Tensor& A() const { return A_; }
    const torch::Tensor& keepOrder() const { return keepOrder_; }
    int64_t bytes() const;
    // Where the factors live (undefined -> CPU for an empty factorization).
    torch::Device device() const;
    // Moves every factor to `device`; `pinned` (host only, needs CUDA) uses
    // page-locked memory so that copies to a GPU run asynchronously at full speed.
    void moveTo(const torch::Device& device, bool pinned = false);

    // The Gram matrix it was fitted to was not positive definite at the requested
    // ridge (its inputs span fewer directions than it has features: few distinct
    // tokens, dead channels, rounding under outlier channels): its whitening used a
    // raised ridge or an eigen-decomposition (gramSquareRoot). The run names them.
    bool gramWasSingular() const { return gramWasSingular_; }
    // The ridge, relative to the Gram's mean diagonal, its whitening used (0: the
    // eigen-decomposition).
    double whiteningRidge() const { return whiteningRidge_; }
    void setGramWasSingular(bool singular, double whiteningRidge) {
        gramWasSingular_ = singular;
        whiteningRidge_ = whiteningRidge;
    }

private:
    Kind kind_ = Kind::LowRank;
    int64_t rows_ = 0, cols_ = 0;
    torch::Tensor Bt_, A_;  // Bt [R, D], A [R, H], both contiguous
    torch::Tensor keepOrder_;
    bool gramWasSingular_ = false;
    double whiteningRidge_ = 0;
};

}  // namespace sieve

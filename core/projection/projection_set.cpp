#include "core/projection/projection_set.h"

#include <chrono>
#include <cstdio>
#include <sstream>

#include "core/common/error.h"
#include "core/model/linear.h"
#include "core/model/model.h"
#include "core/projection/int8_factors.h"
#include "core/projection/output_error.h"

namespace sieve {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t bytesOf(const torch::Tensor& t) {
    return t.defined() ? t.numel() * int64_t(t.element_size()) : 0;
}

}  // namespace

std::vector<PrunableLinear*> prunableLinears(Model& model) {
    std::vector<PrunableLinear*> linears;
    linears.reserve(model.matrixCount());
    for (int i = 0; i < model.matrixCount(); ++i) linears.push_back(&model.matrix(i));
    return linears;
}

double ApplyStats::hitRate() const {
    return matrixApplies == 0 ? 1.0 : double(unchanged + inPlace) / double(matrixApplies);
}

ApplyStats& ApplyStats::operator+=(const ApplyStats& o) {
    matrixApplies += o.matrixApplies;
    unchanged += o.unchanged;
    inPlace += o.inPlace;
    copied += o.copied;
    copiedBytes += o.copiedBytes;
    copySeconds += o.copySeconds;
    return *this;
}

ProjectionSet ProjectionSet::start(const ProjectionMethod& method, std::vector<PrunableLinear*> linears,
                                   const ProjectionSetOptions& options) {
    for (double p : options.factor.levels)
        if (!(p >= 0.0 && p < 1.0)) {
            std::ostringstream s;
            s << "projection '" << method.name() << "': pruning level " << p << " is outside [0, 1)";
            throw InputError(s.str());
        }
    ProjectionSet set;
    set.method_ = method.name();
    set.options_ = options;
    set.linears_ = std::move(linears);
    set.factors_.resize(set.linears_.size());
    set.factored_.assign(set.linears_.size(), false);
    set.applied_.resize(set.linears_.size());
    return set;
}

void ProjectionSet::factorMatrix(const ProjectionMethod& method, int i, const torch::Tensor& gram) {
    if (i < 0 || i >= matrixCount())
        throw InputError("projection '" + method.name() + "': matrix " + std::to_string(i) + " outside [0, " +
                         std::to_string(matrixCount()) + ")");
    const auto start = std::chrono::steady_clock::now();
    PrunableLinear& linear = *linears_[size_t(i)];
    FactorOptions factorOptions = options_.factor;
    factorOptions.matrixName = linear.info().name;
    factorOptions.seed = options_.factor.seed + uint64_t(i);  // distinct, reproducible per matrix
    Factorization f = method.factor(linear.weight(), gram, factorOptions);
    if (options_.factorsOnHost) f.moveTo(torch::kCPU, /*pinned=*/linear.weight().is_cuda());
    if (f.gramWasSingular()) {
        char how[64];
        if (f.whiteningRidge() > 0)
            std::snprintf(how, sizeof how, " (ridge %.0e)", f.whiteningRidge());
        else
            std::snprintf(how, sizeof how, " (eigen-decomposition)");
        singularGrams_.push_back(linear.info().name + how);
    }
    factors_[size_t(i)] = std::move(f);
    factored_[size_t(i)] = true;
    factorSeconds_ += secondsSince(start);
}

void ProjectionSet::adopt(int i, Factorization factors) {
    if (i < 0 || i >= matrixCount())
        throw InputError("projection '" + method_ + "': matrix " + std::to_string(i) + " outside [0, " +
                         std::to_string(matrixCount()) + ")");
    PrunableLinear& linear = *linears_[size_t(i)];
    if (factors.rows() != linear.info().rows || factors.cols() != linear.info().cols)
        throw InputError("projection '" + method_ + "': factors of " + linear.info().name + " are [" +
                         std::to_string(factors.rows()) + ", " + std::to_string(factors.cols()) +
                         "], the matrix is [" + std::to_string(linear.info().rows) + ", " +
                         std::to_string(linear.info().cols) + "]");
    const torch::Device device = linear.weight().device();
    if (options_.factorsOnHost)
        factors.moveTo(torch::kCPU, /*pinned=*/device.is_cuda());
    else
        factors.moveTo(device);
    factors_[size_t(i)] = std::move(factors);
    factored_[size_t(i)] = true;
}

bool ProjectionSet::isComplete() const {
    for (bool done : factored_)
        if (!done) return false;
    return true;
}

ProjectionSet ProjectionSet::build(const ProjectionMethod& method, std::vector<PrunableLinear*> linears,
                                   const std::vector<torch::Tensor>& grams,
                                   const ProjectionSetOptions& options, JobContext& context) {
    const int n = static_cast<int>(linears.size());
    if (!grams.empty() && static_cast<int>(grams.size()) != n)
        throw InputError("projection '" + method.name() + "': " + std::to_string(grams.size()) +
                         " Gram matrices for " + std::to_string(n) + " matrices");
    if (method.needsCalibration() && grams.empty())
        throw InputError("projection '" + method.name() + "' needs calibration data: run calibration first");
    ProjectionSet set = start(method, std::move(linears), options);
    context.beginPhase("project:" + method.name(), n);
    for (int i = 0; i < n; ++i) {
        set.factorMatrix(method, i, grams.empty() ? torch::Tensor() : grams[size_t(i)]);
        context.advance(i + 1, set.linears_[size_t(i)]->info().name);
    }
    return set;
}

int64_t ProjectionSet::deviceBytes() const {
    int64_t total = 0;
    for (size_t i = 0; i < factors_.size(); ++i)
        if (!factors_[i].device().is_cpu() || linears_[i]->weight().is_cpu()) total += factors_[i].bytes();
    return total;
}

int64_t ProjectionSet::hostBytes() const {
    int64_t total = 0;
    for (size_t i = 0; i < factors_.size(); ++i)
        if (factors_[i].device().is_cpu() && !linears_[i]->weight().is_cpu()) total += factors_[i].bytes();
    return total;
}

void ProjectionSet::checkLevels(const std::vector<double>& levels) const {
    if (levels.size() != factors_.size())
        throw InputError("apply: " + std::to_string(levels.size()) + " levels for " +
                         std::to_string(factors_.size()) + " matrices");
    for (size_t i = 0; i < levels.size(); ++i)
        if (!factored_[i] || !factors_[i].supports(levels[i])) {
            std::ostringstream s;
            s << linears_[i]->info().name << ": pruning level " << levels[i]
              << " is not available for method '" << method_
              << "' (outside [0, 1), finer than the grid the projections were built for, or not factored)";
            throw InputError(s.str());
        }
}

void ProjectionSet::apply(const std::vector<double>& levels) const {
    // Validate everything first so that a bad level leaves the model untouched.
    checkLevels(levels);
    for (size_t i = 0; i < levels.size(); ++i) setLevel(int(i), levels[i]);
}

void ProjectionSet::applyInt8(const std::vector<double>& levels) const {
    checkLevels(levels);
    for (size_t i = 0; i < levels.size(); ++i)
        if (levels[i] > 0.0 && factors_[i].kind() != Factorization::Kind::LowRank)
            throw InputError("8-bit factors: method '" + method_ + "' keeps a mask for " +
                             linears_[i]->info().name +
                             ", not low-rank factors: there is nothing to quantize");
    for (size_t i = 0; i < levels.size(); ++i) {
        PrunableLinear& linear = *linears_[i];
        applied_[i] = Applied{};  // what the linear holds is no longer this set's view
        if (levels[i] <= 0.0) {
            linear.restoreDense();
            continue;
        }
        const auto start = std::chrono::steady_clock::now();
        torch::NoGradGuard noGrad;
        const auto [B, A] =
            int8FactorsAt(factors_[i], levels[i], linear.weight().device(), linear.weight().scalar_type());
        linear.setFactors(B, A);
        ++stats_.matrixApplies;
        ++stats_.copied;
        stats_.copiedBytes += bytesOf(B) + bytesOf(A);
        stats_.copySeconds += secondsSince(start);
    }
}

void ProjectionSet::applyOne(int matrix, double level) const {
    const Factorization& f = factors_.at(matrix);
    if (!factored_.at(size_t(matrix)) || !f.supports(level)) {
        std::ostringstream s;
        s << linears_[matrix]->info().name << ": pruning level " << level << " is not available for method '"
          << method_ << "'";
        throw InputError(s.str());
    }
    setLevel(matrix, level);
}

void ProjectionSet::setLevel(int matrix, double level) const {
    PrunableLinear& linear = *linears_[size_t(matrix)];
    Applied& applied = applied_[size_t(matrix)];
    if (level <= 0.0) {
        linear.restoreDense();
        applied = Applied{};
        return;
    }
    ++stats_.matrixApplies;
    const Factorization& f = factors_[size_t(matrix)];
    // Still holding what this set gave it at this level: nothing to do.
    if (applied.level == level && applied.held.defined() && linear.factorA().defined() &&
        linear.factorA().is_same(applied.held)) {
        ++stats_.unchanged;
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    f.applyTo(linear, level);
    if (f.kind() == Factorization::Kind::Mask) {
        ++stats_.copied;
        stats_.copiedBytes += bytesOf(linear.weight());
        applied = Applied{};
    } else {
        // A view of the stored factors shares their memory; a copy does not.
        const bool view = linear.factorA().data_ptr() == f.factorsAt(level).second.data_ptr();
        if (view) {
            ++stats_.inPlace;
        } else {
            ++stats_.copied;
            stats_.copiedBytes += bytesOf(linear.factorA()) + bytesOf(linear.factorB());
            stats_.copySeconds += secondsSince(start);
        }
        applied = Applied{level, linear.factorA()};
    }
}

void ProjectionSet::restoreDense() const {
    for (PrunableLinear* linear : linears_) linear->restoreDense();
    for (Applied& a : applied_) a = Applied{};
}

int64_t ProjectionSet::paramsAt(const std::vector<double>& levels) const {
    if (levels.size() != factors_.size())
        throw InputError("paramsAt: " + std::to_string(levels.size()) + " levels for " +
                         std::to_string(factors_.size()) + " matrices");
    int64_t total = 0;
    for (size_t i = 0; i < levels.size(); ++i) total += factors_[i].paramsAt(levels[i]);
    return total;
}

int64_t ProjectionSet::denseParams() const {
    int64_t total = 0;
    for (const auto& f : factors_) total += f.rows() * f.cols();
    return total;
}

std::vector<double> ProjectionSet::errorCurve(int matrix, const torch::Tensor& gram,
                                              const std::vector<double>& levels) const {
    return outputErrorCurve(factors_.at(matrix), linears_.at(matrix)->weight(), gram, levels);
}

}  // namespace sieve

#include "core/projection/projection_set.h"

#include <chrono>
#include <sstream>

#include "core/common/error.h"
#include "core/model/linear.h"
#include "core/model/model.h"
#include "core/projection/output_error.h"

namespace sieve {

std::vector<PrunableLinear*> prunableLinears(Model& model) {
    std::vector<PrunableLinear*> linears;
    linears.reserve(model.matrixCount());
    for (int i = 0; i < model.matrixCount(); ++i) linears.push_back(&model.matrix(i));
    return linears;
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
    for (double p : options.factor.levels)
        if (!(p >= 0.0 && p < 1.0)) {
            std::ostringstream s;
            s << "projection '" << method.name() << "': pruning level " << p << " is outside [0, 1)";
            throw InputError(s.str());
        }

    ProjectionSet set;
    set.method_ = method.name();
    set.linears_ = std::move(linears);
    set.factors_.reserve(n);
    const auto start = std::chrono::steady_clock::now();
    context.beginPhase("project:" + method.name(), n);
    for (int i = 0; i < n; ++i) {
        PrunableLinear& linear = *set.linears_[i];
        FactorOptions factorOptions = options.factor;
        factorOptions.matrixName = linear.info().name;
        factorOptions.seed = options.factor.seed + uint64_t(i);  // distinct, reproducible per matrix
        const torch::Tensor gram = grams.empty() ? torch::Tensor() : grams[i];
        set.factors_.push_back(method.factor(linear.weight(), gram, factorOptions));
        context.advance(i + 1, linear.info().name);
    }
    set.factorSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return set;
}

void ProjectionSet::apply(const std::vector<double>& levels) const {
    if (levels.size() != factors_.size())
        throw InputError("apply: " + std::to_string(levels.size()) + " levels for " +
                         std::to_string(factors_.size()) + " matrices");
    // Validate everything first so that a bad level leaves the model untouched.
    for (size_t i = 0; i < levels.size(); ++i)
        if (!factors_[i].supports(levels[i])) {
            std::ostringstream s;
            s << linears_[i]->info().name << ": pruning level " << levels[i]
              << " is not available for method '" << method_
              << "' (outside [0, 1) or finer than the grid the projections were built for)";
            throw InputError(s.str());
        }
    for (size_t i = 0; i < levels.size(); ++i) factors_[i].applyTo(*linears_[i], levels[i]);
}

void ProjectionSet::applyOne(int matrix, double level) const {
    const Factorization& f = factors_.at(matrix);
    if (!f.supports(level)) {
        std::ostringstream s;
        s << linears_[matrix]->info().name << ": pruning level " << level << " is not available for method '"
          << method_ << "'";
        throw InputError(s.str());
    }
    f.applyTo(*linears_[matrix], level);
}

void ProjectionSet::restoreDense() const {
    for (PrunableLinear* linear : linears_) linear->restoreDense();
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

#include "core/engine/streamed_projection.h"

#include <algorithm>

#include "core/model/model.h"
#include "core/projection/projection_method.h"

namespace sieve {

namespace {

constexpr int kSites = 4;

class ProjectingVisitor : public BlockVisitor {
public:
    ProjectingVisitor(Model& model, const StreamedProjectionOptions& options, StreamedProjection& out)
        : model_(model), options_(options), out_(out) {
        ProjectionSetOptions setOptions;
        setOptions.factor.levels = options.grid;
        setOptions.factor.seed = 0;
        for (const std::string& name : options.methods) {
            setOptions.factorsOnHost = std::find(options.hostMethods.begin(), options.hostMethods.end(),
                                                 name) != options.hostMethods.end();
            methods_.push_back(makeProjection(name));
            out_.sets.emplace_back(
                name, ProjectionSet::start(*methods_.back(), prunableLinears(model), setOptions));
        }
        if (options.keepGrams) kept_.resize(size_t(model.blockCount()) * kSites);
        siteTokens_.resize(size_t(model.blockCount()) * kSites, 0);
    }

    bool wantsGrams(int) const override { return true; }
    bool changesBlock(int) const override { return false; }

    void visit(BlockGrams grams, JobContext& context) override {
        const auto& matrices = model_.summary().matrices;
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            const int i = grams.layer * kMatrixTypeCount + t;
            const MatrixType type = matrices[size_t(i)].type;
            for (size_t m = 0; m < methods_.size(); ++m) {
                context.throwIfCancelled();
                out_.sets[m].second.factorMatrix(*methods_[m], i, grams.forMatrix(type));
            }
        }
        for (int s = 0; s < kSites; ++s) {
            const size_t slot = size_t(grams.layer) * kSites + size_t(s);
            siteTokens_[slot] = grams.tokens;
            if (options_.keepGrams) kept_[slot] = grams.sites[size_t(s)].to(torch::kCPU);
        }
    }

    CalibrationData keptGrams(int64_t sequences) {
        return CalibrationData(model_.blockCount(), std::move(kept_), std::move(siteTokens_),
                               model_.summary().matrices, sequences);
    }

private:
    Model& model_;
    const StreamedProjectionOptions& options_;
    StreamedProjection& out_;
    std::vector<std::unique_ptr<ProjectionMethod>> methods_;
    std::vector<torch::Tensor> kept_;
    std::vector<int64_t> siteTokens_;
};

}  // namespace

StreamedProjection calibrateAndProject(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                                       const StreamedProjectionOptions& options, JobContext& context) {
    StreamedProjection out;
    ProjectingVisitor visitor(model, options, out);
    out.stats = streamLayers(model, sequences, options.stream, visitor, context);
    if (options.keepGrams) out.grams = visitor.keptGrams(out.stats.sequences);
    return out;
}

}  // namespace sieve

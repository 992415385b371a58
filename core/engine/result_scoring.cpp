#include "core/engine/result_scoring.h"

#include <algorithm>
#include <filesystem>

#include "core/common/error.h"
#include "core/types/statistics.h"

namespace sieve {

AppliedResult resolveResult(const SessionData& session, const ResultSource& source, const LevelGrid& grid,
                            size_t matrices) {
    AppliedResult applied;
    applied.source = source;
    if (source.ga) {
        if (!session.ga || session.ga->result.best.genes.empty())
            throw InputError("the session has no genetic-search result: run the genetic search first");
        applied.method = session.ga->result.method;
        applied.genes = session.ga->result.best.genes;
    } else {
        const auto it = std::find_if(session.uniform.begin(), session.uniform.end(),
                                     [&](const UniformResult& u) { return u.method == source.method; });
        if (it == session.uniform.end()) {
            std::string swept;
            for (const UniformResult& u : session.uniform) swept += (swept.empty() ? "" : ", ") + u.method;
            throw InputError("the session has no uniform sweep of '" + source.method +
                             "' (swept: " + (swept.empty() ? std::string("none") : swept) + ")");
        }
        const auto level = std::find(grid.begin(), grid.end(), it->bestLevel);
        if (level == grid.end())
            throw InputError("the uniform optimum of '" + source.method + "' (level " +
                             std::to_string(it->bestLevel) + ") is not on the session's level grid");
        applied.method = source.method;
        applied.genes.assign(matrices, int(level - grid.begin()));
    }
    if (applied.genes.size() != matrices)
        throw InputError("the session's chromosome has " + std::to_string(applied.genes.size()) +
                         " genes, the model " + std::to_string(matrices) + " matrices");
    return applied;
}

std::vector<std::string> taskFiles(const std::string& path, const TaskSpec& spec) {
    std::vector<std::string> files = {path};
    for (const std::string& name : {spec.split.calibrationFile, spec.split.evaluationFile}) {
        if (name.empty()) continue;
        const std::filesystem::path p(name);
        files.push_back(p.is_absolute() ? name : (std::filesystem::path(path).parent_path() / p).string());
    }
    return files;
}

HeldOutEval pairedScore(const EvalResult& dense, const EvalResult& pruned) {
    if (dense.examples != pruned.examples)
        throw InputError("dense and pruned scores of " + dense.task + " cover " +
                         std::to_string(dense.examples) + " and " + std::to_string(pruned.examples) +
                         " examples");
    HeldOutEval e;
    e.taskName = dense.task;
    e.metric = dense.metric;
    e.denseAccuracy = dense.score;
    e.prunedAccuracy = pruned.score;
    e.examples = dense.examples;
    if (isProportionMetric(dense.metric)) {
        for (const ExampleResult& r : dense.perExample) e.denseCorrect.push_back(r.correct ? 1 : 0);
        for (const ExampleResult& r : pruned.perExample) e.prunedCorrect.push_back(r.correct ? 1 : 0);
    }
    return e;
}

}  // namespace sieve

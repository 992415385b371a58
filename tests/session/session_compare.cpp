#include "session_compare.h"

#include <sstream>

namespace sieve::test {
namespace {

std::string show(const std::string& v) {
    return "'" + v + "'";
}
std::string show(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}
std::string show(int64_t v) {
    return std::to_string(v);
}
std::string show(uint64_t v) {
    return std::to_string(v);
}
std::string show(int v) {
    return std::to_string(v);
}
std::string show(bool v) {
    return v ? "true" : "false";
}
std::string show(uint8_t v) {
    return std::to_string(int(v));
}

// Collects the first difference; later checks are skipped once one is found.
class Diff {
public:
    template <typename T>
    Diff& field(const std::string& path, const T& expected, const T& actual) {
        if (result_.empty() && !(expected == actual))
            result_ = path + ": expected " + show(expected) + ", got " + show(actual);
        return *this;
    }
    template <typename T>
    Diff& list(const std::string& path, const std::vector<T>& expected, const std::vector<T>& actual) {
        if (!result_.empty()) return *this;
        field(path + ".size", int64_t(expected.size()), int64_t(actual.size()));
        for (size_t i = 0; i < expected.size() && i < actual.size(); ++i)
            field(path + "[" + std::to_string(i) + "]", expected[i], actual[i]);
        return *this;
    }
    Diff& add(const std::string& nested) {
        if (result_.empty()) result_ = nested;
        return *this;
    }
    const std::string& result() const { return result_; }

private:
    std::string result_;
};

template <typename K, typename V>
std::string diffMap(const std::string& path, const std::map<K, V>& expected, const std::map<K, V>& actual) {
    Diff d;
    d.field(path + ".size", int64_t(expected.size()), int64_t(actual.size()));
    for (const auto& [key, value] : expected) {
        auto it = actual.find(key);
        if (it == actual.end()) return d.add(path + ": missing key '" + key + "'").result();
        d.field(path + "[" + key + "]", value, it->second);
    }
    return d.result();
}

}  // namespace

std::string diffIndividual(const std::string& path, const Individual& e, const Individual& a) {
    Diff d;
    d.list(path + ".genes", e.genes, a.genes)
        .field(path + ".accuracy", e.accuracy, a.accuracy)
        .field(path + ".removedFraction", e.removedFraction, a.removedFraction)
        .field(path + ".fitness", e.fitness, a.fitness)
        .field(path + ".feasible", e.feasible, a.feasible)
        .field(path + ".scoredExamples", int64_t(e.scoredExamples), int64_t(a.scoredExamples));
    return d.result();
}

std::string diffGenerations(const std::vector<Generation>& expected, const std::vector<Generation>& actual) {
    Diff d;
    d.field("generations.size", int64_t(expected.size()), int64_t(actual.size()));
    for (size_t g = 0; g < expected.size() && g < actual.size() && d.result().empty(); ++g) {
        const Generation &e = expected[g], &a = actual[g];
        const std::string p = "generations[" + std::to_string(g) + "]";
        d.field(p + ".index", e.index, a.index)
            .field(p + ".bestFitness", e.bestFitness, a.bestFitness)
            .field(p + ".meanFitness", e.meanFitness, a.meanFitness)
            .field(p + ".feasibleFraction", e.feasibleFraction, a.feasibleFraction)
            .field(p + ".evaluations", e.evaluations, a.evaluations)
            .field(p + ".population.size", int64_t(e.population.size()), int64_t(a.population.size()));
        for (size_t i = 0; i < e.population.size() && i < a.population.size(); ++i)
            d.add(diffIndividual(p + ".population[" + std::to_string(i) + "]", e.population[i],
                                 a.population[i]));
        d.add(diffIndividual(p + ".best", e.best, a.best));
    }
    return d.result();
}

std::string diffSessions(const SessionData& e, const SessionData& a, const CompareOptions& options) {
    Diff d;
    const Provenance &pe = e.provenance, &pa = a.provenance;
    d.field("provenance.appVersion", pe.appVersion, pa.appVersion)
        .field("provenance.torchVersion", pe.torchVersion, pa.torchVersion)
        .field("provenance.device", pe.device, pa.device)
        .field("provenance.dtype", pe.dtype, pa.dtype)
        .add(diffMap("provenance.seeds", pe.seeds, pa.seeds))
        .field("provenance.eps", pe.eps, pa.eps)
        .list("provenance.methods", pe.methods, pa.methods)
        .list("provenance.levelGrid", pe.levelGrid, pa.levelGrid)
        .field("provenance.created", pe.created, pa.created);
    if (options.modified) d.field("provenance.modified", pe.modified, pa.modified);

    const ModelSummary &se = e.model.summary, &sa = a.model.summary;
    d.field("model.path", se.path, sa.path)
        .field("model.format", se.format, sa.format)
        .field("model.architecture", se.architecture, sa.architecture)
        .field("model.layers", se.layers, sa.layers)
        .field("model.hidden", se.hidden, sa.hidden)
        .field("model.intermediate", se.intermediate, sa.intermediate)
        .field("model.heads", se.heads, sa.heads)
        .field("model.kvHeads", se.kvHeads, sa.kvHeads)
        .field("model.vocab", se.vocab, sa.vocab)
        .field("model.totalParams", se.totalParams, sa.totalParams)
        .field("model.prunableParams", se.prunableParams, sa.prunableParams)
        .field("model.device", se.device, sa.device)
        .field("model.dtype", se.dtype, sa.dtype)
        .field("model.contentHash", e.model.contentHash, a.model.contentHash)
        .field("model.matrices.size", int64_t(se.matrices.size()), int64_t(sa.matrices.size()))
        .field("model.weightFiles.size", int64_t(e.model.weightFiles.size()),
               int64_t(a.model.weightFiles.size()));
    for (size_t i = 0; i < se.matrices.size() && i < sa.matrices.size(); ++i) {
        const std::string p = "model.matrices[" + std::to_string(i) + "]";
        d.field(p + ".name", se.matrices[i].name, sa.matrices[i].name)
            .field(p + ".layer", se.matrices[i].layer, sa.matrices[i].layer)
            .field(p + ".type", int(se.matrices[i].type), int(sa.matrices[i].type))
            .field(p + ".rows", se.matrices[i].rows, sa.matrices[i].rows)
            .field(p + ".cols", se.matrices[i].cols, sa.matrices[i].cols)
            .field(p + ".hasBias", se.matrices[i].hasBias, sa.matrices[i].hasBias);
    }
    for (size_t i = 0; i < e.model.weightFiles.size() && i < a.model.weightFiles.size(); ++i) {
        const std::string p = "model.weightFiles[" + std::to_string(i) + "]";
        d.field(p + ".path", e.model.weightFiles[i].path, a.model.weightFiles[i].path)
            .field(p + ".size", e.model.weightFiles[i].size, a.model.weightFiles[i].size)
            .field(p + ".sha256", e.model.weightFiles[i].sha256, a.model.weightFiles[i].sha256);
    }

    d.field("task.name", e.task.name, a.task.name)
        .field("task.path", e.task.path, a.task.path)
        .field("task.hash", e.task.hash, a.task.hash)
        .field("task.metric", e.task.metric, a.task.metric)
        .add(diffMap("task.splitSizes", e.task.splitSizes, a.task.splitSizes));

    d.field("baseline.present", e.baseline.has_value(), a.baseline.has_value());
    if (e.baseline && a.baseline)
        d.field("baseline.a0", e.baseline->a0, a.baseline->a0)
            .list("baseline.correct", e.baseline->correct, a.baseline->correct)
            .field("baseline.tokensPerSecond", e.baseline->tokensPerSecond, a.baseline->tokensPerSecond)
            .field("baseline.examples", e.baseline->examples, a.baseline->examples);

    d.field("calibration.present", e.calibration.has_value(), a.calibration.has_value());
    if (e.calibration && a.calibration) {
        d.field("calibration.examples", e.calibration->examples, a.calibration->examples)
            .field("calibration.tokens", e.calibration->tokens, a.calibration->tokens)
            .field("calibration.grams.size", int64_t(e.calibration->grams.size()),
                   int64_t(a.calibration->grams.size()));
        for (size_t i = 0; i < e.calibration->grams.size() && i < a.calibration->grams.size(); ++i) {
            const GramMatrix &ge = e.calibration->grams[i], &ga = a.calibration->grams[i];
            const std::string p = "calibration.grams[" + std::to_string(i) + "]";
            d.field(p + ".name", ge.name, ga.name)
                .field(p + ".layer", ge.layer, ga.layer)
                .field(p + ".site", int(ge.site), int(ga.site))
                .field(p + ".tokens", ge.tokens, ga.tokens)
                .field(p + ".rows", ge.rows, ga.rows)
                .field(p + ".cols", ge.cols, ga.cols);
            if (options.gramValues) d.list(p + ".values", ge.values, ga.values);
        }
    }

    d.field("uniform.size", int64_t(e.uniform.size()), int64_t(a.uniform.size()));
    for (size_t i = 0; i < e.uniform.size() && i < a.uniform.size(); ++i) {
        const UniformResult &ue = e.uniform[i], &ua = a.uniform[i];
        const std::string p = "uniform[" + std::to_string(i) + "]";
        d.field(p + ".method", ue.method, ua.method)
            .field(p + ".points.size", int64_t(ue.points.size()), int64_t(ua.points.size()))
            .field(p + ".bestLevel", ue.bestLevel, ua.bestLevel)
            .field(p + ".bestAccuracy", ue.bestAccuracy, ua.bestAccuracy)
            .field(p + ".bestRemovedFraction", ue.bestRemovedFraction, ua.bestRemovedFraction);
        for (size_t k = 0; k < ue.points.size() && k < ua.points.size(); ++k) {
            const std::string q = p + ".points[" + std::to_string(k) + "]";
            d.field(q + ".level", ue.points[k].level, ua.points[k].level)
                .field(q + ".accuracy", ue.points[k].accuracy, ua.points[k].accuracy)
                .field(q + ".paramsRemovedFraction", ue.points[k].paramsRemovedFraction,
                       ua.points[k].paramsRemovedFraction);
        }
        d.field(p + ".int8.present", ue.int8.has_value(), ua.int8.has_value());
        if (ue.int8 && ua.int8) {
            const Int8Curve &ce = *ue.int8, &ca = *ua.int8;
            d.field(p + ".int8.points.size", int64_t(ce.points.size()), int64_t(ca.points.size()))
                .field(p + ".int8.bestLevel", ce.bestLevel, ca.bestLevel)
                .field(p + ".int8.bestAccuracy", ce.bestAccuracy, ca.bestAccuracy)
                .field(p + ".int8.bestRemovedFraction", ce.bestRemovedFraction, ca.bestRemovedFraction);
            for (size_t k = 0; k < ce.points.size() && k < ca.points.size(); ++k) {
                const std::string q = p + ".int8.points[" + std::to_string(k) + "]";
                d.field(q + ".level", ce.points[k].level, ca.points[k].level)
                    .field(q + ".accuracy", ce.points[k].accuracy, ca.points[k].accuracy)
                    .field(q + ".paramsRemovedFraction", ce.points[k].paramsRemovedFraction,
                           ca.points[k].paramsRemovedFraction);
            }
        }
    }

    d.field("ga.present", e.ga.has_value(), a.ga.has_value());
    if (e.ga && a.ga) {
        const GaResult &re = e.ga->result, &ra = a.ga->result;
        const GaSettings &s1 = re.settings, &s2 = ra.settings;
        d.field("ga.method", re.method, ra.method)
            .field("ga.settings.population", s1.population, s2.population)
            .field("ga.settings.generations", s1.generations, s2.generations)
            .field("ga.settings.tournament", s1.tournament, s2.tournament)
            .field("ga.settings.crossoverProbability", s1.crossoverProbability, s2.crossoverProbability)
            .field("ga.settings.uniformCrossover", s1.uniformCrossover, s2.uniformCrossover)
            .field("ga.settings.mutationProbability", s1.mutationProbability, s2.mutationProbability)
            .field("ga.settings.elitism", s1.elitism, s2.elitism)
            .field("ga.settings.uniformSeeds", s1.uniformSeeds, s2.uniformSeeds)
            .field("ga.settings.patience", s1.patience, s2.patience)
            .field("ga.settings.seed", s1.seed, s2.seed)
            .add(diffGenerations(re.generations, ra.generations))
            .add(diffIndividual("ga.best", re.best, ra.best))
            .field("ga.stoppedEarly", re.stoppedEarly, ra.stoppedEarly)
            .field("ga.rngState", e.ga->rngState, a.ga->rngState)
            .field("ga.complete", e.ga->complete, a.ga->complete)
            .field("ga.resumeKey", e.ga->resumeKey, a.ga->resumeKey)
            .field("ga.levelStatistics.present", e.ga->levelStatistics.has_value(),
                   a.ga->levelStatistics.has_value());
        if (e.ga->levelStatistics && a.ga->levelStatistics)
            d.list("ga.levelStatistics.meanLevel", e.ga->levelStatistics->meanLevel,
                   a.ga->levelStatistics->meanLevel)
                .list("ga.levelStatistics.minLevel", e.ga->levelStatistics->minLevel,
                      a.ga->levelStatistics->minLevel);
    }

    d.field("sensitivity.size", int64_t(e.sensitivity.size()), int64_t(a.sensitivity.size()));
    for (size_t i = 0; i < e.sensitivity.size() && i < a.sensitivity.size(); ++i) {
        const std::string p = "sensitivity[" + std::to_string(i) + "]";
        d.field(p + ".method", e.sensitivity[i].method, a.sensitivity[i].method)
            .field(p + ".level", e.sensitivity[i].level, a.sensitivity[i].level)
            .list(p + ".accuracy", e.sensitivity[i].accuracy, a.sensitivity[i].accuracy)
            .list(p + ".drop", e.sensitivity[i].drop, a.sensitivity[i].drop)
            .list(p + ".ranking", e.sensitivity[i].ranking, a.sensitivity[i].ranking);
    }

    d.field("eval.size", int64_t(e.eval.size()), int64_t(a.eval.size()));
    for (size_t i = 0; i < e.eval.size() && i < a.eval.size(); ++i) {
        const std::string p = "eval[" + std::to_string(i) + "]";
        d.field(p + ".taskName", e.eval[i].taskName, a.eval[i].taskName)
            .field(p + ".denseAccuracy", e.eval[i].denseAccuracy, a.eval[i].denseAccuracy)
            .field(p + ".prunedAccuracy", e.eval[i].prunedAccuracy, a.eval[i].prunedAccuracy)
            .field(p + ".removedFraction", e.eval[i].removedFraction, a.eval[i].removedFraction)
            .field(p + ".source", e.eval[i].source, a.eval[i].source)
            .field(p + ".method", e.eval[i].method, a.eval[i].method)
            .field(p + ".taskPath", e.eval[i].taskPath, a.eval[i].taskPath)
            .field(p + ".split", e.eval[i].split, a.eval[i].split)
            .field(p + ".metric", e.eval[i].metric, a.eval[i].metric)
            .field(p + ".examples", e.eval[i].examples, a.eval[i].examples)
            .list(p + ".denseCorrect", e.eval[i].denseCorrect, a.eval[i].denseCorrect)
            .list(p + ".prunedCorrect", e.eval[i].prunedCorrect, a.eval[i].prunedCorrect);
    }
    return d.result();
}

}  // namespace sieve::test

#include "app/cli/report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sieve::cli {

namespace {

std::string format(const char* fmt, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a);
    return buf;
}

std::string percent(double fraction) {
    return format("%5.1f %%", 100 * fraction);
}

}  // namespace

std::string modelSummaryTable(const ModelSummary& m, const std::vector<std::string>& tokenizer) {
    std::ostringstream out;
    out << "model         " << m.path << " (" << m.format << ")\n"
        << "architecture  " << m.architecture << ", " << m.layers << " layers, hidden " << m.hidden
        << ", intermediate " << m.intermediate << ", heads " << m.heads << "/" << m.kvHeads
        << " (q/kv), vocab " << m.vocab << "\n"
        << "parameters    " << m.totalParams << " total, " << m.prunableParams << " in " << m.matrices.size()
        << " prunable matrices\n"
        << "device        " << m.device << ", " << m.dtype << "\n";
    out << "tokenizer     " << (tokenizer.empty() ? std::string("none (token-id tasks only)") : "") << "\n";
    for (const std::string& line : tokenizer) out << "  " << line << "\n";
    out << "\n";
    char line[160];
    std::snprintf(line, sizeof line, "%-40s %6s %-10s %14s %10s\n", "matrix", "layer", "type",
                  "shape (D x H)", "params");
    out << line;
    for (const auto& x : m.matrices) {
        const std::string shape = std::to_string(x.rows) + " x " + std::to_string(x.cols);
        std::snprintf(line, sizeof line, "%-40s %6d %-10s %14s %10lld\n", x.name.c_str(), x.layer,
                      matrixTypeName(x.type), shape.c_str(), static_cast<long long>(x.params()));
        out << line;
    }
    return out.str();
}

namespace {
nlohmann::json summaryJson(const ModelSummary& m) {
    nlohmann::json j = {{"path", m.path},
                        {"format", m.format},
                        {"architecture", m.architecture},
                        {"layers", m.layers},
                        {"hidden", m.hidden},
                        {"intermediate", m.intermediate},
                        {"heads", m.heads},
                        {"kv_heads", m.kvHeads},
                        {"vocab", m.vocab},
                        {"total_params", m.totalParams},
                        {"prunable_params", m.prunableParams},
                        {"device", m.device},
                        {"dtype", m.dtype}};
    for (const auto& x : m.matrices)
        j["matrices"].push_back({{"name", x.name},
                                 {"layer", x.layer},
                                 {"type", matrixTypeName(x.type)},
                                 {"rows", x.rows},
                                 {"cols", x.cols}});
    return j;
}
}  // namespace

std::string modelSummaryJson(const ModelSummary& m, const std::vector<std::string>& tokenizer) {
    nlohmann::json j = summaryJson(m);
    j["tokenizer"] = tokenizer;
    // Names come from files (a GGUF's metadata, a session written elsewhere)
    // and need not be UTF-8; JSON output replaces such bytes (U+FFFD) rather than throwing.
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string uniformTable(const SessionData& s) {
    std::ostringstream out;
    const double a0 = s.baseline ? s.baseline->a0 : 0.0;
    out << "uniform pruning (a0 = " << format("%.4f", a0) << ", eps = " << s.provenance.eps << ")\n";
    for (const auto& u : s.uniform) {
        out << "  " << u.method << ": largest level within eps " << format("%.2f", u.bestLevel) << " -> "
            << percent(u.bestRemovedFraction) << " of prunable parameters removed, accuracy "
            << format("%.4f", u.bestAccuracy) << "\n";
        out << "      level  accuracy  removed\n";
        for (const auto& p : u.points)
            out << "      " << format("%5.2f", p.level) << "  " << format("%8.4f", p.accuracy) << "  "
                << percent(p.paramsRemovedFraction) << "\n";
    }
    return out.str();
}

std::string sensitivityTable(const SessionData& s, int top) {
    std::ostringstream out;
    const auto& matrices = s.model.summary.matrices;
    for (const auto& r : s.sensitivity) {
        out << "most sensitive matrices (" << r.method << ", each alone at level " << format("%.2f", r.level)
            << "):\n";
        for (int i = 0; i < top && i < int(r.ranking.size()); ++i) {
            const int m = r.ranking[i];
            out << "  " << (i + 1) << ". "
                << (m < int(matrices.size()) ? matrices[m].name : std::to_string(m)) << ": accuracy "
                << format("%.4f", r.accuracy[m]) << " (drop " << format("%.4f", r.drop[m]) << ")\n";
        }
    }
    return out.str();
}

std::string levelHeatmapTable(const SessionData& s) {
    if (!s.ga || s.ga->result.best.genes.empty()) return {};
    const auto& matrices = s.model.summary.matrices;
    const auto& genes = s.ga->result.best.genes;
    const auto& grid = s.provenance.levelGrid;
    int layers = 0;
    for (const auto& m : matrices) layers = std::max(layers, m.layer + 1);
    std::vector<std::vector<std::string>> cell(layers, std::vector<std::string>(kMatrixTypeCount, "   -"));
    for (size_t i = 0; i < matrices.size() && i < genes.size(); ++i)
        if (genes[i] >= 0 && genes[i] < int(grid.size()))
            cell[matrices[i].layer][int(matrices[i].type)] = format("%4.0f", 100 * grid[genes[i]]);
    std::ostringstream out;
    out << "GA best, % pruned per matrix\n  layer";
    for (int t = 0; t < kMatrixTypeCount; ++t) {
        const std::string name = matrixTypeShortName(MatrixType(t));
        out << std::string(7 - name.size(), ' ') << name;
    }
    out << "\n";
    for (int l = 0; l < layers; ++l) {
        out << "  " << format("%5.0f", l);
        for (int t = 0; t < kMatrixTypeCount; ++t) out << "   " << cell[l][t];
        out << "\n";
    }
    return out.str();
}

std::string sessionReport(const SessionData& s) {
    std::ostringstream out;
    out << "session: model " << s.model.summary.path << " (" << s.model.summary.architecture << "), task "
        << s.task.name << " (" << s.task.metric << ")\n";
    if (s.baseline)
        out << "baseline a0 = " << format("%.4f", s.baseline->a0) << " on " << s.baseline->examples
            << " examples\n";
    if (s.calibration)
        out << "calibration: " << s.calibration->examples << " examples, " << s.calibration->tokens
            << " tokens\n";
    out << uniformTable(s);
    if (s.ga) {
        const auto& r = s.ga->result;
        out << "genetic search (" << r.method << "): " << r.generations.size() << " generations"
            << (s.ga->complete ? "" : " (interrupted: resumable)") << ", best removes "
            << percent(r.best.removedFraction) << " at accuracy " << format("%.4f", r.best.accuracy)
            << (r.best.feasible ? "" : " (infeasible)") << "\n";
        out << levelHeatmapTable(s);
    }
    out << sensitivityTable(s, 5);
    for (const auto& e : s.eval)
        out << "held-out " << e.taskName << ": dense " << format("%.4f", e.denseAccuracy) << ", pruned "
            << format("%.4f", e.prunedAccuracy) << " with " << percent(e.removedFraction) << " removed\n";
    return out.str();
}

std::string sessionJson(const SessionData& s) {
    nlohmann::json j;
    j["model"] = summaryJson(s.model.summary);
    j["model"]["content_hash"] = s.model.contentHash;
    j["task"] = {
        {"name", s.task.name}, {"path", s.task.path}, {"metric", s.task.metric}, {"hash", s.task.hash}};
    j["eps"] = s.provenance.eps;
    j["level_grid"] = s.provenance.levelGrid;
    if (s.baseline) j["baseline"] = {{"a0", s.baseline->a0}, {"examples", s.baseline->examples}};
    for (const auto& u : s.uniform) {
        nlohmann::json ju = {{"method", u.method},
                             {"best_level", u.bestLevel},
                             {"best_accuracy", u.bestAccuracy},
                             {"best_removed_fraction", u.bestRemovedFraction}};
        for (const auto& p : u.points)
            ju["points"].push_back({{"level", p.level},
                                    {"accuracy", p.accuracy},
                                    {"removed_fraction", p.paramsRemovedFraction}});
        j["uniform"].push_back(ju);
    }
    if (s.ga) {
        const auto& r = s.ga->result;
        nlohmann::json jg = {{"method", r.method},
                             {"complete", s.ga->complete},
                             {"stopped_early", r.stoppedEarly},
                             {"best",
                              {{"genes", r.best.genes},
                               {"accuracy", r.best.accuracy},
                               {"removed_fraction", r.best.removedFraction},
                               {"fitness", r.best.fitness},
                               {"feasible", r.best.feasible}}}};
        for (const auto& g : r.generations)
            jg["generations"].push_back({{"index", g.index},
                                         {"best_fitness", g.bestFitness},
                                         {"mean_fitness", g.meanFitness},
                                         {"feasible_fraction", g.feasibleFraction}});
        j["ga"] = jg;
    }
    for (const auto& r : s.sensitivity)
        j["sensitivity"].push_back({{"method", r.method},
                                    {"level", r.level},
                                    {"accuracy", r.accuracy},
                                    {"drop", r.drop},
                                    {"ranking", r.ranking}});
    for (const auto& e : s.eval)
        j["eval"].push_back({{"task", e.taskName},
                             {"dense", e.denseAccuracy},
                             {"pruned", e.prunedAccuracy},
                             {"removed_fraction", e.removedFraction}});
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";  // as modelSummaryJson
}

std::string exportReportTable(const ExportReport& r) {
    std::ostringstream out;
    auto mb = [](int64_t bytes) { return format("%.2f MB", double(bytes) / 1e6); };
    out << "exported (" << r.format << ") to " << r.directory << "\n"
        << "                 parameters      weight file\n"
        << "  original   " << format("%14.0f", double(r.originalParams)) << "   " << mb(r.originalBytes)
        << "\n"
        << "  exported   " << format("%14.0f", double(r.exportedParams)) << "   " << mb(r.exportedBytes)
        << "\n"
        << "  " << r.factorizedMatrices << " matrices stored as factors B A\n";
    return out.str();
}

}  // namespace sieve::cli

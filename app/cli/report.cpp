#include "app/cli/report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/types/statistics.h"

namespace sieve::cli {

namespace {

std::string format(const char* fmt, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a);
    return buf;
}

// "30.5 % of prunable = 24.1 % of all parameters": the paper's numbers need both.
std::string removedText(double fractionOfPrunable, const ModelSummary& model) {
    std::string text = format("%.1f %% of prunable", 100 * fractionOfPrunable);
    if (model.totalParams > 0)
        text += format(" = %.1f %% of all", 100 * fractionOfAllParams(fractionOfPrunable, model));
    return text + " parameters";
}

// "0.5150 [0.4453, 0.5841]" (Wilson 95 %), or the bare number when the metric
// is not a proportion of examples or n is unknown.
std::string withInterval(double accuracy, int64_t n, const std::string& metric) {
    std::string text = format("%.4f", accuracy);
    if (n <= 0 || !isProportionMetric(metric)) return text;
    const Interval ci = wilsonIntervalOf(accuracy, n);
    return text + " [" + format("%.4f", ci.low) + ", " + format("%.4f", ci.high) + "]";
}

int64_t searchExamples(const SessionData& s) {
    return s.baseline ? s.baseline->examples : 0;
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

std::string baselineText(const SessionData& s) {
    if (!s.baseline) return {};
    const BaselineResult& b = *s.baseline;
    std::ostringstream out;
    out << "baseline a0 = " << withInterval(b.a0, b.examples, s.task.metric) << " on " << b.examples
        << " search examples (" << s.task.metric
        << (isProportionMetric(s.task.metric) ? ", Wilson 95 % interval" : "") << ")\n";
    if (s.provenance.eps > 0 && isProportionMetric(s.task.metric) && b.examples > 0) {
        const EpsResolution r = epsResolution(b.a0, b.examples, s.provenance.eps);
        out << "  eps " << format("%g", 100 * s.provenance.eps) << " % lets a0 drop by "
            << format("%.4f", r.allowedDrop) << " (" << format("%.1f", r.allowedExamples) << " of "
            << b.examples << " examples); a0 itself is known to +-" << format("%.4f", r.halfWidth) << ": ";
        if (r.resolvable)
            out << "the examples resolve it\n";
        else
            out << "eps is below what " << b.examples
                << " examples can resolve (the smallest they resolve is "
                << format("%.1f", 100 * r.smallestEps)
                << " %), so feasible and infeasible differ by noise; read the held-out scores\n";
    }
    return out.str();
}

std::string parametersText(const ModelSummary& m) {
    if (m.totalParams <= 0) return {};
    return "parameters: " + std::to_string(m.totalParams) + " in all, " + std::to_string(m.prunableParams) +
           " prunable (" + format("%.1f", 100.0 * double(m.prunableParams) / double(m.totalParams)) +
           " %; embeddings, norms and lm_head are never pruned)\n";
}

std::string uniformTable(const SessionData& s) {
    std::ostringstream out;
    const double a0 = s.baseline ? s.baseline->a0 : 0.0;
    const int64_t n = searchExamples(s);
    const std::string& metric = s.task.metric;
    const bool intervals = n > 0 && isProportionMetric(metric);
    out << "uniform pruning (a0 = " << format("%.4f", a0) << ", eps = " << s.provenance.eps
        << "; accuracy on " << n << " search examples" << (intervals ? " with its Wilson 95 % interval" : "")
        << ")\n";
    const ModelSummary& model = s.model.summary;
    const bool sizes = !model.matrices.empty();
    for (const auto& u : s.uniform) {
        out << "  " << u.method << ": largest level within eps " << format("%.2f", u.bestLevel) << " -> "
            << removedText(u.bestRemovedFraction, model) << " removed, accuracy "
            << withInterval(u.bestAccuracy, n, metric) << "\n";
        if (u.int8) {
            out << "  " << u.method << ", 8-bit factors: largest level within eps "
                << format("%.2f", u.int8->bestLevel) << " -> "
                << removedText(u.int8->bestRemovedFraction, model) << " removed, accuracy "
                << withInterval(u.int8->bestAccuracy, n, metric);
            if (sizes)
                out << "; the prunable matrices take "
                    << format("%.1f %%", 100 * int8SizeFraction(model, u.int8->bestLevel))
                    << " of their 16-bit dense size there";
            out << "\n";
        }
        out << "      level  accuracy" << (intervals ? "  95 % interval    " : "")
            << "  removed of prunable  of all" << (u.int8 ? "     8-bit  8-bit size" : "") << "\n";
        for (const auto& p : u.points) {
            out << "      " << format("%5.2f", p.level) << "  " << format("%8.4f", p.accuracy);
            if (intervals) {
                const Interval ci = wilsonIntervalOf(p.accuracy, n);
                out << "  [" << format("%.4f", ci.low) << ", " << format("%.4f", ci.high) << "]";
            }
            out << "  " << format("%16.1f %%", 100 * p.paramsRemovedFraction) << "  "
                << format("%5.1f %%", 100 * fractionOfAllParams(p.paramsRemovedFraction, model));
            if (u.int8) {
                // The 8-bit accuracy at this level ("-": that sweep did not evaluate it).
                const auto q = std::find_if(u.int8->points.begin(), u.int8->points.end(),
                                            [&](const UniformPoint& x) { return x.level == p.level; });
                out << "  "
                    << (q == u.int8->points.end() ? std::string("       -") : format("%8.4f", q->accuracy))
                    << "  "
                    << (sizes ? format("%8.1f %%", 100 * int8SizeFraction(model, p.level)) : "       -");
            }
            out << "\n";
        }
    }
    if (std::any_of(s.uniform.begin(), s.uniform.end(), [](const UniformResult& u) { return bool(u.int8); }))
        out << "  (8-bit: the same sweep with the low-rank factors in int8, one absmax scale per row;\n"
               "   8-bit size: the prunable matrices at that level with 8-bit factors, as a share of their\n"
               "   16-bit dense size; wanda keeps masks and has no 8-bit curve)\n";
    return out.str();
}

std::string heldOutTable(const SessionData& s) {
    if (s.eval.empty()) return {};
    std::ostringstream out;
    out << "held-out and other tasks: the dense and the pruned model on the same examples (never searched "
           "on); "
           "Wilson 95 % intervals; p: exact McNemar test of dense against pruned\n";
    const ModelSummary& model = s.model.summary;
    for (const HeldOutEval& e : s.eval) {
        const std::string metric = e.metric.empty() ? s.task.metric : e.metric;
        const std::string source = e.source.empty() ? std::string("ga") : e.source;
        const bool other = e.split == kEvaluationSplit;
        out << "  " << source
            << (e.method.empty() || source == "uniform:" + e.method ? "" : " (" + e.method + ")") << " on "
            << e.taskName << (other ? " (another task: generalisation)" : "") << ": ";
        if (e.examples > 0) out << e.examples << " examples, ";
        out << "dense " << withInterval(e.denseAccuracy, e.examples, metric) << ", pruned "
            << withInterval(e.prunedAccuracy, e.examples, metric) << ", "
            << removedText(e.removedFraction, model) << " removed\n";
        if (!e.denseCorrect.empty() && e.denseCorrect.size() == e.prunedCorrect.size()) {
            const PairedTest t = mcnemarExact(e.denseCorrect, e.prunedCorrect);
            out << "      " << t.onlyFirst << " examples lost, " << t.onlySecond
                << " gained, McNemar p = " << format("%.3g", t.pValue)
                << (t.pValue < 0.05 ? " (the pruned model differs from the dense one)"
                                    : " (no difference the examples can show)")
                << "\n";
        }
    }
    return out.str();
}

std::string loraTable(const SessionData& s, const std::vector<LoraRun>& runs) {
    if (runs.empty()) return {};
    std::ostringstream out;
    out << "LoRA recovery: the pruned model before and after training adapters on the calibration split "
           "(Wilson 95 % intervals)\n";
    for (const LoraRun& r : runs) {
        out << "  " << r.source << (r.level >= 0 ? format(" at level %.2f", r.level) : std::string()) << " ("
            << r.method << (r.int8Factors ? ", 8-bit factors" : "") << ", "
            << removedText(r.removedFraction, s.model.summary) << " removed; rank " << r.settings.rank << ", "
            << r.adapterParams << " adapter parameters, " << r.settings.steps << " steps in "
            << format("%.1f", r.seconds) << " s): loss "
            << format("%.4f", r.loss.empty() ? 0.0 : r.loss.front()) << " -> "
            << format("%.4f", r.loss.empty() ? 0.0 : r.loss.back()) << "\n";
        out << "      search " << withInterval(r.searchBefore, r.searchExamples, s.task.metric) << " -> "
            << withInterval(r.searchAfter, r.searchExamples, s.task.metric);
        if (r.heldOutExamples > 0)
            out << ", held-out " << withInterval(r.heldOutBefore, r.heldOutExamples, s.task.metric) << " -> "
                << withInterval(r.heldOutAfter, r.heldOutExamples, s.task.metric);
        out << "\n";
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
    out << parametersText(s.model.summary);
    out << baselineText(s);
    if (s.calibration)
        out << "calibration: " << s.calibration->examples << " examples, " << s.calibration->tokens
            << " tokens\n";
    out << uniformTable(s);
    if (s.ga) {
        const auto& r = s.ga->result;
        out << "genetic search (" << r.method << "): " << r.generations.size() << " generations"
            << (s.ga->complete ? "" : " (interrupted: resumable)") << ", best removes "
            << removedText(r.best.removedFraction, s.model.summary) << " at accuracy "
            << withInterval(r.best.accuracy, searchExamples(s), s.task.metric) << " on the search examples"
            << (r.best.feasible ? "" : " (infeasible)") << "\n";
        out << levelHeatmapTable(s);
    }
    out << sensitivityTable(s, 5);
    out << heldOutTable(s);
    out << loraTable(s, s.lora);
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
    const ModelSummary& model = s.model.summary;
    const int64_t n = searchExamples(s);
    // [low, high] of the Wilson 95 % interval; null when it does not apply.
    auto interval = [](double accuracy, int64_t examples, const std::string& metric) {
        if (examples <= 0 || !isProportionMetric(metric)) return nlohmann::json();
        const Interval ci = wilsonIntervalOf(accuracy, examples);
        return nlohmann::json::array({ci.low, ci.high});
    };
    if (s.baseline) {
        j["baseline"] = {{"a0", s.baseline->a0},
                         {"examples", s.baseline->examples},
                         {"interval", interval(s.baseline->a0, n, s.task.metric)}};
        if (s.provenance.eps > 0 && n > 0 && isProportionMetric(s.task.metric)) {
            const EpsResolution r = epsResolution(s.baseline->a0, n, s.provenance.eps);
            j["baseline"]["eps_resolution"] = {{"allowed_drop", r.allowedDrop},
                                               {"allowed_examples", r.allowedExamples},
                                               {"half_width", r.halfWidth},
                                               {"smallest_resolvable_eps", r.smallestEps},
                                               {"resolvable", r.resolvable}};
        }
    }
    for (const LoraRun& r : s.lora)
        j["lora"].push_back({{"source", r.source},
                             {"method", r.method},
                             {"level", r.level < 0 ? nlohmann::json() : nlohmann::json(r.level)},
                             {"removed_fraction", r.removedFraction},
                             {"int8_factors", r.int8Factors},
                             {"rank", r.settings.rank},
                             {"alpha", r.settings.alpha},
                             {"targets", r.settings.targets},
                             {"steps", r.settings.steps},
                             {"learning_rate", r.settings.learningRate},
                             {"batch_size", r.settings.batchSize},
                             {"adapter_params", r.adapterParams},
                             {"loss", r.loss},
                             {"search_before", r.searchBefore},
                             {"search_after", r.searchAfter},
                             {"search_examples", r.searchExamples},
                             {"held_out_before", r.heldOutBefore},
                             {"held_out_after", r.heldOutAfter},
                             {"held_out_examples", r.heldOutExamples},
                             {"seconds", r.seconds}});
    j["removed_fractions_are_of"] = "prunable parameters (the *_of_all fields: of all parameters)";
    for (const auto& u : s.uniform) {
        nlohmann::json ju = {
            {"method", u.method},
            {"best_level", u.bestLevel},
            {"best_accuracy", u.bestAccuracy},
            {"best_interval", interval(u.bestAccuracy, n, s.task.metric)},
            {"best_removed_fraction", u.bestRemovedFraction},
            {"best_removed_fraction_of_all", fractionOfAllParams(u.bestRemovedFraction, model)}};
        for (const auto& p : u.points)
            ju["points"].push_back(
                {{"level", p.level},
                 {"accuracy", p.accuracy},
                 {"interval", interval(p.accuracy, n, s.task.metric)},
                 {"removed_fraction", p.paramsRemovedFraction},
                 {"removed_fraction_of_all", fractionOfAllParams(p.paramsRemovedFraction, model)}});
        if (u.int8) {
            nlohmann::json jq = {{"best_level", u.int8->bestLevel},
                                 {"best_accuracy", u.int8->bestAccuracy},
                                 {"best_interval", interval(u.int8->bestAccuracy, n, s.task.metric)},
                                 {"best_removed_fraction", u.int8->bestRemovedFraction},
                                 {"best_size_of_16bit_dense", int8SizeFraction(model, u.int8->bestLevel)}};
            for (const auto& p : u.int8->points)
                jq["points"].push_back({{"level", p.level},
                                        {"accuracy", p.accuracy},
                                        {"interval", interval(p.accuracy, n, s.task.metric)},
                                        {"removed_fraction", p.paramsRemovedFraction},
                                        {"size_of_16bit_dense", int8SizeFraction(model, p.level)}});
            ju["int8"] = jq;
        }
        j["uniform"].push_back(ju);
    }
    if (s.ga) {
        const auto& r = s.ga->result;
        nlohmann::json jg = {
            {"method", r.method},
            {"complete", s.ga->complete},
            {"stopped_early", r.stoppedEarly},
            {"best",
             {{"genes", r.best.genes},
              {"accuracy", r.best.accuracy},
              {"interval", interval(r.best.accuracy, n, s.task.metric)},
              {"removed_fraction", r.best.removedFraction},
              {"removed_fraction_of_all", fractionOfAllParams(r.best.removedFraction, model)},
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
    for (const auto& e : s.eval) {
        const std::string metric = e.metric.empty() ? s.task.metric : e.metric;
        nlohmann::json je = {{"task", e.taskName},
                             {"task_path", e.taskPath},
                             {"split", e.split},
                             {"source", e.source},
                             {"method", e.method},
                             {"metric", metric},
                             {"examples", e.examples},
                             {"dense", e.denseAccuracy},
                             {"dense_interval", interval(e.denseAccuracy, e.examples, metric)},
                             {"pruned", e.prunedAccuracy},
                             {"pruned_interval", interval(e.prunedAccuracy, e.examples, metric)},
                             {"removed_fraction", e.removedFraction},
                             {"removed_fraction_of_all", fractionOfAllParams(e.removedFraction, model)}};
        if (!e.denseCorrect.empty() && e.denseCorrect.size() == e.prunedCorrect.size()) {
            const PairedTest t = mcnemarExact(e.denseCorrect, e.prunedCorrect);
            je["mcnemar"] = {{"lost", t.onlyFirst},
                             {"gained", t.onlySecond},
                             {"both_correct", t.bothCorrect},
                             {"both_wrong", t.bothWrong},
                             {"p", t.pValue}};
        }
        j["eval"].push_back(je);
    }
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
        << (r.format == "factorized"
                ? "  " + std::to_string(r.factorizedMatrices) + " matrices stored as " +
                      (r.int8Factors ? "8-bit factors B A (int8, one float32 scale per direction)"
                                     : "factors B A") +
                      "\n"
                : std::string());
    for (const std::string& note : r.notes) out << "  note: " << note << "\n";
    if (r.tokensPerSecond > 0 && r.denseTokensPerSecond > 0) {
        char line[160];
        std::snprintf(line, sizeof line,
                      "  forward: %.0f tokens/s exported, %.0f dense (%.2fx), one sequence of %lld tokens\n",
                      r.tokensPerSecond, r.denseTokensPerSecond, r.tokensPerSecond / r.denseTokensPerSecond,
                      static_cast<long long>(r.speedTokens));
        out << line;
    }
    return out.str();
}

}  // namespace sieve::cli

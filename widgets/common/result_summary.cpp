#include "widgets/common/result_summary.h"

#include <QCoreApplication>
#include <cmath>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

namespace {
int splitSize(const SessionData& session, const char* name) {
    const auto it = session.task.splitSizes.find(name);
    return it == session.task.splitSizes.end() ? 0 : int(it->second);
}
}  // namespace

QString GaSummary::methodLabel() const {
    return style::methodLabel(method);
}

bool GaSummary::heldOutBelowThreshold() const {
    return heldOut && heldOut->prunedAccuracy < heldOutThreshold() - 1e-12;
}

bool isHeldOutCheckOfGaBest(const HeldOutEval& e, const SessionData& session) {
    if (!session.ga) return false;
    const GaResult& ga = session.ga->result;
    if (!e.split.empty() && e.split != kHeldOutSplit) return false;  // scored on another task
    if (!e.source.empty() && e.source != "ga") return false;         // a uniform optimum, another chromosome
    if (!e.method.empty() && !ga.method.empty() && e.method != ga.method) return false;  // an earlier search
    return std::abs(e.removedFraction - ga.best.removedFraction) < 1e-9;
}

std::optional<HeldOutEval> heldOutOfGaBest(const SessionData& session) {
    for (const HeldOutEval& e : session.eval)
        if (isHeldOutCheckOfGaBest(e, session)) return e;
    return std::nullopt;
}

GaSummary summarizeGa(const SessionData& session) {
    GaSummary s;
    s.a0 = session.baseline ? session.baseline->a0 : 0.0;
    s.eps = session.provenance.eps;
    s.searchExamples = splitSize(session, "search");
    s.heldOutExamples = splitSize(session, "held_out");
    if (!session.ga || session.ga->result.best.genes.empty() ||
        session.ga->result.best.genes.size() != session.model.summary.matrices.size())
        return s;
    const GaResult& ga = session.ga->result;
    s.valid = true;
    s.method = QString::fromStdString(ga.method);
    s.generation = ga.generations.empty() ? -1 : ga.generations.back().index;
    s.removedFraction = ga.best.removedFraction;
    s.searchAccuracy = ga.best.accuracy;
    s.heldOut = heldOutOfGaBest(session);
    return s;
}

int examplesEpsAllows(double eps, double a0, int examples) {
    return int(std::floor(eps * a0 * examples + 1e-9));
}

QString resultLabel(const QString& result) {
    if (result == QLatin1String("ga"))
        return QCoreApplication::translate("sieve::widgets::ResultSummary", "Genetic search best");
    return QCoreApplication::translate("sieve::widgets::ResultSummary", "Uniform optimum of %1")
        .arg(style::methodLabel(result.mid(int(qstrlen("uniform:")))));
}

QStringList resultWarnings(const SessionData& session, double eps) {
    QStringList warnings;
    GaSummary s = summarizeGa(session);
    s.eps = eps;
    if (s.valid && s.heldOutBelowThreshold())
        warnings << QCoreApplication::translate(
                        "sieve::widgets::ResultSummary",
                        "Held-out accuracy %1 of the %2 GA best is below (1 − ε) × dense %3 = %4: the search "
                        "examples overstate how well the pruned model does on new examples.")
                        .arg(accuracyText(s.heldOut->prunedAccuracy), s.methodLabel(),
                             accuracyText(s.heldOut->denseAccuracy), accuracyText(s.heldOutThreshold()));
    if (session.baseline && s.searchExamples > 0 && examplesEpsAllows(eps, s.a0, s.searchExamples) == 0)
        warnings << QCoreApplication::translate(
                        "sieve::widgets::ResultSummary",
                        "Only %1 search examples: ε = %2 lets a pruned model lose no example at all (one is "
                        "%3 of the accuracy), so every ε below %4 is the same test. Use a larger task or a "
                        "smaller held-out share.")
                        .arg(s.searchExamples)
                        .arg(style::percent(eps, eps * 100 < 1 ? 1 : 0))
                        .arg(style::percent(1.0 / s.searchExamples, 1))
                        .arg(style::percent(s.a0 > 0 ? 1.0 / (s.a0 * s.searchExamples) : 1.0, 1));
    return warnings;
}

QString accuracyText(double accuracy) {
    return QString::number(accuracy, 'f', 3);
}

}  // namespace sieve::widgets

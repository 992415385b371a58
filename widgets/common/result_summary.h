#pragma once
// What the window says about a session's genetic-search result, in one
// place: which method made it, its search accuracy against (1 − ε)·a₀, its
// held-out score (seen by no search) against (1 − ε) times the dense model's
// held-out score, and whether the search set is large enough for ε to mean
// anything. The banner, the status bar, the plot titles and the log all read
// it, so they never disagree. Torch-free; no widgets.
#include <QString>
#include <QStringList>
#include <optional>

#include "core/session/session_data.h"

namespace sieve::widgets {

struct GaSummary {
    bool valid = false;   // the session has a GA best for its model
    QString method;       // registry name, "sieve"
    int generation = -1;  // of the last finished generation; -1 when unknown
    double removedFraction = 0;
    double searchAccuracy = 0;
    double a0 = 0;  // dense, on the search examples
    double eps = 0;
    int searchExamples = 0;
    int heldOutExamples = 0;
    std::optional<HeldOutEval> heldOut;  // of this GA best

    QString methodLabel() const;  // "LLM-Sieve" (translated)
    double searchThreshold() const { return (1.0 - eps) * a0; }
    // (1 − ε) times the dense model's score on the same held-out examples.
    double heldOutThreshold() const { return heldOut ? (1.0 - eps) * heldOut->denseAccuracy : 0.0; }
    bool heldOutBelowThreshold() const;
};

// The GA best of `session` (valid = false when there is none).
GaSummary summarizeGa(const SessionData& session);

// The held-out check of the session's GA best: the eval entry made on the
// same chromosome (same share of parameters removed); none when the check
// belongs to an earlier search or was not run.
std::optional<HeldOutEval> heldOutOfGaBest(const SessionData& session);
// Whether `eval` is that check: the GA best (not a uniform optimum or another
// chromosome) scored on the session task's held-out examples (not on another
// task). Sessions written before evals named their source and split count as
// the GA best's check when the removed share matches.
bool isHeldOutCheckOfGaBest(const HeldOutEval& eval, const SessionData& session);

// Examples the accuracy budget lets a pruned model lose: floor(ε · a₀ · n).
int examplesEpsAllows(double eps, double a0, int examples);

// Warnings a reader must see, one sentence each: held-out below its
// threshold; a search set too small for ε to mean anything (ε allows no lost
// example). `eps` and `a0` are the ones of the run (a session without
// results takes them from the run panel).
QStringList resultWarnings(const SessionData& session, double eps);

// What a result of the session ("ga" or "uniform:METHOD") is called in a
// dialog: "Genetic search best", "Uniform optimum of LLM-Sieve" (translated).
QString resultLabel(const QString& result);

// "1.000" — accuracies are shown with three decimals everywhere.
QString accuracyText(double accuracy);

}  // namespace sieve::widgets

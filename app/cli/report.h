#pragma once
// Text and JSON views of models and sessions for the terminal.
#include <string>

#include "core/export/export_report.h"
#include "core/session/session_data.h"
#include "core/types/matrix_info.h"

namespace sieve::cli {

// The model and, when given, what its tokenizer read (Engine::tokenizerDescription).
std::string modelSummaryTable(const ModelSummary& m, const std::vector<std::string>& tokenizer = {});
std::string modelSummaryJson(const ModelSummary& m, const std::vector<std::string>& tokenizer = {});
// Every removed fraction is printed of the prunable parameters and of all
// parameters; every accuracy of a proportion metric with its Wilson 95 %
// interval (n: the examples it was measured on).
std::string baselineText(const SessionData& s);
std::string uniformTable(const SessionData& s);
// Held-out and other-task scores: dense and pruned on the same examples,
// intervals, lost/gained examples and the exact McNemar test.
std::string heldOutTable(const SessionData& s);
// LoRA recoveries (`runs`, or every one of the session): the pruned model's
// score before and after on the search and held-out examples, the loss.
std::string loraTable(const SessionData& s, const std::vector<LoraRun>& runs);
std::string sensitivityTable(const SessionData& s, int top = 10);
// Layers x matrix types, each cell the GA best's pruning level in percent.
std::string levelHeatmapTable(const SessionData& s);
std::string sessionReport(const SessionData& s);
std::string sessionJson(const SessionData& s);
std::string exportReportTable(const ExportReport& r);

}  // namespace sieve::cli

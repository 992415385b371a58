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
std::string uniformTable(const SessionData& s);
std::string sensitivityTable(const SessionData& s, int top = 10);
// Layers x matrix types, each cell the GA best's pruning level in percent.
std::string levelHeatmapTable(const SessionData& s);
std::string sessionReport(const SessionData& s);
std::string sessionJson(const SessionData& s);
std::string exportReportTable(const ExportReport& r);

}  // namespace sieve::cli

#pragma once
// The core result structs as Qt metatypes, so they travel through queued
// signal connections from the engine's worker thread to the GUI thread.
#include <QMetaType>
#include <QString>

#include "core/job/job.h"
#include "core/model/matrix_info.h"
#include "core/search/results.h"

Q_DECLARE_METATYPE(sieve::Progress)
Q_DECLARE_METATYPE(sieve::ModelSummary)
Q_DECLARE_METATYPE(sieve::BaselineResult)
Q_DECLARE_METATYPE(sieve::UniformPoint)
Q_DECLARE_METATYPE(sieve::UniformResult)
Q_DECLARE_METATYPE(sieve::Individual)
Q_DECLARE_METATYPE(sieve::Generation)
Q_DECLARE_METATYPE(sieve::GaSettings)
Q_DECLARE_METATYPE(sieve::GaResult)
Q_DECLARE_METATYPE(sieve::SensitivityResult)
Q_DECLARE_METATYPE(sieve::LevelStatistics)
Q_DECLARE_METATYPE(sieve::LevelGrid)

namespace sieve::widgets {
// Registers every type above (and the widgets' own request structs); call once
// before connecting across threads. Idempotent.
void registerMetaTypes();
}  // namespace sieve::widgets

#pragma once
// The core result structs as Qt metatypes, so they travel through queued
// signal connections from the engine's worker thread to the GUI thread.
#include <QMetaType>
#include <QString>

#include "core/types/chromosome_evaluation.h"
#include "core/types/device_choice.h"
#include "core/types/job.h"
#include "core/types/matrix_info.h"
#include "core/types/results.h"
#include "core/types/run_settings.h"

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
Q_DECLARE_METATYPE(sieve::HeldOutEval)
Q_DECLARE_METATYPE(sieve::TaskInfo)
Q_DECLARE_METATYPE(sieve::RunSettings)
Q_DECLARE_METATYPE(sieve::DeviceChoice)
Q_DECLARE_METATYPE(sieve::ChromosomeEvaluation)
Q_DECLARE_METATYPE(sieve::LoraRun)
Q_DECLARE_METATYPE(sieve::LoraSettings)

namespace sieve::widgets {
// Registers every type above; call once
// before connecting across threads. Idempotent.
void registerMetaTypes();
}  // namespace sieve::widgets

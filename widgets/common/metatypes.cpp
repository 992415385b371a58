#include "widgets/common/metatypes.h"

namespace sieve::widgets {

void registerMetaTypes() {
    qRegisterMetaType<sieve::Progress>("sieve::Progress");
    qRegisterMetaType<sieve::ModelSummary>("sieve::ModelSummary");
    qRegisterMetaType<sieve::BaselineResult>("sieve::BaselineResult");
    qRegisterMetaType<sieve::UniformPoint>("sieve::UniformPoint");
    qRegisterMetaType<sieve::UniformResult>("sieve::UniformResult");
    qRegisterMetaType<sieve::Individual>("sieve::Individual");
    qRegisterMetaType<sieve::Generation>("sieve::Generation");
    qRegisterMetaType<sieve::GaSettings>("sieve::GaSettings");
    qRegisterMetaType<sieve::GaResult>("sieve::GaResult");
    qRegisterMetaType<sieve::SensitivityResult>("sieve::SensitivityResult");
    qRegisterMetaType<sieve::LevelStatistics>("sieve::LevelStatistics");
    qRegisterMetaType<sieve::LevelGrid>("sieve::LevelGrid");
    qRegisterMetaType<sieve::HeldOutEval>("sieve::HeldOutEval");
    qRegisterMetaType<sieve::LoraRun>("sieve::LoraRun");
    qRegisterMetaType<sieve::LoraSettings>("sieve::LoraSettings");
    qRegisterMetaType<sieve::TaskInfo>("sieve::TaskInfo");
    qRegisterMetaType<sieve::RunSettings>("sieve::RunSettings");
    qRegisterMetaType<sieve::DeviceChoice>("sieve::DeviceChoice");
    qRegisterMetaType<sieve::ChromosomeEvaluation>("sieve::ChromosomeEvaluation");
}

}  // namespace sieve::widgets

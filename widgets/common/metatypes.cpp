#include "widgets/common/metatypes.h"

#include "widgets/engine_client.h"

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
    qRegisterMetaType<sieve::widgets::RunSettings>("sieve::widgets::RunSettings");
    qRegisterMetaType<sieve::widgets::SessionResults>("sieve::widgets::SessionResults");
}

}  // namespace sieve::widgets

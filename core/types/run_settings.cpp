#include "core/types/run_settings.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/types/method_registry.h"

namespace sieve {

namespace {

template <typename T>
void requireRange(const char* name, T value, T low, T high) {
    if (!(value >= low && value <= high)) {
        std::ostringstream s;
        s << name << " " << value << " is outside [" << low << ", " << high << "]";
        throw InputError(s.str());
    }
}

}  // namespace

std::string searchMethodOf(const RunSettings& settings) {
    return settings.searchMethod.empty() ? defaultSearchMethod(settings.methods) : settings.searchMethod;
}

int sensitivityLevelIndex(const RunSettings& settings) {
    const LevelGrid& grid = settings.grid;
    int best = int(grid.size()) - 1;
    if (settings.sensitivityLevel < 0) return best;
    for (int i = 0; i < int(grid.size()); ++i)
        if (std::abs(grid[i] - settings.sensitivityLevel) < std::abs(grid[best] - settings.sensitivityLevel))
            best = i;
    return best;
}

void validateRunSettings(const RunSettings& s) {
    if (s.methods.empty()) throw InputError("no projection method chosen (known: " + methodNameList() + ")");
    for (size_t i = 0; i < s.methods.size(); ++i) {
        requireMethod(s.methods[i]);
        if (std::find(s.methods.begin(), s.methods.begin() + i, s.methods[i]) != s.methods.begin() + i)
            throw InputError("projection method '" + s.methods[i] + "' is listed twice");
    }
    const MethodInfo& search = requireMethod(searchMethodOf(s));
    if (search.uniformOnly)
        throw InputError("method '" + search.name +
                         "' serves uniform sweeps only (its factors depend on the levels of the blocks "
                         "before): use another method, e.g. 'sieve', for the genetic search, the "
                         "sensitivity scan and exports");
    if (!(s.eps > 0.0 && s.eps < 1.0))
        throw InputError("eps " + std::to_string(s.eps) + " is outside (0, 1)");
    validateLevelGrid(s.grid);
    if (s.grid.size() < 2) throw InputError("the level grid needs a level above 0");
    if (!(s.sensitivityLevel < 1.0))
        throw InputError("sensitivity level " + std::to_string(s.sensitivityLevel) + " is not below 1");
    requireRange<int64_t>("calibration tokens", s.maxCalibrationTokens, 0, int64_t(1) << 40);
    const GaSettings& ga = s.ga;
    requireRange("GA population", ga.population, 2, 100000);
    requireRange("GA generations", ga.generations, 1, 1000000);
    requireRange("GA tournament size", ga.tournament, 1, ga.population);
    requireRange("GA crossover probability", ga.crossoverProbability, 0.0, 1.0);
    requireRange("GA mutation probability", ga.mutationProbability, 0.0, 1.0);
    requireRange("GA elitism", ga.elitism, 0, ga.population - 1);
    requireRange("GA uniform seeds", ga.uniformSeeds, 0, ga.population);
    requireRange("GA patience", ga.patience, 1, 1000000);
    requireRange<int64_t>("state reuse memory", s.speed.reuseBytes, 0, int64_t(1) << 46);
    requireRange("state reuse stride", s.speed.reuseStride, 1, 100000);
    requireRange<int64_t>("scoring batch tokens", s.speed.batchTokens, 16, int64_t(1) << 24);
}

}  // namespace sieve

#include "core/types/results.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace sieve {

LevelGrid defaultLevelGrid() {
    LevelGrid grid;
    for (int i = 0; i < 10; ++i) grid.push_back(i / 10.0);
    return grid;
}

void validateLevelGrid(const LevelGrid& grid) {
    if (grid.empty()) throw InputError("level grid is empty");
    for (double p : grid)
        if (!(p >= 0.0 && p < 1.0))
            throw InputError("level grid value " + std::to_string(p) + " is outside [0, 1)");
    LevelGrid sorted = grid;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 1; i < sorted.size(); ++i)
        if (std::abs(sorted[i] - sorted[i - 1]) < 1e-12)
            throw InputError("level grid has a duplicate value " + std::to_string(sorted[i]));
    if (sorted != grid) throw InputError("level grid must be in ascending order");
    if (grid.front() != 0.0) throw InputError("level grid must start at 0 (dense)");
}

std::vector<double> levelsOf(const std::vector<int>& genes, const LevelGrid& grid) {
    std::vector<double> levels;
    levels.reserve(genes.size());
    for (size_t i = 0; i < genes.size(); ++i) {
        if (genes[i] < 0 || size_t(genes[i]) >= grid.size())
            throw InputError("gene " + std::to_string(i) + " is " + std::to_string(genes[i]) +
                             ", off the level grid of " + std::to_string(grid.size()) + " levels");
        levels.push_back(grid[size_t(genes[i])]);
    }
    return levels;
}

ResultSource parseResultSource(const std::string& text, const std::string& where) {
    if (text == "ga") return ResultSource{true, {}};
    const std::string prefix = "uniform:";
    if (text.rfind(prefix, 0) == 0 && text.size() > prefix.size())
        return ResultSource{false, text.substr(prefix.size())};
    throw InputError(where + ": '" + text +
                     "' names no result: use 'ga' (the genetic search's best) or 'uniform:METHOD' (that "
                     "method's uniform optimum)");
}

std::string resultSourceText(const ResultSource& source) {
    return source.ga ? std::string("ga") : "uniform:" + source.method;
}

}  // namespace sieve

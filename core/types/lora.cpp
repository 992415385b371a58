#include "core/types/lora.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/types/matrix_info.h"

namespace sieve {

namespace {

bool knownTarget(const std::string& name) {
    for (int t = 0; t < kMatrixTypeCount; ++t)
        if (name == matrixTypeShortName(MatrixType(t))) return true;
    return false;
}

std::string targetList() {
    std::string out;
    for (int t = 0; t < kMatrixTypeCount; ++t)
        out += (t ? ", " : "") + std::string(matrixTypeShortName(MatrixType(t)));
    return out;
}

}  // namespace

void validateLoraSettings(const LoraSettings& s) {
    auto fail = [](const std::string& what) { throw InputError("LoRA: " + what); };
    if (s.rank < 1 || s.rank > 4096) fail("rank " + std::to_string(s.rank) + " is outside [1, 4096]");
    if (!(s.alpha > 0 && std::isfinite(s.alpha))) fail("alpha must be a positive number");
    if (s.steps < 1 || s.steps > 1000000)
        fail("steps " + std::to_string(s.steps) + " is outside [1, 1000000]");
    if (!(s.learningRate > 0 && s.learningRate < 1)) fail("the learning rate must be in (0, 1)");
    if (s.batchSize < 1 || s.batchSize > 4096)
        fail("batch size " + std::to_string(s.batchSize) + " is outside [1, 4096]");
    if (s.targets.empty()) fail("no target matrix type (known: " + targetList() + ")");
    for (size_t i = 0; i < s.targets.size(); ++i) {
        if (!knownTarget(s.targets[i]))
            fail("unknown target matrix type '" + s.targets[i] + "' (known: " + targetList() + ")");
        if (std::find(s.targets.begin(), s.targets.begin() + long(i), s.targets[i]) !=
            s.targets.begin() + long(i))
            fail("target '" + s.targets[i] + "' is listed twice");
    }
}

std::vector<std::string> parseLoraTargets(const std::string& text, const std::string& where) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) {
            if (!knownTarget(item))
                throw InputError(where + ": unknown matrix type '" + item + "' (known: " + targetList() +
                                 ")");
            out.push_back(item);
        }
    return out;
}

std::string loraRunKey(const LoraRun& run) {
    std::ostringstream s;
    s << run.source << '|' << run.method;
    if (run.level >= 0) s << '@' << run.level;
    if (run.int8Factors) s << "|int8";
    return s.str();
}

}  // namespace sieve

#include "core/session/ga_resume_key.h"

#include <cstdio>
#include <sstream>

namespace sieve {

namespace {

// Round-trip exact and short: 0.05 stays "0.05".
std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    double back = 0;
    for (int digits = 1; digits <= 17; ++digits) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", digits, value);
        std::sscanf(shorter, "%lf", &back);
        if (back == value) return shorter;
    }
    return text;
}

std::string numbers(const std::vector<double>& values) {
    std::string text;
    for (double v : values) text += (text.empty() ? "" : ",") + number(v);
    return text;
}

}  // namespace

GaResumeKey::GaResumeKey(const GaResumeInputs& in) {
    // "fitness" names the fitness definition (PruningProblem::fitness): a
    // history scored by another definition never resumes.
    fields_ = {{"fitness", "feasible-removed"},
               {"method", in.method},
               {"eps", number(in.eps)},
               {"grid", numbers(in.grid)},
               {"model", in.modelHash},
               {"task", in.taskHash},
               {"search_examples", std::to_string(in.searchExamples)},
               {"calibration_tokens", std::to_string(in.calibrationTokens)},
               {"seed", std::to_string(in.ga.seed)},
               {"population", std::to_string(in.ga.population)},
               {"tournament", std::to_string(in.ga.tournament)},
               {"crossover_probability", number(in.ga.crossoverProbability)},
               {"uniform_crossover", in.ga.uniformCrossover ? "1" : "0"},
               {"mutation_probability", number(in.ga.mutationProbability)},
               {"elitism", std::to_string(in.ga.elitism)},
               {"uniform_seeds", std::to_string(in.ga.uniformSeeds)}};
}

GaResumeKey GaResumeKey::parse(const std::string& text) {
    GaResumeKey key;
    std::istringstream in(text);
    std::string field;
    while (std::getline(in, field, ';')) {
        const size_t start = field.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        field = field.substr(start);
        const size_t eq = field.find('=');
        if (eq == std::string::npos) continue;
        key.fields_.emplace_back(field.substr(0, eq), field.substr(eq + 1));
    }
    return key;
}

std::string GaResumeKey::text() const {
    std::string text;
    for (const auto& [name, value] : fields_) text += (text.empty() ? "" : "; ") + name + "=" + value;
    return text;
}

std::string GaResumeKey::differences(const GaResumeKey& other) const {
    if (empty() || other.empty()) return "no resume key recorded";
    std::map<std::string, std::string> mine(fields_.begin(), fields_.end());
    std::map<std::string, std::string> theirs(other.fields_.begin(), other.fields_.end());
    std::string text;
    auto shorten = [](const std::string& v) { return v.size() > 24 ? v.substr(0, 12) + "..." : v; };
    for (const auto& [name, value] : fields_) {
        const auto it = theirs.find(name);
        const std::string then = it == theirs.end() ? "(none)" : it->second;
        if (then != value)
            text += (text.empty() ? "" : ", ") + name + " " + shorten(value) + " -> " + shorten(then);
    }
    for (const auto& [name, value] : other.fields_)
        if (!mine.count(name)) text += (text.empty() ? "" : ", ") + name + " (none) -> " + shorten(value);
    return text;
}

}  // namespace sieve

#pragma once
// The demo model's skills: five small problems that need different machinery
// inside a transformer, so that pruning for one visibly keeps other matrices
// than pruning for another:
//   add       "add 57+08="    -> "065"      carries across digit positions
//   reverse   "rev kqzta="    -> "atzqk"    position arithmetic in attention
//   sort      "sort 7294="    -> "2479"     counting / comparison
//   capital   "capital Velor=" -> "Bridan"  recall of a fact table (MLP memory)
//   brackets  "close ([{="    -> "}])"      a stack: close the open brackets
// Every answer ends with "\n" (the stop string). Deterministic: the same seed
// gives the same examples everywhere (mt19937_64 and our own range mapping).
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sieve::demo {

enum class Skill { Add = 0, Reverse, Sort, Capital, Brackets };
inline constexpr int kSkillCount = 5;
const char* skillName(Skill skill);  // "add", "reverse", "sort", "capital", "brackets"
std::vector<Skill> allSkills();

struct DemoExample {
    Skill skill = Skill::Add;
    std::string prompt;  // ends with '='
    std::string answer;  // without the trailing "\n"
};

// The invented country -> capital table (fixed: it is what the model knows,
// whatever the training seed). Names exist nowhere but in this corpus.
const std::vector<std::pair<std::string, std::string>>& capitalTable();

class ExampleGenerator {
public:
    explicit ExampleGenerator(uint64_t seed) : engine_(seed) {}
    DemoExample next(Skill skill);
    // Uniform in [0, n), the same on every standard library.
    uint64_t below(uint64_t n);

private:
    std::mt19937_64 engine_;
};

}  // namespace sieve::demo

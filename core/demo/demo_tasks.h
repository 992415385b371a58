#pragma once
// The demo model's task files: one per skill and a mixed one, generated from
// a seed, with unique prompts. The trainer keeps every prompt of these files
// out of its training stream.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/demo/skills.h"
#include "core/task/task.h"

namespace sieve::demo {

struct DemoTaskSet {
    std::vector<std::pair<Skill, std::vector<DemoExample>>> perSkill;
    std::vector<DemoExample> mixed;  // a subset of perSkill, interleaved
    std::set<std::string> prompts;   // every prompt above
};

// `perSkill` unique examples of each skill (capital: min(perSkill, table size)),
// and `mixedPerSkill` of each for the mixed task.
DemoTaskSet makeDemoTasks(uint64_t seed, int perSkill, int mixedPerSkill);

// The task header every demo task shares: generate, exact_match, stop "\n".
TaskSpec demoTaskSpec(const std::string& name, uint64_t splitSeed);

// Writes <dir>/<skill>.jsonl for each skill and <dir>/mixed.jsonl; returns the paths.
std::vector<std::string> writeDemoTasks(const DemoTaskSet& tasks, const std::string& dir, uint64_t splitSeed);

}  // namespace sieve::demo

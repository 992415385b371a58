#include "core/demo/demo_tasks.h"

#include <algorithm>
#include <filesystem>

#include "core/task/task_file.h"

namespace sieve::demo {

namespace {

TaskExample toTaskExample(const DemoExample& ex, bool tagged) {
    TaskExample t;
    t.prompt = ex.prompt;
    t.answers = {ex.answer};
    if (tagged) t.tag = skillName(ex.skill);
    return t;
}

}  // namespace

DemoTaskSet makeDemoTasks(uint64_t seed, int perSkill, int mixedPerSkill) {
    DemoTaskSet set;
    ExampleGenerator gen(seed);
    for (Skill skill : allSkills()) {
        const int wanted =
            skill == Skill::Capital ? std::min<int>(perSkill, int(capitalTable().size())) : perSkill;
        std::vector<DemoExample> examples;
        std::set<std::string> seen;
        if (skill == Skill::Capital) {
            // The table in a seeded order: each fact once.
            std::vector<int> order(capitalTable().size());
            for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
            for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
            for (int i = 0; i < wanted; ++i) {
                const auto& [country, capital] = capitalTable()[size_t(order[size_t(i)])];
                examples.push_back({Skill::Capital, "capital " + country + "=", capital});
            }
        } else {
            while (int(examples.size()) < wanted) {
                DemoExample ex = gen.next(skill);
                if (seen.insert(ex.prompt).second) examples.push_back(std::move(ex));
            }
        }
        for (const auto& ex : examples) set.prompts.insert(ex.prompt);
        set.perSkill.emplace_back(skill, std::move(examples));
    }
    // Mixed: the first `mixedPerSkill` of every skill, interleaved skill by skill.
    for (int i = 0; i < mixedPerSkill; ++i)
        for (const auto& [skill, examples] : set.perSkill)
            if (i < int(examples.size())) set.mixed.push_back(examples[size_t(i)]);
    return set;
}

TaskSpec demoTaskSpec(const std::string& name, uint64_t splitSeed) {
    TaskSpec spec;
    spec.name = name;
    spec.kind = TaskKind::Generate;
    spec.metric = Metric::ExactMatch;
    spec.maxNewTokens = 10;
    spec.stopStrings = {"\n"};
    spec.split.seed = splitSeed;
    spec.split.calibrationFraction = 0.5;
    return spec;
}

std::vector<std::string> writeDemoTasks(const DemoTaskSet& tasks, const std::string& dir,
                                        uint64_t splitSeed) {
    std::filesystem::create_directories(dir);
    std::vector<std::string> paths;
    for (const auto& [skill, examples] : tasks.perSkill) {
        std::vector<TaskExample> out;
        for (const auto& ex : examples) out.push_back(toTaskExample(ex, false));
        const std::string path =
            (std::filesystem::path(dir) / (std::string(skillName(skill)) + ".jsonl")).string();
        writeTaskFile(path, demoTaskSpec(skillName(skill), splitSeed), out);
        paths.push_back(path);
    }
    std::vector<TaskExample> mixed;
    for (const auto& ex : tasks.mixed) mixed.push_back(toTaskExample(ex, true));
    const std::string path = (std::filesystem::path(dir) / "mixed.jsonl").string();
    writeTaskFile(path, demoTaskSpec("mixed", splitSeed), mixed);
    paths.push_back(path);
    return paths;
}

}  // namespace sieve::demo

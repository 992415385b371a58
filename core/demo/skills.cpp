#include "core/demo/skills.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sieve::demo {

namespace {

const char* kSyllables[] = {"ka",  "lo",  "mi",  "ru",  "ze",  "ta",  "vo",  "ni",  "pe",  "sa",
                            "dor", "vel", "qua", "bri", "xan", "tol", "fen", "gar", "mon", "ith"};
constexpr int kSyllableCount = sizeof(kSyllables) / sizeof(kSyllables[0]);
constexpr int kCapitalCount = 40;
constexpr uint64_t kCapitalSeed = 7;
const char kOpen[] = "([{<";
const char kClose[] = ")]}>";

std::string capitalized(std::string s) {
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string padded(uint64_t value, size_t width) {
    std::string s = std::to_string(value);
    return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

}  // namespace

const char* skillName(Skill skill) {
    switch (skill) {
        case Skill::Add:
            return "add";
        case Skill::Reverse:
            return "reverse";
        case Skill::Sort:
            return "sort";
        case Skill::Capital:
            return "capital";
        case Skill::Brackets:
            return "brackets";
    }
    return "?";
}

std::vector<Skill> allSkills() {
    return {Skill::Add, Skill::Reverse, Skill::Sort, Skill::Capital, Skill::Brackets};
}

uint64_t ExampleGenerator::below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = engine_();
    while (x >= limit);
    return x % n;
}

const std::vector<std::pair<std::string, std::string>>& capitalTable() {
    static const std::vector<std::pair<std::string, std::string>> table = [] {
        ExampleGenerator g(kCapitalSeed);
        auto word = [&](int syllables) {
            std::string w;
            for (int i = 0; i < syllables; ++i) w += kSyllables[g.below(kSyllableCount)];
            return capitalized(w);
        };
        std::vector<std::pair<std::string, std::string>> out;
        std::set<std::string> used;
        while (int(out.size()) < kCapitalCount) {
            std::string country = word(2);
            if (!used.insert(country).second) continue;
            out.emplace_back(country, word(2 + int(g.below(2))));
        }
        return out;
    }();
    return table;
}

DemoExample ExampleGenerator::next(Skill skill) {
    DemoExample ex;
    ex.skill = skill;
    switch (skill) {
        case Skill::Add: {
            // Fixed width (2 + 2 -> 3 digits, zero-padded) keeps digit i of
            // every number at the same offset, so attention can align them.
            const uint64_t a = below(100), b = below(100);
            ex.prompt = "add " + padded(a, 2) + "+" + padded(b, 2) + "=";
            ex.answer = padded(a + b, 3);
            break;
        }
        case Skill::Reverse: {
            std::string s(3 + below(4), ' ');  // 3..6 letters
            for (char& c : s) c = static_cast<char>('a' + below(26));
            ex.prompt = "rev " + s + "=";
            ex.answer.assign(s.rbegin(), s.rend());
            break;
        }
        case Skill::Sort: {
            std::string s(3 + below(4), ' ');  // 3..6 digits
            for (char& c : s) c = static_cast<char>('0' + below(10));
            ex.prompt = "sort " + s + "=";
            std::sort(s.begin(), s.end());
            ex.answer = s;
            break;
        }
        case Skill::Capital: {
            const auto& [country, capital] = capitalTable()[below(capitalTable().size())];
            ex.prompt = "capital " + country + "=";
            ex.answer = capital;
            break;
        }
        case Skill::Brackets: {
            const int n = 2 + int(below(4));  // 2..5 open brackets
            std::string open, close;
            for (int i = 0; i < n; ++i) {
                const int k = int(below(4));
                open.push_back(kOpen[k]);
                close.insert(close.begin(), kClose[k]);
            }
            ex.prompt = "close " + open + "=";
            ex.answer = close;
            break;
        }
    }
    return ex;
}

}  // namespace sieve::demo

#include "core/task/metrics.h"

#include <cctype>
#include <cmath>
#include <map>

namespace sieve {

std::string stripped(const std::string& s) {
    const char* ws = " \t\n\r\f\v";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return {};
    const size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::string cutAtStop(const std::string& text, const std::vector<std::string>& stops) {
    size_t cut = text.size();
    for (const auto& stop : stops) {
        if (stop.empty()) continue;
        const size_t p = text.find(stop);
        if (p != std::string::npos && p < cut) cut = p;
    }
    return text.substr(0, cut);
}

double exactMatch(const std::string& prediction, const std::vector<std::string>& answers) {
    const std::string p = stripped(prediction);
    for (const auto& a : answers)
        if (p == stripped(a)) return 1.0;
    return 0.0;
}

double containsAnswer(const std::string& prediction, const std::vector<std::string>& answers) {
    for (const auto& a : answers) {
        const std::string s = stripped(a);
        if (!s.empty() && prediction.find(s) != std::string::npos) return 1.0;
    }
    return 0.0;
}

std::vector<std::string> squadTokens(const std::string& text) {
    // lower -> drop punctuation -> split on whitespace -> drop articles
    std::string cleaned;
    for (unsigned char c : text) {
        if (std::ispunct(c)) continue;
        cleaned.push_back(static_cast<char>(std::tolower(c)));
    }
    std::vector<std::string> tokens;
    std::string current;
    auto flush = [&] {
        if (!current.empty() && current != "a" && current != "an" && current != "the")
            tokens.push_back(current);
        current.clear();
    };
    for (char c : cleaned) {
        if (std::isspace(static_cast<unsigned char>(c)))
            flush();
        else
            current.push_back(c);
    }
    flush();
    return tokens;
}

double tokenF1(const std::string& prediction, const std::vector<std::string>& answers) {
    const auto pred = squadTokens(prediction);
    double best = 0.0;
    for (const auto& answer : answers) {
        const auto gold = squadTokens(answer);
        if (pred.empty() || gold.empty()) {
            best = std::max(best, pred.empty() && gold.empty() ? 1.0 : 0.0);
            continue;
        }
        std::map<std::string, int> counts;
        for (const auto& t : gold) ++counts[t];
        int common = 0;
        for (const auto& t : pred) {
            auto it = counts.find(t);
            if (it != counts.end() && it->second > 0) {
                --it->second;
                ++common;
            }
        }
        if (common == 0) continue;
        const double precision = double(common) / double(pred.size());
        const double recall = double(common) / double(gold.size());
        best = std::max(best, 2.0 * precision * recall / (precision + recall));
    }
    return best;
}

int argmaxChoice(const std::vector<double>& ll) {
    int best = -1;
    for (int i = 0; i < int(ll.size()); ++i)
        if (best < 0 || ll[i] > ll[best]) best = i;
    return best;
}

int argmaxChoiceNormalized(const std::vector<double>& ll, const std::vector<std::string>& choices) {
    std::vector<double> normalized(ll.size());
    for (size_t i = 0; i < ll.size(); ++i)
        normalized[i] = ll[i] / double(std::max<size_t>(1, choices.at(i).size()));
    return argmaxChoice(normalized);
}

double perplexityFrom(double negativeLogLikelihood, int64_t tokens) {
    if (tokens <= 0) return std::nan("");
    return std::exp(negativeLogLikelihood / double(tokens));
}

}  // namespace sieve

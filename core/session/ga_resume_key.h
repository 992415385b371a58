#pragma once
// Everything that changes a fitness value of a genetic search. Two runs with
// equal keys score every chromosome the same, so the second may continue the
// first's history (same generations, same random stream); with any field
// different, replaying the stored fitness values would be wrong, and the
// search starts again. The number of generations and the patience are not in
// it: they decide how long a run goes on, not what it finds on the way.
#include <map>
#include <string>
#include <vector>

#include "core/types/results.h"

namespace sieve {

struct GaResumeInputs {
    std::string method;
    double eps = 0;
    LevelGrid grid;
    std::string modelHash;
    std::string taskHash;
    int64_t searchExamples = 0;     // the examples every fitness is measured on
    int64_t calibrationTokens = 0;  // 0 for methods that use no calibration data
    GaSettings ga;
};

class GaResumeKey {
public:
    GaResumeKey() = default;
    explicit GaResumeKey(const GaResumeInputs& inputs);
    // Reads text() back; an empty text is the empty key (matches nothing).
    static GaResumeKey parse(const std::string& text);

    // "method=sieve; eps=0.05; grid=0,0.1,...; ..." (stable field order).
    std::string text() const;
    bool empty() const { return fields_.empty(); }
    bool operator==(const GaResumeKey& other) const { return !empty() && fields_ == other.fields_; }
    bool operator!=(const GaResumeKey& other) const { return !(*this == other); }
    // The fields that differ from this key to `other`, for a log line:
    // "eps 0.05 -> 0.1, seed 1 -> 2".
    std::string differences(const GaResumeKey& other) const;

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace sieve

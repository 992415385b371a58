#pragma once
// Typed events a job emits as results arrive, beside its progress.
#include <string>
#include <variant>

#include "core/search/results.h"

namespace sieve {

struct LogEvent {
    std::string text;
};

// A point of a uniform sweep has been evaluated.
struct UniformPointEvent {
    std::string method;
    UniformPoint point;
};

// A GA generation has finished (every individual evaluated).
struct GenerationEvent {
    std::string method;
    Generation generation;
};

// One matrix's single-matrix sensitivity has been measured.
struct SensitivityEvent {
    std::string method;
    int matrix = 0;
    double accuracy = 0;
};

using JobEvent = std::variant<LogEvent, UniformPointEvent, GenerationEvent, SensitivityEvent>;

}  // namespace sieve

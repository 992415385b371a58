#pragma once
// Typed events a job emits as results arrive, beside its progress. The
// engine emits the finished results itself, so the window and the CLI learn
// of them in one way whichever run produced them.
#include <string>
#include <variant>

#include "core/types/lora.h"
#include "core/types/results.h"

namespace sieve {

struct LogEvent {
    std::string text;
};

// a0 has been measured on the search examples.
struct BaselineEvent {
    BaselineResult baseline;
};

// The Gram matrices have been accumulated over the calibration split.
struct CalibrationEvent {
    int64_t examples = 0;
    int64_t tokens = 0;
};

// A point of a uniform sweep has been evaluated (of its 8-bit curve with
// int8Factors: UniformResult::int8).
struct UniformPointEvent {
    std::string method;
    UniformPoint point;
    bool int8Factors = false;
};

// A uniform sweep has finished (and is in the session).
struct UniformFinishedEvent {
    UniformResult result;
};

// A GA generation has finished (every individual evaluated).
struct GenerationEvent {
    std::string method;
    Generation generation;
};

// The genetic search has finished (and is in the session).
struct GaFinishedEvent {
    GaResult result;
};

// One matrix's single-matrix sensitivity has been measured.
struct SensitivityEvent {
    std::string method;
    int matrix = 0;
    double accuracy = 0;
};

// A sensitivity scan has finished (and is in the session).
struct SensitivityFinishedEvent {
    SensitivityResult result;
};

// The search's best has been scored on the held-out examples.
struct HeldOutEvent {
    HeldOutEval eval;
};

// A LoRA recovery has finished (and is in the session).
struct LoraFinishedEvent {
    LoraRun run;
};

using JobEvent = std::variant<LogEvent, BaselineEvent, CalibrationEvent, UniformPointEvent,
                              UniformFinishedEvent, GenerationEvent, GaFinishedEvent, SensitivityEvent,
                              SensitivityFinishedEvent, HeldOutEvent, LoraFinishedEvent>;

}  // namespace sieve

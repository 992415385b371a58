#pragma once
// Reading task files. A task file is JSONL: one example per line. Its first
// line may be a header `{"task": {...}}`; otherwise a side-car
// `<file>.meta.json` holds the same object. The object names the kind, the
// metric, an optional few-shot prefix, max_new_tokens, stop strings and the
// split (seed + calibration fraction, or explicit calibration/evaluation
// files). Bad lines (invalid JSON, missing field, wrong type, non-UTF-8) are
// refused with file and line number, or skipped and counted when asked.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/task/task.h"

namespace sieve {

struct TaskLoadOptions {
    bool skipBadLines = false;  // default: refuse the file at its first bad line
    // Overrides of the file's split (e.g. from the CLI); negative = keep.
    int64_t splitSeed = -1;
    double calibrationFraction = -1;
};

// Throws InputError (file + line) on bad content, FormatError when the file
// cannot be read.
Task loadTask(const std::string& path, const TaskLoadOptions& options = {});

// The spec object of a header or side-car; `where` names it in messages.
TaskSpec parseTaskSpec(const nlohmann::json& object, const std::string& where);
nlohmann::json taskSpecToJson(const TaskSpec& spec);

// One example line of a task of `kind`; throws InputError naming file:line.
TaskExample parseExample(const std::string& line, TaskKind kind, const std::string& file, int lineNumber);
nlohmann::json exampleToJson(const TaskExample& example, TaskKind kind);

// Writes a task file: the header line, then one line per example.
void writeTaskFile(const std::string& path, const TaskSpec& spec, const std::vector<TaskExample>& examples);

bool isValidUtf8(const std::string& text);

}  // namespace sieve

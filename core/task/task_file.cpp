#include "core/task/task_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/task/split.h"
#include "core/types/input_file.h"

namespace sieve {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kKeptSkipMessages = 20;

std::string at(const std::string& file, int line) {
    return file + ":" + std::to_string(line);
}

std::vector<std::string> readLines(const std::string& path) {
    std::istringstream in(readInputFile(path, "task file", kMaxTaskFileBytes));
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

bool isBlank(const std::string& s) {
    return s.find_first_not_of(" \t") == std::string::npos;
}

const json& requireField(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) throw InputError(where + ": missing field \"" + key + "\"");
    return *it;
}

std::string stringField(const json& value, const char* key, const std::string& where) {
    if (!value.is_string()) throw InputError(where + ": field \"" + key + "\" must be a string");
    return value.get<std::string>();
}

std::vector<std::string> stringArray(const json& value, const char* key, const std::string& where,
                                     size_t minSize) {
    if (!value.is_array()) throw InputError(where + ": field \"" + key + "\" must be an array of strings");
    std::vector<std::string> out;
    for (const auto& v : value) {
        if (!v.is_string()) throw InputError(where + ": field \"" + key + "\" must be an array of strings");
        out.push_back(v.get<std::string>());
    }
    if (out.size() < minSize)
        throw InputError(where + ": field \"" + key + "\" needs at least " + std::to_string(minSize) +
                         " entr" + (minSize == 1 ? "y" : "ies"));
    return out;
}

std::vector<int64_t> idArray(const json& value, const char* key, const std::string& where, size_t minSize) {
    if (!value.is_array()) throw InputError(where + ": field \"" + key + "\" must be an array of token ids");
    std::vector<int64_t> out;
    for (const auto& v : value) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0)
            throw InputError(where + ": field \"" + key + "\" must hold non-negative integer token ids");
        out.push_back(v.get<int64_t>());
    }
    if (out.size() < minSize)
        throw InputError(where + ": field \"" + key + "\" needs at least " + std::to_string(minSize) +
                         " ids");
    return out;
}

void parseGenerate(const json& j, TaskExample& ex, const std::string& where) {
    if (j.contains("prompt_ids")) {
        ex.promptIds = idArray(j["prompt_ids"], "prompt_ids", where, 1);
        const json& answer = requireField(j, "answer_ids", where);
        if (answer.is_array() && !answer.empty() && answer[0].is_array()) {
            for (const auto& a : answer) ex.answerIds.push_back(idArray(a, "answer_ids", where, 1));
        } else {
            ex.answerIds.push_back(idArray(answer, "answer_ids", where, 1));
        }
        return;
    }
    ex.prompt = stringField(requireField(j, "prompt", where), "prompt", where);
    if (j.contains("answers")) {
        ex.answers = stringArray(j["answers"], "answers", where, 1);
    } else if (j.contains("answer")) {
        ex.answers.push_back(stringField(j["answer"], "answer", where));
    } else {
        throw InputError(where + ": missing field \"answer\" (or \"answers\")");
    }
}

void parseChoice(const json& j, TaskExample& ex, const std::string& where) {
    ex.prompt = stringField(requireField(j, "prompt", where), "prompt", where);
    ex.choices = stringArray(requireField(j, "choices", where), "choices", where, 2);
    const json& label = requireField(j, "label", where);
    if (!label.is_number_integer()) throw InputError(where + ": field \"label\" must be an integer");
    const int64_t l = label.get<int64_t>();
    if (l < 0 || l >= int64_t(ex.choices.size()))
        throw InputError(where + ": field \"label\" is " + std::to_string(l) + " but there are " +
                         std::to_string(ex.choices.size()) + " choices");
    ex.label = static_cast<int>(l);
}

void parsePerplexity(const json& j, TaskExample& ex, const std::string& where) {
    if (j.contains("ids")) {
        ex.ids = idArray(j["ids"], "ids", where, 2);
        return;
    }
    ex.text = stringField(requireField(j, "text", where), "text", where);
    if (ex.text.empty()) throw InputError(where + ": field \"text\" is empty");
}

std::vector<TaskExample> parseExamples(const std::vector<std::string>& lines, size_t first, TaskKind kind,
                                       const std::string& file, const TaskLoadOptions& options, Task& task) {
    std::vector<TaskExample> out;
    for (size_t i = first; i < lines.size(); ++i) {
        if (isBlank(lines[i])) continue;
        try {
            out.push_back(parseExample(lines[i], kind, file, static_cast<int>(i + 1)));
        } catch (const InputError& e) {
            if (!options.skipBadLines) throw;
            ++task.skippedLines;
            if (task.skipMessages.size() < kKeptSkipMessages) task.skipMessages.push_back(e.what());
        }
    }
    return out;
}

// The header object: the first non-blank line when it is {"task": {...}}.
std::optional<std::pair<json, size_t>> headerOf(const std::vector<std::string>& lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
        if (isBlank(lines[i])) continue;
        if (!isValidUtf8(lines[i])) return std::nullopt;
        json j = json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.contains("task") && j.size() == 1) return std::make_pair(j["task"], i);
        return std::nullopt;
    }
    return std::nullopt;
}

json readJsonFile(const std::string& path) {
    const std::string text = readInputFile(path, "task description", kMaxJsonConfigBytes);
    if (!isValidUtf8(text)) throw FormatError(path, "not valid UTF-8");
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("invalid JSON: ") + e.what());
    }
}

std::string resolveBeside(const std::string& taskFile, const std::string& name) {
    const fs::path p(name);
    if (p.is_absolute()) return name;
    return (fs::path(taskFile).parent_path() / p).string();
}

}  // namespace

bool isValidUtf8(const std::string& text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        int extra;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= n) return false;
        for (int k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += extra + 1;
    }
    return true;
}

TaskSpec parseTaskSpec(const json& object, const std::string& where) {
    if (!object.is_object()) throw InputError(where + ": the task header must be a JSON object");
    TaskSpec spec;
    if (object.contains("name")) spec.name = stringField(object["name"], "name", where);
    spec.kind = parseTaskKind(stringField(requireField(object, "kind", where), "kind", where), where);
    switch (spec.kind) {
        case TaskKind::Generate:
            spec.metric = Metric::ExactMatch;
            break;
        case TaskKind::Choice:
            spec.metric = Metric::Accuracy;
            break;
        case TaskKind::Perplexity:
            spec.metric = Metric::Perplexity;
            break;
    }
    if (object.contains("metric"))
        spec.metric = parseMetric(stringField(object["metric"], "metric", where), where);
    if (!metricAllowedFor(spec.kind, spec.metric))
        throw InputError(where + ": metric '" + metricName(spec.metric) + "' does not apply to a '" +
                         taskKindName(spec.kind) + "' task");
    if (object.contains("few_shot")) spec.fewShotPrefix = stringField(object["few_shot"], "few_shot", where);
    if (object.contains("max_new_tokens")) {
        const json& m = object["max_new_tokens"];
        if (!m.is_number_integer() || m.get<int64_t>() < 1 || m.get<int64_t>() > 100000)
            throw InputError(where + ": field \"max_new_tokens\" must be a positive integer");
        spec.maxNewTokens = m.get<int>();
    }
    if (object.contains("stop")) {
        const json& s = object["stop"];
        spec.stopStrings =
            s.is_string() ? std::vector<std::string>{s.get<std::string>()} : stringArray(s, "stop", where, 0);
        for (const auto& stop : spec.stopStrings)
            if (stop.empty()) throw InputError(where + ": field \"stop\" holds an empty string");
    }
    if (object.contains("split")) {
        const json& s = object["split"];
        const std::string w = where + ": split";
        if (!s.is_object()) throw InputError(w + " must be an object");
        if (s.contains("seed")) {
            if (!s["seed"].is_number_integer() || s["seed"].get<int64_t>() < 0)
                throw InputError(w + ": field \"seed\" must be a non-negative integer");
            spec.split.seed = s["seed"].get<uint64_t>();
        }
        if (s.contains("calibration_fraction")) {
            const json& f = s["calibration_fraction"];
            if (!f.is_number() || f.get<double>() < 0.0 || f.get<double>() > 1.0)
                throw InputError(w + ": field \"calibration_fraction\" must be a number in [0, 1]");
            spec.split.calibrationFraction = f.get<double>();
        }
        if (s.contains("calibration"))
            spec.split.calibrationFile = stringField(s["calibration"], "calibration", w);
        if (s.contains("evaluation"))
            spec.split.evaluationFile = stringField(s["evaluation"], "evaluation", w);
    }
    return spec;
}

json taskSpecToJson(const TaskSpec& spec) {
    json j;
    if (!spec.name.empty()) j["name"] = spec.name;
    j["kind"] = taskKindName(spec.kind);
    j["metric"] = metricName(spec.metric);
    if (!spec.fewShotPrefix.empty()) j["few_shot"] = spec.fewShotPrefix;
    if (spec.kind == TaskKind::Generate) {
        j["max_new_tokens"] = spec.maxNewTokens;
        j["stop"] = spec.stopStrings;
    }
    json split;
    if (spec.split.explicitFiles()) {
        if (!spec.split.calibrationFile.empty()) split["calibration"] = spec.split.calibrationFile;
        if (!spec.split.evaluationFile.empty()) split["evaluation"] = spec.split.evaluationFile;
    } else {
        split["seed"] = spec.split.seed;
        split["calibration_fraction"] = spec.split.calibrationFraction;
    }
    j["split"] = split;
    return j;
}

TaskExample parseExample(const std::string& line, TaskKind kind, const std::string& file, int lineNumber) {
    const std::string where = at(file, lineNumber);
    if (!isValidUtf8(line)) throw InputError(where + ": the line is not valid UTF-8");
    json j;
    try {
        j = json::parse(line);
    } catch (const json::exception& e) {
        throw InputError(where + ": invalid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw InputError(where + ": an example must be a JSON object");
    TaskExample ex;
    ex.file = file;
    ex.line = lineNumber;
    if (j.contains("tag")) ex.tag = stringField(j["tag"], "tag", where);
    switch (kind) {
        case TaskKind::Generate:
            parseGenerate(j, ex, where);
            break;
        case TaskKind::Choice:
            parseChoice(j, ex, where);
            break;
        case TaskKind::Perplexity:
            parsePerplexity(j, ex, where);
            break;
    }
    return ex;
}

json exampleToJson(const TaskExample& ex, TaskKind kind) {
    json j = json::object();
    switch (kind) {
        case TaskKind::Generate:
            if (!ex.promptIds.empty()) {
                j["prompt_ids"] = ex.promptIds;
                j["answer_ids"] = ex.answerIds.size() == 1 ? json(ex.answerIds[0]) : json(ex.answerIds);
            } else {
                j["prompt"] = ex.prompt;
                if (ex.answers.size() == 1)
                    j["answer"] = ex.answers[0];
                else
                    j["answers"] = ex.answers;
            }
            break;
        case TaskKind::Choice:
            j["prompt"] = ex.prompt;
            j["choices"] = ex.choices;
            j["label"] = ex.label;
            break;
        case TaskKind::Perplexity:
            if (!ex.ids.empty())
                j["ids"] = ex.ids;
            else
                j["text"] = ex.text;
            break;
    }
    if (!ex.tag.empty()) j["tag"] = ex.tag;
    return j;
}

void writeTaskFile(const std::string& path, const TaskSpec& spec, const std::vector<TaskExample>& examples) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw FormatError(path, "cannot write the task file");
    out << json{{"task", taskSpecToJson(spec)}}.dump() << '\n';
    for (const auto& ex : examples) out << exampleToJson(ex, spec.kind).dump() << '\n';
    if (!out) throw FormatError(path, "write failed");
}

Task loadTask(const std::string& path, const TaskLoadOptions& options) {
    if (!fs::exists(path)) throw FormatError(path, "no such task file");
    const std::vector<std::string> lines = readLines(path);
    Task task;
    task.file = path;

    size_t firstExampleLine = 0;
    if (auto header = headerOf(lines)) {
        task.spec = parseTaskSpec(header->first, at(path, int(header->second + 1)));
        firstExampleLine = header->second + 1;
    } else {
        const std::string sideCar = path + ".meta.json";
        if (!fs::exists(sideCar))
            throw InputError(path + ": no task header (a first line {\"task\": {...}}) and no side-car " +
                             sideCar);
        json meta = readJsonFile(sideCar);
        if (meta.is_object() && meta.contains("task")) meta = meta["task"];
        task.spec = parseTaskSpec(meta, sideCar);
    }
    if (task.spec.name.empty()) task.spec.name = fs::path(path).stem().string();
    if (options.splitSeed >= 0) task.spec.split.seed = static_cast<uint64_t>(options.splitSeed);
    if (options.calibrationFraction >= 0) task.spec.split.calibrationFraction = options.calibrationFraction;

    std::vector<TaskExample> own =
        parseExamples(lines, firstExampleLine, task.spec.kind, path, options, task);
    const SplitSpec& split = task.spec.split;
    if (split.explicitFiles()) {
        auto loadSplit = [&](const std::string& name) {
            const std::string file = resolveBeside(path, name);
            if (!fs::exists(file)) throw FormatError(file, "split file named by " + path + " does not exist");
            return parseExamples(readLines(file), 0, task.spec.kind, file, options, task);
        };
        if (!split.calibrationFile.empty() && !split.evaluationFile.empty() && !own.empty())
            throw InputError(at(path, own.front().line) +
                             ": the task names both split files, so it cannot hold examples itself");
        task.calibration = split.calibrationFile.empty() ? std::move(own) : loadSplit(split.calibrationFile);
        task.evaluation = split.evaluationFile.empty() ? std::move(own) : loadSplit(split.evaluationFile);
    } else {
        const SplitIndices idx =
            splitIndices(static_cast<int>(own.size()), split.seed, split.calibrationFraction);
        for (int i : idx.calibration) task.calibration.push_back(own[i]);
        for (int i : idx.evaluation) task.evaluation.push_back(own[i]);
    }
    if (task.calibration.empty() && task.evaluation.empty())
        throw InputError(path + ": the task has no examples");
    return task;
}

}  // namespace sieve

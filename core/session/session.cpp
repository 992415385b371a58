#include "core/session/session.h"

#include <algorithm>

#include "core/session/session_appender.h"
#include "core/session/session_file.h"

namespace sieve {

namespace {

template <typename Result, typename Key>
void replaceOrAdd(std::vector<Result>& all, const Result& result, Key key) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const Result& r) { return key(r) == key(result); }),
              all.end());
    all.push_back(result);
}

std::string gridText(const LevelGrid& grid) {
    std::string text;
    for (double p : grid) {
        std::string v = std::to_string(p);
        v.erase(v.find_last_not_of('0') + 1);
        if (!v.empty() && v.back() == '.') v.pop_back();
        text += (text.empty() ? "" : ",") + v;
    }
    return text;
}

}  // namespace

SessionData Session::snapshot() const {
    std::lock_guard lock(mutex_);
    return data_;
}
std::string Session::path() const {
    std::lock_guard lock(mutex_);
    return path_;
}
bool Session::hasUnsavedResults() const {
    std::lock_guard lock(mutex_);
    return unsaved_;
}
bool Session::isViewOnly() const {
    std::lock_guard lock(mutex_);
    return viewOnly_;
}
std::optional<BaselineResult> Session::baseline() const {
    std::lock_guard lock(mutex_);
    return data_.baseline;
}
std::optional<CalibrationRecord> Session::calibration() const {
    std::lock_guard lock(mutex_);
    return data_.calibration;
}
std::optional<UniformResult> Session::uniform(const std::string& method) const {
    std::lock_guard lock(mutex_);
    for (const UniformResult& u : data_.uniform)
        if (u.method == method) return u;
    return std::nullopt;
}
std::optional<GaSession> Session::ga() const {
    std::lock_guard lock(mutex_);
    return data_.ga;
}

void Session::start(const ModelIdentity& model, const TaskIdentity& task, const Provenance& provenance) {
    std::lock_guard lock(mutex_);
    data_ = SessionData{};
    data_.model = model;
    data_.task = task;
    data_.provenance = provenance;
    path_.clear();
    lock_.reset();
    unsaved_ = false;
    viewOnly_ = false;
}

void Session::reset() {
    std::lock_guard lock(mutex_);
    SessionData fresh;
    fresh.model = data_.model;
    fresh.task = data_.task;
    fresh.provenance.device = data_.provenance.device;
    fresh.provenance.dtype = data_.provenance.dtype;
    data_ = std::move(fresh);
    path_.clear();
    lock_.reset();
    unsaved_ = false;
    viewOnly_ = false;
}

void Session::adopt(SessionData data, const std::string& path) {
    auto fileLock = std::make_unique<SessionLock>(path);  // before anything changes
    std::lock_guard lock(mutex_);
    data_ = std::move(data);
    path_ = path;
    lock_ = std::move(fileLock);
    unsaved_ = false;
    viewOnly_ = false;
}

void Session::show(SessionData data) {
    std::lock_guard lock(mutex_);
    data_ = std::move(data);
    path_.clear();
    lock_.reset();
    unsaved_ = false;
    viewOnly_ = true;
}

void Session::saveAs(const std::string& path) {
    auto fileLock = std::make_unique<SessionLock>(path);
    std::lock_guard lock(mutex_);
    SessionFile::save(path, data_);
    path_ = path;
    lock_ = std::move(fileLock);
    unsaved_ = false;
    viewOnly_ = false;
}

bool Session::hasSettingDependentResults() const {
    return !data_.uniform.empty() || data_.ga || !data_.sensitivity.empty() || !data_.eval.empty();
}

std::string Session::settingsConflict(double eps, const LevelGrid& grid) const {
    std::lock_guard lock(mutex_);
    if (!hasSettingDependentResults()) return {};
    std::string why;
    if (data_.provenance.eps != eps)
        why = "eps " + std::to_string(data_.provenance.eps) + " (asked: " + std::to_string(eps) + ")";
    if (data_.provenance.levelGrid != grid)
        why += (why.empty() ? "" : " and ") + std::string("level grid ") +
               gridText(data_.provenance.levelGrid) + " (asked: " + gridText(grid) + ")";
    return why.empty() ? why : "its results were made with " + why;
}

void Session::recordSettings(double eps, const LevelGrid& grid, const std::vector<std::string>& methods,
                             uint64_t gaSeed) {
    std::lock_guard lock(mutex_);
    Provenance& p = data_.provenance;
    p.eps = eps;
    p.levelGrid = grid;
    for (const std::string& m : methods)
        if (std::find(p.methods.begin(), p.methods.end(), m) == p.methods.end()) p.methods.push_back(m);
    p.seeds["ga"] = gaSeed;
}

void Session::saved() {
    if (path_.empty()) {
        unsaved_ = true;
        return;
    }
    unsaved_ = true;  // until the write below succeeds
    SessionFile::save(path_, data_);
    unsaved_ = false;
}

void Session::setBaseline(const BaselineResult& baseline) {
    std::lock_guard lock(mutex_);
    data_.baseline = baseline;
    saved();
}

void Session::setCalibration(const CalibrationRecord& calibration) {
    std::lock_guard lock(mutex_);
    data_.calibration = calibration;
    saved();
}

void Session::putUniform(const UniformResult& result) {
    std::lock_guard lock(mutex_);
    replaceOrAdd(data_.uniform, result, [](const UniformResult& r) { return r.method; });
    dropEvalsOf("uniform:" + result.method);  // scores of the optimum this sweep replaces
    saved();
}

void Session::putSensitivity(const SensitivityResult& result) {
    std::lock_guard lock(mutex_);
    replaceOrAdd(data_.sensitivity, result, [](const SensitivityResult& r) { return r.method; });
    saved();
}

void Session::dropEvalsOf(const std::string& source) {
    data_.eval.erase(std::remove_if(data_.eval.begin(), data_.eval.end(),
                                    [&](const HeldOutEval& e) { return e.source == source; }),
                     data_.eval.end());
    data_.lora.erase(std::remove_if(data_.lora.begin(), data_.lora.end(),
                                    [&](const LoraRun& r) { return r.source == source; }),
                     data_.lora.end());
}

void Session::putLora(const LoraRun& run) {
    std::lock_guard lock(mutex_);
    replaceOrAdd(data_.lora, run, [](const LoraRun& r) { return loraRunKey(r); });
    saved();
}

void Session::putEval(const HeldOutEval& eval) {
    std::lock_guard lock(mutex_);
    // One score per result and scored task.
    replaceOrAdd(data_.eval, eval,
                 [](const HeldOutEval& e) { return e.taskName + '\n' + e.taskPath + '\n' + e.source; });
    saved();
}

std::optional<GaSession> Session::resumableGa(const GaResumeKey& key, int generations,
                                              std::string* why) const {
    std::lock_guard lock(mutex_);
    if (why) why->clear();
    if (!data_.ga || data_.ga->result.generations.empty()) return std::nullopt;
    const GaSession& stored = *data_.ga;
    const GaResumeKey storedKey = GaResumeKey::parse(stored.resumeKey);
    if (storedKey != key) {
        if (why)
            *why = "the session's genetic search was made with other settings (" +
                   storedKey.differences(key) + ")";
        return std::nullopt;
    }
    if (int(stored.result.generations.size()) > generations) {
        if (why)
            *why = "the session's genetic search has " + std::to_string(stored.result.generations.size()) +
                   " generations, more than the " + std::to_string(generations) + " asked for";
        return std::nullopt;
    }
    return stored;
}

void Session::beginGa(const GaSession& start) {
    std::lock_guard lock(mutex_);
    data_.ga = start;
    dropEvalsOf("ga");  // the best of another search
    saved();
}

void Session::appendGeneration(const Generation& generation, const std::string& rngState) {
    std::lock_guard lock(mutex_);
    GaSession& ga = data_.ga.value();
    if (int(ga.result.generations.size()) != generation.index) return;  // replayed on resume: stored already
    ga.result.generations.push_back(generation);
    ga.result.best = generation.best;
    ga.rngState = rngState;
    ga.complete = false;
    unsaved_ = true;  // until the append below succeeds
    if (path_.empty()) return;
    SessionAppender(path_).appendGeneration(generation, rngState);
    unsaved_ = false;
}

void Session::finishGa(const GaResult& result, const std::optional<LevelStatistics>& statistics) {
    std::lock_guard lock(mutex_);
    GaSession& ga = data_.ga.value();
    ga.result = result;
    ga.complete = true;
    ga.levelStatistics = statistics;
    saved();
}

}  // namespace sieve

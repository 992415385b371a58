#pragma once
// The engine: one model, one task, and everything computed on them, behind a
// torch-free facade. The GUI (on a worker thread) and the CLI call the same
// methods; each long method is a job (progress, events and cancel through a
// JobContext) and leaves the model dense when it returns or throws.
//
// The flow a reader can follow top to bottom:
//   openModel -> openTask -> baseline -> calibrate -> project(method)
//   -> uniform(method) -> genetic(method) -> sensitivity(method) -> heldOut
// Every result lands in session() (SessionData), which saveSession() writes;
// the GA appends each finished generation to the session file (autosave).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/device.h"
#include "core/export/export_report.h"
#include "core/job/job.h"
#include "core/model/matrix_info.h"
#include "core/search/results.h"
#include "core/session/session_data.h"

namespace sieve {

// The uniform-sweep method that calibrates block by block on the already
// pruned blocks before (LLM-Sieve's sequential mode; see sequential_evaluator.h).
inline constexpr const char* kSequentialMethod = "sieve-sequential";

// What a run asks for; the GUI's run panel and the CLI's options fill it.
struct RunSettings {
    std::vector<std::string> methods{"sieve"};  // projection methods for the uniform sweep
    std::string gaMethod = "sieve";             // the method the GA and sensitivity use
    double eps = 0.05;                          // keep accuracy >= (1 - eps) a0
    LevelGrid grid = defaultLevelGrid();
    GaSettings ga;
    int sensitivityLevelIndex = -1;    // grid index; -1 = the highest level
    bool fullCurve = true;             // uniform: evaluate every grid level for the curve
    int64_t maxCalibrationTokens = 0;  // 0 = the whole calibration split
};

struct TaskOptions {
    bool skipBadLines = false;
    double heldOutFraction = 0.5;  // of the evaluation split, kept out of every search
};

struct TaskInfo {
    std::string name;
    std::string path;
    std::string kind;
    std::string metric;
    int64_t calibrationExamples = 0;
    int64_t searchExamples = 0;   // evaluation examples the searches score on
    int64_t heldOutExamples = 0;  // evaluation examples only the final check sees
    int skippedLines = 0;
};

class Engine {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Loads a model (HF directory, .gguf, llama2.c .bin) and its tokenizer
    // (tokenizer.json / tokenizer.bin beside it, or the GGUF's vocabulary;
    // `tokenizerPath` overrides). Starts a new session for it.
    const ModelSummary& openModel(const std::string& path, const DeviceChoice& device, JobContext& context,
                                  const std::string& tokenizerPath = {});
    const TaskInfo& openTask(const std::string& path, const TaskOptions& options = {});
    bool hasModel() const;
    bool hasTask() const;
    const ModelSummary& model() const;
    // True when no matrix is pruned (every job restores this when it ends).
    bool modelIsDense() const;
    const TaskInfo& task() const;

    // The dense model on the task's whole evaluation split (search and
    // held-out examples): the score, and the score per tag (the skills of a
    // mixed task). Not stored in the session.
    double evaluateDense(JobContext& context, std::map<std::string, double>* scoreByTag = nullptr);
    // a0 on the search examples (cached in the session).
    BaselineResult baseline(JobContext& context);
    // Gram matrices of every matrix input over the calibration split.
    void calibrate(const RunSettings& settings, JobContext& context);
    bool isCalibrated() const;
    // Whether a projection method uses the calibration Grams (InputError for unknown names).
    static bool methodNeedsCalibration(const std::string& method);
    static std::vector<std::string> methodNames();
    // Factors every matrix with `method` (cached per method and grid).
    void project(const std::string& method, const LevelGrid& grid, JobContext& context);

    UniformResult uniform(const std::string& method, const RunSettings& settings, JobContext& context);
    // Resumes an unfinished GA of the session with the same settings.
    GaResult genetic(const RunSettings& settings, JobContext& context);
    SensitivityResult sensitivity(const RunSettings& settings, JobContext& context);
    // The GA's best on the held-out examples (and dense on the same examples).
    HeldOutEval heldOut(const std::vector<int>& genes, const RunSettings& settings, JobContext& context);
    // All of the above in order, for every method in settings.methods.
    void runAll(const RunSettings& settings, JobContext& context);

    // Accuracy of the model with `genes` applied (grid indices per matrix),
    // on the search examples. The model is dense again afterwards.
    double evaluateChromosome(const std::string& method, const LevelGrid& grid, const std::vector<int>& genes,
                              JobContext& context);

    // Writes the model with `genes` applied (grid indices per matrix, e.g.
    // the GA's best) as a factorized or dense checkpoint directory.
    ExportReport exportModel(const std::string& directory, ExportFormat format, const std::string& method,
                             const LevelGrid& grid, const std::vector<int>& genes, JobContext& context);

    // Session: results so far; a path makes every result autosave.
    const SessionData& session() const;
    void setSessionPath(const std::string& path);
    const std::string& sessionPath() const;
    void saveSession(const std::string& path);
    // Loads results (read-only view when the open model/task differ:
    // `mismatch` describes why, empty when they match).
    SessionData openSession(const std::string& path, std::string* mismatch = nullptr);
    // As openSession, after opening the session's model and task from the
    // paths it records when they exist and are not the ones open (the held-out
    // fraction restored from the recorded split sizes), so the session's
    // results become live and further runs extend it. `opened` says which
    // inputs were (re)opened: bit 1 model, bit 2 task.
    SessionData openSessionWithInputs(const std::string& path, const DeviceChoice& device,
                                      JobContext& context, std::string* mismatch = nullptr,
                                      int* opened = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sieve

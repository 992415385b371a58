#pragma once
// The engine: one model, one task, and everything computed on them, behind a
// torch-free facade. The GUI (on a worker thread) and the CLI call the same
// methods; each long method is a job (progress, events and cancel through a
// JobContext) and leaves the model dense when it returns or throws.
//
// The engine owns every run rule: which methods need calibration (the method
// registry says; calibration happens once per token budget, only when a
// method needs it), which method the genetic search uses, when a search may
// resume, when results belong to another session. Results go into session()
// and are announced as events (BaselineEvent, UniformFinishedEvent,
// GaFinishedEvent, SensitivityFinishedEvent, HeldOutEvent).
//
// The flow a reader can follow top to bottom:
//   openModel -> openTask -> baseline -> calibrate -> project(method)
//   -> uniform(method) -> genetic -> sensitivity -> heldOutAll (-> evaluateOnTask)
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/export/export_report.h"
#include "core/session/session.h"
#include "core/types/chromosome_evaluation.h"
#include "core/types/device_choice.h"
#include "core/types/job.h"
#include "core/types/lora.h"
#include "core/types/matrix_info.h"
#include "core/types/memory_plan.h"
#include "core/types/run_settings.h"

namespace sieve {

class Cluster;

class Engine {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // ---- inputs ----------------------------------------------------------------------
    // Loads a model (HF directory, .gguf, llama2.c .bin) and its tokenizer
    // (tokenizer.json / tokenizer.bin beside it, or the GGUF's vocabulary;
    // `tokenizerPath` overrides) on `device`. Starts a new untitled session
    // (an open task stays open).
    const ModelSummary& openModel(const std::string& path, const DeviceChoice& device, JobContext& context,
                                  const std::string& tokenizerPath = {});
    // Starts a new untitled session for the open model and this task.
    const TaskInfo& openTask(const std::string& path, const TaskOptions& options = {});
    bool hasModel() const;
    bool hasTask() const;
    const ModelSummary& model() const;
    // What the tokenizer read ("format: ...", "model: ...", "pre-tokenizer: ...");
    // empty when the model has none.
    std::vector<std::string> tokenizerDescription() const;
    const TaskInfo& task() const;
    // True when no matrix is pruned (every job restores this when it ends).
    bool modelIsDense() const;

    // ---- the session -------------------------------------------------------------------
    Session& session();
    const Session& session() const;
    // File > New Session: the open model and task, no results, no file.
    void newSession();
    // Writes the session to `path`; later results are saved there too.
    void saveSession(const std::string& path);
    // The CLI's --session: an existing file is continued (it must hold this
    // model and task, and results made with the settings' eps and grid when
    // `settings` is given, else InputError says what differs); a new one is
    // created. Every later result is saved into it.
    void useSessionFile(const std::string& path, const RunSettings* settings);
    // Shows the session at `path` read-only, whatever model and task are
    // open: a run elsewhere (a cluster's rank 0) may be appending to it, and
    // the window reads it again when it changes (File > Follow Session).
    // Nothing is ever written to it; a run here starts a new session.
    SessionData followSession(const std::string& path);
    // Loads a session. When it was made with the open model and task its
    // results become the live ones (further runs extend it, an interrupted
    // search resumes); otherwise it is shown read-only and `mismatch` says why.
    SessionData openSession(const std::string& path, std::string* mismatch = nullptr);
    // As openSession, after opening the session's model and task from the
    // paths it records when they exist and are not the ones open (the
    // held-out fraction restored from the recorded split sizes). `opened`
    // says which inputs were (re)opened: bit 1 model, bit 2 task.
    SessionData openSessionWithInputs(const std::string& path, const DeviceChoice& device,
                                      JobContext& context, std::string* mismatch = nullptr,
                                      int* opened = nullptr);

    // ---- runs --------------------------------------------------------------------------
    // Each run checks its settings (validateRunSettings), measures a0 when the
    // session has none, calibrates and projects what its method needs, and
    // stores its result in the session. Settings whose eps or grid differ from
    // the session's results start a new untitled session (logged).

    // The dense model on the task's whole evaluation split (search and
    // held-out examples): the score, and the score per tag (the skills of a
    // mixed task). Not stored in the session.
    double evaluateDense(JobContext& context, std::map<std::string, double>* scoreByTag = nullptr);
    // a0 on the search examples (kept in the session).
    BaselineResult baseline(JobContext& context);
    // Calibration over the calibration split (again, even when calibrated
    // already), layer-streamed: block by block, the Grams of its matrix
    // inputs, and the factors of every method of the settings that needs
    // them (RunSettings::methods and the search method) made from them.
    void calibrate(const RunSettings& settings, JobContext& context);
    bool isCalibrated() const;
    // Factors every matrix with `method` (kept per method and grid in the
    // factor store; data methods come from the calibration pass).
    void project(const std::string& method, const RunSettings& settings, JobContext& context);

    // ---- memory --------------------------------------------------------------------------
    // The memory plan of a run with these settings on the open model and
    // its devices, against the memory free now (every run checks it first
    // and refuses, naming the phase, when it cannot fit).
    MemoryPlan plan(const RunSettings& settings) const;
    // Plans as if no device (and the host) had more than `bytes` free: a
    // share of a machine used by others (the CLI's --memory-limit). 0 = off.
    void setMemoryLimit(int64_t bytes);
    // The plan the last run followed, and what its phases measured.
    const MemoryPlan& lastPlan() const;
    const std::vector<PhaseMeasurement>& phaseMeasurements() const;
    // The factor store's line: memory held, applies, hit rate, copies.
    std::string factorStoreSummary() const;

    UniformResult uniform(const std::string& method, const RunSettings& settings, JobContext& context);
    // A uniform sweep for every method of the settings, in their order.
    std::vector<UniformResult> uniformSweeps(const RunSettings& settings, JobContext& context);
    // The genetic search with searchMethodOf(settings), seeded from that
    // method's uniform optimum (swept first when missing). Continues the
    // session's search when its resume key is equal (see GaResumeKey).
    GaResult genetic(const RunSettings& settings, JobContext& context);

    // ---- a run over several processes (mpirun / srun, core/cluster) ----------
    // Rank 0's engine owns the session and runs everything as usual, handing
    // the genetic search's evaluations out over `cluster` (not owned; null
    // or one rank: a single process). Set before any run.
    void setCluster(Cluster* cluster);
    // Another rank's part of the same command: with the same model, task
    // and settings open, it takes the search's factors from rank 0 and
    // scores the chromosomes rank 0 hands out until told to stop. Returns
    // how many it scored.
    int64_t serveSearch(const RunSettings& settings, JobContext& context);
    SensitivityResult sensitivity(const RunSettings& settings, JobContext& context);
    // `genes` on the held-out examples (and dense on the same examples).
    HeldOutEval heldOut(const std::vector<int>& genes, const RunSettings& settings, JobContext& context);
    // Uniform sweeps, the genetic search, the sensitivity scan and the
    // held-out check of every result (heldOutAll), in that order.
    void runAll(const RunSettings& settings, JobContext& context);

    // ---- held-out and generalisation scores ----------------------------------------------
    // Each is the dense and the pruned model on the same examples, with
    // per-example results (for the paired test), stored in the session and
    // announced as a HeldOutEvent. A result is applied with the session's
    // level grid and the calibration budget its Grams were made with.

    // Every result of the session on the held-out examples: each uniform
    // sweep's optimum (its method at its best level) and the genetic
    // search's best. InputError when the task has no held-out examples.
    // With onlyMissing, only the results the session holds no held-out score
    // of (after `sieve sweep` or `sieve ga` added one); the others are kept.
    std::vector<HeldOutEval> heldOutAll(const RunSettings& settings, JobContext& context,
                                        bool onlyMissing = false);
    // One result of the session ("ga" or "uniform:METHOD") scored on the
    // evaluation split of another task file (on the held-out examples when
    // it is the session's own task): does what the search kept generalise?
    // The projections are those of the session's task (its calibration split).
    HeldOutEval evaluateOnTask(const std::string& taskPath, const ResultSource& source,
                               const RunSettings& settings, JobContext& context);

    // Accuracy on the search examples with `genes` applied (grid indices per
    // matrix) with searchMethodOf(settings). The model is dense again afterwards.
    double evaluateChromosome(const std::vector<int>& genes, const RunSettings& settings,
                              JobContext& context);

    // The playground's question: `genes` (grid indices per matrix) with
    // searchMethodOf(settings) on the search and the held-out examples,
    // example by example, beside the dense model's answers (computed once per
    // model and task). Stores nothing in the session and starts no new one;
    // the model is dense again afterwards. Throws InputError for genes that
    // do not fit the model or the grid.
    ChromosomeEvaluation evaluateExamples(const std::vector<int>& genes, const RunSettings& settings,
                                          JobContext& context);

    // Writes the pruned model as a factorized or dense checkpoint directory:
    // every matrix at `uniformLevel` (a grid level) with searchMethodOf(settings),
    // or, without a level, the session's genetic-search best with the
    // session's method and grid.
    ExportReport exportModel(const std::string& directory, ExportFormat format,
                             std::optional<double> uniformLevel, const RunSettings& settings,
                             JobContext& context);
    // The same for a result of the session ("ga" or a uniform sweep's
    // optimum), with the session's grid, calibration budget and the result's
    // method; settings.int8Factors chooses 8-bit factors. InputError naming
    // what the session lacks.
    ExportReport exportResult(const std::string& directory, ExportFormat format, const ResultSource& source,
                              const RunSettings& settings, JobContext& context);

    // ---- recovery after pruning --------------------------------------------------------------
    // LoRA recovery (core/recovery/lora.h) of the pruned model `target`
    // names, with the session's grid and calibration budget (8-bit factors
    // with settings.int8Factors): the task's score on the search and
    // held-out examples before and after training on the calibration split,
    // stored in the session (replacing a run of the same target) and
    // returned. With `exportDirectory`, the pruned model is also written
    // there as a dense checkpoint with its trained adapters in PEFT's
    // format in <exportDirectory>/adapter (base_model_name_or_path "..").
    // The model is dense again afterwards.
    LoraRun lora(const LoraTarget& target, const LoraSettings& lora, const RunSettings& settings,
                 JobContext& context, const std::string& exportDirectory = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sieve

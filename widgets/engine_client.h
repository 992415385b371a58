#pragma once
// The main window's one door to the engine. The window calls the slots (from
// the GUI thread); an implementation runs the work elsewhere (app/gui's
// EngineBridge runs core Engine jobs on a worker thread) and answers with the
// signals, delivered to the GUI thread as queued connections. Every long
// request ends with exactly one finished(ok, message); stop() cancels the
// running one.
//
// The engine owns the session: the window keeps no copy of the results. It
// draws live events as they arrive and reads session() (a snapshot) for
// everything else: after sessionReplaced(), when a result has finished, when
// it saves or exports. Settings are core's RunSettings, the device a core
// DeviceChoice, chosen when a model is opened.
// Uses Q_SIGNALS/Q_SLOTS so QT_NO_KEYWORDS code (tests) can include it.
#include <QObject>
#include <QString>

#include "core/session/session_data.h"
#include "core/types/chromosome_evaluation.h"
#include "core/types/device_choice.h"
#include "core/types/job.h"
#include "core/types/lora.h"
#include "core/types/matrix_info.h"
#include "core/types/memory_plan.h"
#include "core/types/results.h"
#include "core/types/run_settings.h"
#include "widgets/common/metatypes.h"

namespace sieve::widgets {

class EngineClient : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~EngineClient() override = default;

    virtual bool isBusy() const = 0;
    // The session as it is now: a copy, safe to take while a job runs.
    virtual SessionData session() const = 0;
    // The session's file; empty while it is untitled.
    virtual QString sessionPath() const = 0;
    // Results that are in no file yet (closing would lose them).
    virtual bool hasUnsavedResults() const = 0;
    // What "Automatic" resolves to on this machine: "cuda" or "cpu".
    virtual QString automaticDevice() const = 0;
    // The bundled demo model's folder (its tasks are in tasks/); empty when unknown.
    virtual QString demoDirectory() const { return {}; }
    // What the automatic compute dtype resolves to for `device` ("auto",
    // "cpu", "cuda") on this machine, e.g. "bfloat16", and why.
    virtual QString automaticDType(const QString& device) const {
        Q_UNUSED(device);
        return QStringLiteral("float32");
    }
    virtual QString automaticDTypeReason(const QString& device) const {
        Q_UNUSED(device);
        return {};
    }
    // The memory plan of a run with `settings` on the open model (no phases
    // while no model is open or a job runs). Quick: it reads no weights.
    virtual sieve::MemoryPlan memoryPlan(const sieve::RunSettings& settings) const {
        Q_UNUSED(settings);
        return {};
    }

public Q_SLOTS:
    // HF directory, .gguf or llama2.c .bin, on the chosen device.
    virtual void openModel(const QString& path, const sieve::DeviceChoice& device) = 0;
    // The bundled demo model and its first skill.
    virtual void openDemoModel(const sieve::DeviceChoice& device) = 0;
    virtual void openTask(const QString& path) = 0;
    virtual void calibrate(const sieve::RunSettings& settings) = 0;
    virtual void uniformSweep(const sieve::RunSettings& settings) = 0;
    virtual void geneticSearch(const sieve::RunSettings& settings) = 0;
    virtual void sensitivity(const sieve::RunSettings& settings) = 0;
    virtual void runAll(const sieve::RunSettings& settings) = 0;
    // A result of the session ("ga" or "uniform:METHOD") scored on another
    // task file beside the dense model (generalisation); answers with
    // heldOutMeasured, and the score is stored in the session.
    virtual void evaluateOnTask(const QString& taskPath, const QString& result) = 0;
    // Writes the pruned model of a result ("ga" or "uniform:METHOD") to
    // `directory` (new or empty) as `format` ("factorized" or "dense"),
    // with 8-bit factors when `int8`. Answers with finished(ok, message); the
    // message says what was written.
    virtual void exportModel(const QString& directory, const QString& format, const QString& result,
                             bool int8) {
        Q_UNUSED(format);
        Q_UNUSED(result);
        Q_UNUSED(int8);
        Q_EMIT finished(false, tr("This engine cannot export %1").arg(directory));
    }
    // LoRA recovery of a result ("ga" or "uniform:METHOD"), or, with
    // level > 0, of every matrix at that grid level with the run panel's
    // search method (`settings`): answers with loraFinished (the run is in
    // the session), then finished(ok, message).
    virtual void recoverWithLora(const QString& result, double level, const sieve::LoraSettings& lora,
                                 const sieve::RunSettings& settings) {
        Q_UNUSED(level);
        Q_UNUSED(lora);
        Q_UNUSED(settings);
        Q_EMIT finished(false, tr("This engine cannot recover %1 with LoRA").arg(result));
    }
    virtual void stop() = 0;        // cancels the running job; finished(false, ...) follows
    virtual void newSession() = 0;  // answers with sessionReplaced
    // Answers with sessionReplaced; the session's model, when it is opened
    // with it, runs on `device`.
    virtual void openSession(const QString& path, const sieve::DeviceChoice& device) = 0;
    virtual void saveSession(const QString& path) = 0;  // answers with sessionSaved
    // Reads the session at `path` again and shows it read-only (nothing is
    // written to it): another process appends to it. Answers with
    // sessionReplaced. An engine that cannot says so with finished(false, ...).
    virtual void followSession(const QString& path) {
        Q_EMIT finished(false, tr("This engine cannot follow %1").arg(path));
    }
    // The playground: `genes` (grid indices per matrix) pruned with
    // searchMethodOf(settings) on settings.grid, scored example by example on
    // the search and held-out examples. Answers with levelsEvaluated, then
    // finished(ok, message) with an empty message (it runs often). Stores
    // nothing in the session.
    virtual void evaluateLevels(const std::vector<int>& genes, const sieve::RunSettings& settings) {
        Q_UNUSED(genes);
        Q_UNUSED(settings);
        Q_EMIT finished(false, tr("This engine cannot evaluate single chromosomes"));
    }

Q_SIGNALS:
    void modelOpened(const sieve::ModelSummary& summary);
    void taskOpened(const sieve::TaskInfo& task);
    void progress(const sieve::Progress& progress);
    void logMessage(const QString& line);
    void baselineMeasured(const sieve::BaselineResult& baseline);
    // A point of a method's sweep, or of its 8-bit curve (int8Factors).
    void uniformPoint(const QString& method, const sieve::UniformPoint& point, bool int8Factors);
    void uniformFinished(const sieve::UniformResult& result);
    void generationFinished(const QString& method, const sieve::Generation& generation);
    void gaFinished(const sieve::GaResult& result);
    void sensitivityMeasured(const QString& method, int matrix, double accuracy);
    void sensitivityFinished(const sieve::SensitivityResult& result);
    void heldOutMeasured(const sieve::HeldOutEval& eval);
    void levelsEvaluated(const sieve::ChromosomeEvaluation& evaluation);
    void loraFinished(const sieve::LoraRun& run);
    // The whole session changed (opened, new, another model or task): every
    // view redraws from session().
    void sessionReplaced();
    void sessionSaved(const QString& path);
    void busyChanged(bool busy);
    void finished(bool ok, const QString& message);
};

}  // namespace sieve::widgets

#pragma once
// The main window's one door to the engine. The window calls the slots (from
// the GUI thread); an implementation runs the work elsewhere (the lead's
// adapter runs core jobs on a worker thread) and answers with the signals,
// delivered to the GUI thread as queued connections. Every long request ends
// with exactly one finished(ok, message); stop() cancels the running one.
// Uses Q_SIGNALS/Q_SLOTS so QT_NO_KEYWORDS code (tests) can include it.
#include <QObject>
#include <QString>
#include <QStringList>
#include <vector>

#include "core/job/job.h"
#include "core/model/matrix_info.h"
#include "core/search/results.h"
#include "widgets/common/metatypes.h"

namespace sieve::widgets {

// Everything the run panel lets the user choose, handed to each request.
struct RunSettings {
    QStringList methods{
        QStringLiteral("sieve")};  // "sieve", "sieve-learned", "weight-svd", "input-pca", "wanda"
    double eps = 0.05;             // accuracy kept >= (1 - eps) a0
    LevelGrid grid = defaultLevelGrid();
    GaSettings ga;
    QString device = QStringLiteral("auto");  // "auto", "cpu", "cuda"
    double sensitivityLevel = 0.9;            // level each matrix is pruned to alone
};

// What a session holds, as plain results: opening a session redraws every view from this.
struct SessionResults {
    ModelSummary model;
    QString taskName;
    LevelGrid grid = defaultLevelGrid();
    double eps = 0.05;
    BaselineResult baseline;
    std::vector<UniformResult> uniform;          // one per method
    std::vector<GaResult> ga;                    // one per method
    std::vector<SensitivityResult> sensitivity;  // one per method
};

class EngineClient : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~EngineClient() override = default;

    virtual bool isBusy() const = 0;

public Q_SLOTS:
    virtual void openModel(const QString& path) = 0;  // HF directory, .gguf or llama2.c .bin
    virtual void openDemoModel() = 0;                 // the bundled demo model and its first skill
    virtual void openTask(const QString& path) = 0;
    virtual void calibrate(const sieve::widgets::RunSettings& settings) = 0;
    virtual void uniformSweep(const sieve::widgets::RunSettings& settings) = 0;
    virtual void geneticSearch(const sieve::widgets::RunSettings& settings) = 0;
    virtual void sensitivity(const sieve::widgets::RunSettings& settings) = 0;
    virtual void runAll(const sieve::widgets::RunSettings& settings) = 0;
    virtual void stop() = 0;  // cancels the running job; finished(false, ...) follows
    virtual void newSession() = 0;
    virtual void openSession(const QString& path) = 0;  // answers with sessionLoaded
    virtual void saveSession(const QString& path) = 0;  // answers with sessionSaved

Q_SIGNALS:
    void modelOpened(const sieve::ModelSummary& summary);
    void taskOpened(const QString& name);
    void baselineMeasured(const sieve::BaselineResult& baseline);
    void progress(const sieve::Progress& progress);
    void logMessage(const QString& line);
    void uniformPoint(const QString& method, const sieve::UniformPoint& point);
    void uniformFinished(const sieve::UniformResult& result);
    void generationFinished(const QString& method, const sieve::Generation& generation);
    void gaFinished(const sieve::GaResult& result);
    void sensitivityMeasured(const QString& method, int matrix, double accuracy);
    void sensitivityFinished(const sieve::SensitivityResult& result);
    void sessionLoaded(const sieve::widgets::SessionResults& session);
    void sessionSaved(const QString& path);
    void busyChanged(bool busy);
    void finished(bool ok, const QString& message);
};

}  // namespace sieve::widgets

Q_DECLARE_METATYPE(sieve::widgets::RunSettings)
Q_DECLARE_METATYPE(sieve::widgets::SessionResults)

#include "app/gui/engine_bridge.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrent>
#include <variant>

#include "core/common/error.h"
#include "core/engine/engine.h"
#include "widgets/common/metatypes.h"

namespace sieve::app {

namespace {

RunSettings toCore(const widgets::RunSettings& s) {
    RunSettings r;
    r.methods.clear();
    for (const QString& m : s.methods) r.methods.push_back(m.toStdString());
    if (r.methods.empty()) r.methods.push_back("sieve");
    // The GA and the sensitivity scan use the first ticked method that has
    // one factorization for every level (not the sequential sweep).
    r.gaMethod = "sieve";
    for (const std::string& m : r.methods)
        if (m != kSequentialMethod) {
            r.gaMethod = m;
            break;
        }
    r.eps = s.eps;
    r.grid = s.grid;
    r.ga = s.ga;
    // The level closest to the one asked for, as a grid index.
    int best = int(r.grid.size()) - 1;
    for (int i = 0; i < int(r.grid.size()); ++i)
        if (std::abs(r.grid[i] - s.sensitivityLevel) < std::abs(r.grid[best] - s.sensitivityLevel)) best = i;
    r.sensitivityLevelIndex = best;
    return r;
}

}  // namespace

EngineBridge::EngineBridge(QObject* parent)
    : widgets::EngineClient(parent), engine_(std::make_unique<Engine>()) {
    widgets::registerMetaTypes();
}

EngineBridge::~EngineBridge() {
    cancel_.cancel();
    watcher_.waitForFinished();
}

QString EngineBridge::demoDirectory() {
    const QString fromEnv = qEnvironmentVariable("SIEVE_DEMO_DIR");
    if (!fromEnv.isEmpty()) return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {appDir + "/../share/sieve-workbench/demo", QStringLiteral(SIEVE_SOURCE_DIR "/resources/demo")})
        if (QFileInfo::exists(candidate + "/config.json")) return QDir(candidate).canonicalPath();
    return {};
}

widgets::SessionResults EngineBridge::toResults(const SessionData& s) {
    widgets::SessionResults r;
    r.model = s.model.summary;
    r.taskName = QString::fromStdString(s.task.name);
    if (!s.provenance.levelGrid.empty()) r.grid = s.provenance.levelGrid;
    r.eps = s.provenance.eps;
    if (s.baseline) r.baseline = *s.baseline;
    r.uniform = s.uniform;
    if (s.ga) r.ga.push_back(s.ga->result);
    r.sensitivity = s.sensitivity;
    return r;
}

JobContext EngineBridge::makeContext() {
    // Called on the worker thread: signals emitted here are queued to the GUI.
    return JobContext([this](const Progress& p) { Q_EMIT progress(p); },
                      [this](const JobEvent& e) {
                          if (const auto* log = std::get_if<LogEvent>(&e)) {
                              Q_EMIT logMessage(QString::fromStdString(log->text));
                          } else if (const auto* u = std::get_if<UniformPointEvent>(&e)) {
                              Q_EMIT uniformPoint(QString::fromStdString(u->method), u->point);
                          } else if (const auto* g = std::get_if<GenerationEvent>(&e)) {
                              Q_EMIT generationFinished(QString::fromStdString(g->method), g->generation);
                          } else if (const auto* s = std::get_if<SensitivityEvent>(&e)) {
                              Q_EMIT sensitivityMeasured(QString::fromStdString(s->method), s->matrix,
                                                         s->accuracy);
                          }
                      },
                      cancel_);
}

void EngineBridge::start(const QString& what, std::function<QString(JobContext&)> job) {
    if (busy_) {
        Q_EMIT finished(false, tr("%1: another job is running; stop it first").arg(what));
        return;
    }
    busy_ = true;
    cancel_.reset();
    Q_EMIT busyChanged(true);
    Q_EMIT logMessage(tr("%1 started").arg(what));
    auto outcome = std::make_shared<std::pair<bool, QString>>(false, QString());
    QObject::disconnect(&watcher_, nullptr, this, nullptr);
    connect(&watcher_, &QFutureWatcher<void>::finished, this, [this, outcome] {
        busy_ = false;
        Q_EMIT busyChanged(false);
        Q_EMIT finished(outcome->first, outcome->second);
    });
    watcher_.setFuture(QtConcurrent::run([this, what, job, outcome] {
        JobContext context = makeContext();
        try {
            const QString done = job(context);
            *outcome = {true, done.isEmpty() ? tr("%1 finished").arg(what) : done};
        } catch (const Cancelled&) {
            *outcome = {false, tr("%1 cancelled; the model is dense again").arg(what)};
        } catch (const std::exception& e) {
            *outcome = {false, tr("%1 failed: %2").arg(what, QString::fromStdString(e.what()))};
        }
    }));
}

void EngineBridge::openModel(const QString& path) {
    start(tr("Opening model"), [this, path](JobContext& c) {
        DeviceChoice device;
        const ModelSummary& m = engine_->openModel(path.toStdString(), device, c);
        Q_EMIT modelOpened(m);
        return tr("Opened %1 (%2 layers, %3 parameters)").arg(path).arg(m.layers).arg(m.totalParams);
    });
}

void EngineBridge::openDemoModel() {
    const QString dir = demoDirectory();
    if (dir.isEmpty()) {
        Q_EMIT finished(false, tr("The demo model was not found (set SIEVE_DEMO_DIR)"));
        return;
    }
    start(tr("Opening the demo model"), [this, dir](JobContext& c) {
        const ModelSummary& m = engine_->openModel(dir.toStdString(), DeviceChoice{}, c);
        Q_EMIT modelOpened(m);
        const QStringList tasks = QDir(dir + "/tasks").entryList({"*.jsonl"}, QDir::Files, QDir::Name);
        if (!tasks.isEmpty()) {
            const TaskInfo& t = engine_->openTask((dir + "/tasks/" + tasks.front()).toStdString());
            Q_EMIT taskOpened(QString::fromStdString(t.name));
        }
        return tr("Opened the demo model");
    });
}

void EngineBridge::openTask(const QString& path) {
    start(tr("Opening task"), [this, path](JobContext&) {
        const TaskInfo& t = engine_->openTask(path.toStdString());
        Q_EMIT taskOpened(QString::fromStdString(t.name));
        return tr("Task %1: %2 calibration, %3 search, %4 held-out examples")
            .arg(QString::fromStdString(t.name))
            .arg(t.calibrationExamples)
            .arg(t.searchExamples)
            .arg(t.heldOutExamples);
    });
}

void EngineBridge::calibrate(const widgets::RunSettings& settings) {
    start(tr("Calibration"), [this, settings](JobContext& c) {
        engine_->calibrate(toCore(settings), c);
        return QString();
    });
}

void EngineBridge::uniformSweep(const widgets::RunSettings& settings) {
    start(tr("Uniform sweep"), [this, settings](JobContext& c) {
        const RunSettings s = toCore(settings);
        Q_EMIT baselineMeasured(engine_->baseline(c));
        if (!engine_->isCalibrated()) engine_->calibrate(s, c);
        for (const auto& m : s.methods) Q_EMIT uniformFinished(engine_->uniform(m, s, c));
        return QString();
    });
}

void EngineBridge::geneticSearch(const widgets::RunSettings& settings) {
    start(tr("Genetic search"), [this, settings](JobContext& c) {
        const RunSettings s = toCore(settings);
        Q_EMIT baselineMeasured(engine_->baseline(c));
        if (!engine_->isCalibrated()) engine_->calibrate(s, c);
        Q_EMIT gaFinished(engine_->genetic(s, c));
        return QString();
    });
}

void EngineBridge::sensitivity(const widgets::RunSettings& settings) {
    start(tr("Sensitivity scan"), [this, settings](JobContext& c) {
        const RunSettings s = toCore(settings);
        Q_EMIT baselineMeasured(engine_->baseline(c));
        if (!engine_->isCalibrated()) engine_->calibrate(s, c);
        Q_EMIT sensitivityFinished(engine_->sensitivity(s, c));
        return QString();
    });
}

void EngineBridge::runAll(const widgets::RunSettings& settings) {
    start(tr("Run all"), [this, settings](JobContext& c) {
        const RunSettings s = toCore(settings);
        Q_EMIT baselineMeasured(engine_->baseline(c));
        if (!engine_->isCalibrated()) engine_->calibrate(s, c);
        for (const auto& m : s.methods) Q_EMIT uniformFinished(engine_->uniform(m, s, c));
        const GaResult ga = engine_->genetic(s, c);
        Q_EMIT gaFinished(ga);
        Q_EMIT sensitivityFinished(engine_->sensitivity(s, c));
        if (engine_->task().heldOutExamples > 0) {
            const HeldOutEval e = engine_->heldOut(ga.best.genes, s, c);
            Q_EMIT logMessage(tr("Held-out check: dense %1, pruned %2 with %3 % removed")
                                  .arg(e.denseAccuracy, 0, 'f', 4)
                                  .arg(e.prunedAccuracy, 0, 'f', 4)
                                  .arg(100 * e.removedFraction, 0, 'f', 1));
        }
        return tr("Run all finished");
    });
}

void EngineBridge::stop() {
    cancel_.cancel();
}

void EngineBridge::newSession() {
    start(tr("New session"), [this](JobContext&) {
        engine_->setSessionPath({});
        return tr("New session");
    });
}

void EngineBridge::openSession(const QString& path) {
    start(tr("Opening session"), [this, path](JobContext& c) {
        std::string mismatch;
        int opened = 0;
        const SessionData data =
            engine_->openSessionWithInputs(path.toStdString(), DeviceChoice{}, c, &mismatch, &opened);
        if (opened & 1) Q_EMIT modelOpened(engine_->model());
        if (opened & 2) Q_EMIT taskOpened(QString::fromStdString(engine_->task().name));
        Q_EMIT sessionLoaded(toResults(data));
        if (!mismatch.empty())
            return tr("Opened %1 read-only: %2").arg(path, QString::fromStdString(mismatch));
        return tr("Opened %1").arg(path);
    });
}

void EngineBridge::saveSession(const QString& path) {
    start(tr("Saving session"), [this, path](JobContext&) {
        engine_->saveSession(path.toStdString());
        Q_EMIT sessionSaved(path);
        return tr("Saved %1").arg(path);
    });
}

}  // namespace sieve::app

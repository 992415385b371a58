#include "app/gui/engine_bridge.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrent>
#include <variant>

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/engine/engine.h"

namespace sieve::app {

EngineBridge::EngineBridge(QObject* parent)
    : widgets::EngineClient(parent), engine_(std::make_unique<Engine>()) {
    widgets::registerMetaTypes();
}

EngineBridge::~EngineBridge() {
    cancel_.cancel();
    watcher_.waitForFinished();
}

QString EngineBridge::findDemoDirectory() {
    const QString fromEnv = qEnvironmentVariable("SIEVE_DEMO_DIR");
    if (!fromEnv.isEmpty()) return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {appDir + "/../share/sieve-workbench/demo", QStringLiteral(SIEVE_SOURCE_DIR "/resources/demo")})
        if (QFileInfo::exists(candidate + "/config.json")) return QDir(candidate).canonicalPath();
    return {};
}

SessionData EngineBridge::session() const {
    return engine_->session().snapshot();
}
QString EngineBridge::sessionPath() const {
    return QString::fromStdString(engine_->session().path());
}
bool EngineBridge::hasUnsavedResults() const {
    return engine_->session().hasUnsavedResults();
}
QString EngineBridge::automaticDevice() const {
    return QString::fromStdString(resolveDevice("auto"));
}

QString EngineBridge::automaticDType(const QString& device) const {
    try {
        return QString::fromStdString(
            dtypeName(resolveDType(DeviceChoice{device.toStdString(), DType::Auto})));
    } catch (const std::exception&) {  // a device this machine lacks: the GPU rule
        return QStringLiteral("bfloat16");
    }
}

QString EngineBridge::automaticDTypeReason(const QString& device) const {
    try {
        return QString::fromStdString(sieve::automaticDTypeReason(device.toStdString()));
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
}

MemoryPlan EngineBridge::memoryPlan(const RunSettings& settings) const {
    // The engine belongs to the worker while a job runs.
    if (busy_ || !engine_->hasModel()) return {};
    try {
        return engine_->plan(settings);
    } catch (const std::exception&) {  // settings the run would refuse anyway: no plan to show
        return {};
    }
}

// Worker thread: the signals are queued to the GUI thread.
void EngineBridge::forward(const JobEvent& event) {
    std::visit(
        [this](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, LogEvent>)
                Q_EMIT logMessage(QString::fromStdString(e.text));
            else if constexpr (std::is_same_v<E, BaselineEvent>)
                Q_EMIT baselineMeasured(e.baseline);
            else if constexpr (std::is_same_v<E, CalibrationEvent>)
                Q_EMIT logMessage(tr("Calibrated on %1 examples (%2 tokens)").arg(e.examples).arg(e.tokens));
            else if constexpr (std::is_same_v<E, UniformPointEvent>)
                Q_EMIT uniformPoint(QString::fromStdString(e.method), e.point, e.int8Factors);
            else if constexpr (std::is_same_v<E, UniformFinishedEvent>)
                Q_EMIT uniformFinished(e.result);
            else if constexpr (std::is_same_v<E, GenerationEvent>)
                Q_EMIT generationFinished(QString::fromStdString(e.method), e.generation);
            else if constexpr (std::is_same_v<E, GaFinishedEvent>)
                Q_EMIT gaFinished(e.result);
            else if constexpr (std::is_same_v<E, SensitivityEvent>)
                Q_EMIT sensitivityMeasured(QString::fromStdString(e.method), e.matrix, e.accuracy);
            else if constexpr (std::is_same_v<E, SensitivityFinishedEvent>)
                Q_EMIT sensitivityFinished(e.result);
            else if constexpr (std::is_same_v<E, HeldOutEvent>)
                Q_EMIT heldOutMeasured(e.eval);
            else if constexpr (std::is_same_v<E, LoraFinishedEvent>)
                Q_EMIT loraFinished(e.run);
        },
        event);
}

JobContext EngineBridge::makeContext() {
    return JobContext([this](const Progress& p) { Q_EMIT progress(p); },
                      [this](const JobEvent& e) { forward(e); }, cancel_);
}

void EngineBridge::start(const QString& what, std::function<QString(JobContext&)> job, bool quiet) {
    if (busy_) {
        Q_EMIT finished(false, tr("%1: another job is running; stop it first").arg(what));
        return;
    }
    busy_ = true;
    cancel_.reset();
    Q_EMIT busyChanged(true);
    if (!quiet) Q_EMIT logMessage(tr("%1 started").arg(what));
    auto outcome = std::make_shared<std::pair<bool, QString>>(false, QString());
    QObject::disconnect(&watcher_, nullptr, this, nullptr);
    connect(&watcher_, &QFutureWatcher<void>::finished, this, [this, outcome] {
        busy_ = false;
        Q_EMIT busyChanged(false);
        Q_EMIT finished(outcome->first, outcome->second);
    });
    watcher_.setFuture(QtConcurrent::run([this, what, job, outcome, quiet] {
        JobContext context = makeContext();
        try {
            const QString done = job(context);
            *outcome = {true, done.isEmpty() && !quiet ? tr("%1 finished").arg(what) : done};
        } catch (const Cancelled&) {
            *outcome = {false, tr("%1 cancelled; the model is dense again").arg(what)};
        } catch (const std::exception& e) {
            *outcome = {false, tr("%1 failed: %2").arg(what, QString::fromStdString(e.what()))};
        }
    }));
}

void EngineBridge::openModel(const QString& path, const DeviceChoice& device) {
    start(tr("Opening model"), [this, path, device](JobContext& c) {
        const ModelSummary& m = engine_->openModel(path.toStdString(), device, c);
        Q_EMIT modelOpened(m);
        Q_EMIT sessionReplaced();
        return tr("Opened %1 (%2 layers, %3 parameters) on %4")
            .arg(path)
            .arg(m.layers)
            .arg(m.totalParams)
            .arg(QString::fromStdString(m.device));
    });
}

void EngineBridge::openDemoModel(const DeviceChoice& device) {
    const QString dir = findDemoDirectory();
    if (dir.isEmpty()) {
        Q_EMIT finished(false, tr("The demo model was not found (set SIEVE_DEMO_DIR)"));
        return;
    }
    start(tr("Opening the demo model"), [this, dir, device](JobContext& c) {
        const ModelSummary& m = engine_->openModel(dir.toStdString(), device, c);
        Q_EMIT modelOpened(m);
        const QStringList tasks = QDir(dir + "/tasks").entryList({"*.jsonl"}, QDir::Files, QDir::Name);
        if (!tasks.isEmpty())
            Q_EMIT taskOpened(engine_->openTask((dir + "/tasks/" + tasks.front()).toStdString()));
        Q_EMIT sessionReplaced();
        return tr("Opened the demo model on %1").arg(QString::fromStdString(m.device));
    });
}

void EngineBridge::openTask(const QString& path) {
    start(tr("Opening task"), [this, path](JobContext&) {
        const TaskInfo& t = engine_->openTask(path.toStdString());
        Q_EMIT taskOpened(t);
        Q_EMIT sessionReplaced();
        return tr("Task %1: %2 calibration, %3 search, %4 held-out examples")
            .arg(QString::fromStdString(t.name))
            .arg(t.calibrationExamples)
            .arg(t.searchExamples)
            .arg(t.heldOutExamples);
    });
}

void EngineBridge::calibrate(const RunSettings& settings) {
    start(tr("Calibration"), [this, settings](JobContext& c) {
        engine_->baseline(c);
        engine_->calibrate(settings, c);
        return QString();
    });
}

void EngineBridge::uniformSweep(const RunSettings& settings) {
    start(tr("Uniform sweep"), [this, settings](JobContext& c) {
        engine_->uniformSweeps(settings, c);
        return QString();
    });
}

void EngineBridge::geneticSearch(const RunSettings& settings) {
    start(tr("Genetic search"), [this, settings](JobContext& c) {
        engine_->genetic(settings, c);
        return QString();
    });
}

void EngineBridge::sensitivity(const RunSettings& settings) {
    start(tr("Sensitivity scan"), [this, settings](JobContext& c) {
        engine_->sensitivity(settings, c);
        return QString();
    });
}

void EngineBridge::runAll(const RunSettings& settings) {
    start(tr("Run all"), [this, settings](JobContext& c) {
        engine_->runAll(settings, c);
        return tr("Run all finished");
    });
}

void EngineBridge::evaluateOnTask(const QString& taskPath, const QString& result) {
    start(tr("Evaluate on another task"), [this, taskPath, result](JobContext& c) {
        const ResultSource source = parseResultSource(result.toStdString(), "the result to evaluate");
        const HeldOutEval e = engine_->evaluateOnTask(taskPath.toStdString(), source, RunSettings{}, c);
        return tr("%1 evaluated on %2").arg(result, QString::fromStdString(e.taskName));
    });
}

void EngineBridge::exportModel(const QString& directory, const QString& format, const QString& result,
                               bool int8) {
    start(tr("Export model"), [this, directory, format, result, int8](JobContext& c) {
        RunSettings s;
        s.int8Factors = int8;
        const ExportReport r =
            engine_->exportResult(directory.toStdString(), parseExportFormat(format.toStdString()),
                                  parseResultSource(result.toStdString(), "the result to export"), s, c);
        return tr("Exported %1 (%2%3) to %4: %5 of %6 parameters, %7 MB")
                   .arg(result, QString::fromStdString(r.format),
                        r.int8Factors ? tr(", 8-bit factors") : QString(), directory)
                   .arg(r.exportedParams)
                   .arg(r.originalParams)
                   .arg(double(r.exportedBytes) / 1e6, 0, 'f', 2) +
               (r.tokensPerSecond > 0 && r.denseTokensPerSecond > 0
                    ? tr("; forward %1x the dense model's speed")
                          .arg(r.tokensPerSecond / r.denseTokensPerSecond, 0, 'f', 2)
                    : QString());
    });
}

void EngineBridge::recoverWithLora(const QString& result, double level, const LoraSettings& lora,
                                   const RunSettings& settings) {
    start(tr("LoRA recovery"), [this, result, level, lora, settings](JobContext& c) {
        const LoraRun r = engine_->lora({result.toStdString(), level > 0 ? level : -1.0}, lora, settings, c);
        QString text = tr("LoRA on %1: search %2 -> %3")
                           .arg(QString::fromStdString(r.source) +
                                (r.level >= 0 ? tr(" at level %1").arg(r.level, 0, 'f', 2) : QString()))
                           .arg(r.searchBefore, 0, 'f', 3)
                           .arg(r.searchAfter, 0, 'f', 3);
        if (r.heldOutExamples > 0)
            text += tr(", held-out %1 -> %2").arg(r.heldOutBefore, 0, 'f', 3).arg(r.heldOutAfter, 0, 'f', 3);
        return text;
    });
}

void EngineBridge::stop() {
    cancel_.cancel();
}

void EngineBridge::newSession() {
    start(tr("New session"), [this](JobContext&) {
        engine_->newSession();
        Q_EMIT sessionReplaced();
        return tr("New session");
    });
}

void EngineBridge::openSession(const QString& path, const DeviceChoice& device) {
    start(tr("Opening session"), [this, path, device](JobContext& c) {
        std::string mismatch;
        int opened = 0;
        engine_->openSessionWithInputs(path.toStdString(), device, c, &mismatch, &opened);
        if (opened & 1) Q_EMIT modelOpened(engine_->model());
        if (opened & 2) Q_EMIT taskOpened(engine_->task());
        Q_EMIT sessionReplaced();
        if (!mismatch.empty())
            return tr("Opened %1 read-only: %2").arg(path, QString::fromStdString(mismatch));
        return tr("Opened %1").arg(path);
    });
}

void EngineBridge::followSession(const QString& path) {
    start(tr("Reading session"), [this, path](JobContext&) {
        const SessionData data = engine_->followSession(path.toStdString());
        Q_EMIT sessionReplaced();
        const size_t generations = data.ga ? data.ga->result.generations.size() : 0;
        return tr("Read %1 (read-only; genetic-search generations so far: %2)").arg(path).arg(generations);
    });
}

void EngineBridge::saveSession(const QString& path) {
    start(tr("Saving session"), [this, path](JobContext&) {
        engine_->saveSession(path.toStdString());
        Q_EMIT sessionSaved(path);
        return tr("Saved %1").arg(path);
    });
}

void EngineBridge::evaluateLevels(const std::vector<int>& genes, const RunSettings& settings) {
    start(
        tr("Evaluating the levels"),
        [this, genes, settings](JobContext& c) {
            Q_EMIT levelsEvaluated(engine_->evaluateExamples(genes, settings, c));
            return QString();
        },
        true);
}

}  // namespace sieve::app

#include "fake_engine_client.h"

#include <QFile>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"

namespace sieve::test {

FakeEngineClient::FakeEngineClient(int layers, QObject* parent) : EngineClient(parent), layers_(layers) {}

FakeEngineClient::~FakeEngineClient() {
    cancel_.cancel();
    job_.waitForFinished();
}

void FakeEngineClient::waitForIdle() {
    job_.waitForFinished();
}

void FakeEngineClient::openModel(const QString& path) {
    ++calls_[QStringLiteral("openModel")];
    model_ = llamaLikeSummary(layers_);
    model_.path = path.toStdString();
    session_ = {};
    session_.model = model_;
    Q_EMIT modelOpened(model_);
    Q_EMIT finished(true, tr("Model opened"));
}

void FakeEngineClient::openDemoModel() {
    ++calls_[QStringLiteral("openDemoModel")];
    openModel(QStringLiteral("demo/sieve-demo"));
    openTask(QStringLiteral("skill-a.json"));
}

void FakeEngineClient::openTask(const QString& path) {
    ++calls_[QStringLiteral("openTask")];
    taskName_ = QFileInfo(path).completeBaseName();
    variant_ = taskName_.endsWith(QLatin1String("b")) ? 1 : 0;
    const ModelSummary model = model_;
    session_ = {};
    session_.model = model;
    session_.taskName = taskName_;
    Q_EMIT taskOpened(taskName_);
}

void FakeEngineClient::calibrate(const widgets::RunSettings& s) {
    start(Calibrate, s);
}
void FakeEngineClient::uniformSweep(const widgets::RunSettings& s) {
    start(Uniform, s);
}
void FakeEngineClient::geneticSearch(const widgets::RunSettings& s) {
    start(Genetic, s);
}
void FakeEngineClient::sensitivity(const widgets::RunSettings& s) {
    start(Sensitivity, s);
}
void FakeEngineClient::runAll(const widgets::RunSettings& s) {
    start(Calibrate | Uniform | Genetic | Sensitivity, s);
}

void FakeEngineClient::stop() {
    ++calls_[QStringLiteral("stop")];
    cancel_.cancel();
}

void FakeEngineClient::newSession() {
    session_ = {};
    session_.model = model_;
    session_.taskName = taskName_;
}

void FakeEngineClient::openSession(const QString& path) {
    if (!saved_.contains(path)) {
        Q_EMIT finished(false, tr("%1: no such session").arg(path));
        return;
    }
    session_ = saved_.value(path);
    model_ = session_.model;
    Q_EMIT sessionLoaded(session_);
}

void FakeEngineClient::saveSession(const QString& path) {
    saved_[path] = session_;
    QFile marker(path);
    if (marker.open(QIODevice::WriteOnly)) marker.write("fake session\n");
    Q_EMIT sessionSaved(path);
}

void FakeEngineClient::start(int steps, const widgets::RunSettings& settings) {
    ++calls_[QStringLiteral("start")];
    if (busy_) return;
    busy_ = true;
    cancel_.reset();
    Q_EMIT busyChanged(true);
    job_ = QtConcurrent::run([this, steps, settings] { runSteps(steps, settings); });
}

// Worker thread: every signal below crosses to the GUI thread as a queued connection.
void FakeEngineClient::runSteps(int steps, widgets::RunSettings settings) {
    bool ok = true;
    QString message = tr("Done");
    widgets::SessionResults& out = session_;  // written here only while busy; read by the GUI after finished
    try {
        const std::vector<int> bottlenecks = defaultBottlenecks(layers_, variant_);
        const double a0 = variant_ == 0 ? 0.82 : 0.74;
        PruningProblem problem(model_.matrices, settings.grid, a0, settings.eps);
        SyntheticTask task(model_, settings.grid, a0, bottlenecks, 1.0, evaluationSleepMicroseconds);
        auto onProgress = [this](const Progress& p) { Q_EMIT progress(p); };
        auto onEvent = [this](const JobEvent& e) {
            if (const auto* g = std::get_if<GenerationEvent>(&e))
                Q_EMIT generationFinished(QString::fromStdString(g->method), g->generation);
            else if (const auto* u = std::get_if<UniformPointEvent>(&e))
                Q_EMIT uniformPoint(QString::fromStdString(u->method), u->point);
            else if (const auto* s = std::get_if<SensitivityEvent>(&e))
                Q_EMIT sensitivityMeasured(QString::fromStdString(s->method), s->matrix, s->accuracy);
            else if (const auto* l = std::get_if<LogEvent>(&e))
                Q_EMIT logMessage(QString::fromStdString(l->text));
        };
        JobContext context(onProgress, onEvent, cancel_);
        out.grid = settings.grid;
        out.eps = settings.eps;
        if (steps & Calibrate) {
            BaselineResult baseline;
            baseline.a0 = a0;
            baseline.examples = 200;
            out.baseline = baseline;
            Q_EMIT baselineMeasured(baseline);
        }
        int uniformBest = 0;
        if (steps & Uniform) {
            UniformSearchOptions options;
            options.method = "sieve";
            UniformResult u = uniformSearch(problem, task, options, context);
            out.uniform = {u};
            Q_EMIT uniformFinished(u);
            for (size_t i = 0; i < settings.grid.size(); ++i)
                if (settings.grid[i] == u.bestLevel) uniformBest = static_cast<int>(i);
        }
        if (steps & Genetic) {
            GaSettings ga = settings.ga;
            ga.patience = ga.generations;
            GeneticSearch search(problem, ga);
            GaRunOptions options;
            options.method = "sieve";
            options.uniformBestIndex = uniformBest;
            GaResult result = search.run(task, options, context);
            out.ga = {result};
            Q_EMIT gaFinished(result);
        }
        if (steps & Sensitivity) {
            SensitivityOptions options;
            options.method = "sieve";
            SensitivityResult s = singleMatrixSensitivity(problem, task, options, context);
            out.sensitivity = {s};
            Q_EMIT sensitivityFinished(s);
        }
    } catch (const Cancelled&) {
        ok = false;
        message = tr("Cancelled");
    } catch (const std::exception& e) {
        ok = false;
        message = QString::fromUtf8(e.what());
    }
    busy_ = false;
    Q_EMIT busyChanged(false);
    Q_EMIT finished(ok, message);
}

}  // namespace sieve::test

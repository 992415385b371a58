#include "fake_engine_client.h"

#include <QThreadPool>

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/common/error.h"
#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"
#include "core/session/session_file.h"

namespace sieve::test {

FakeEngineClient::FakeEngineClient(int layers, QObject* parent) : EngineClient(parent), layers_(layers) {}

FakeEngineClient::~FakeEngineClient() {
    cancel_.cancel();
    waitForIdle();
}

// Every job of this fake runs on the global pool. Waiting for the pool rather
// than on job_ (QFuture::waitForFinished) because the latter was seen to hang
// for good in Qt 6.4 after many short jobs, with no worker thread left.
void FakeEngineClient::waitForIdle() {
    QThreadPool::globalInstance()->waitForDone();
}

void FakeEngineClient::startSession() {
    ModelIdentity model;
    model.summary = model_;
    model.contentHash = "synthetic-" + std::to_string(layers_);
    Provenance provenance;
    provenance.device = "cpu";
    provenance.dtype = "float32";
    session_.start(model, task_, provenance);
}

void FakeEngineClient::openModel(const QString& path, const DeviceChoice& device) {
    ++calls_[QStringLiteral("openModel")];
    lastDevice_ = device;
    if (device.device == "cuda") {  // this machine has none, as the real engine says
        Q_EMIT finished(false,
                        tr("Opening model failed: device 'cuda' requested but libtorch sees no CUDA device"));
        return;
    }
    model_ = llamaLikeSummary(layers_);
    model_.path = path.toStdString();
    startSession();
    Q_EMIT modelOpened(model_);
    Q_EMIT sessionReplaced();
    Q_EMIT finished(true, tr("Model opened"));
}

void FakeEngineClient::openDemoModel(const DeviceChoice& device) {
    ++calls_[QStringLiteral("openDemoModel")];
    openModel(QStringLiteral("demo/sieve-demo"), device);
    openTask(QStringLiteral("skill-a.json"));
}

void FakeEngineClient::openTask(const QString& path) {
    ++calls_[QStringLiteral("openTask")];
    task_ = TaskIdentity{};
    task_.name = QFileInfo(path).completeBaseName().toStdString();
    task_.path = path.toStdString();
    task_.hash = "task-" + task_.name;
    task_.metric = "exact_match";
    task_.splitSizes = {
        {"calibration", 2 * searchExamples}, {"search", searchExamples}, {"held_out", searchExamples}};
    variant_ = QString::fromStdString(task_.name).endsWith(QLatin1String("b")) ? 1 : 0;
    startSession();
    TaskInfo info;
    info.name = task_.name;
    info.path = task_.path;
    info.searchExamples = searchExamples;
    info.heldOutExamples = searchExamples;
    Q_EMIT taskOpened(info);
    Q_EMIT sessionReplaced();
}

void FakeEngineClient::calibrate(const RunSettings& s) {
    start(Calibrate, s);
}
void FakeEngineClient::uniformSweep(const RunSettings& s) {
    start(Uniform, s);
}
void FakeEngineClient::geneticSearch(const RunSettings& s) {
    start(Genetic, s);
}
void FakeEngineClient::sensitivity(const RunSettings& s) {
    start(Sensitivity, s);
}
void FakeEngineClient::runAll(const RunSettings& s) {
    start(Calibrate | Uniform | Genetic | Sensitivity | HeldOut, s);
}

void FakeEngineClient::exportModel(const QString& directory, const QString& format, const QString& result,
                                   bool int8) {
    ++calls_[QStringLiteral("exportModel")];
    lastExport_ = {directory, format, result, int8};
    Q_EMIT finished(true, tr("Exported %1 (%2) to %3").arg(result, format, directory));
}

void FakeEngineClient::recoverWithLora(const QString& result, double level, const LoraSettings& lora,
                                       const RunSettings& settings) {
    ++calls_[QStringLiteral("recoverWithLora")];
    lastLora_ = {result, level, lora};
    LoraRun run;
    run.source = level > 0 ? "level:" + searchMethodOf(settings) : result.toStdString();
    run.method = searchMethodOf(settings);
    run.level = level > 0 ? level : -1;
    run.removedFraction = 0.5;
    run.settings = lora;
    run.loss.assign(size_t(lora.steps), 1.0);
    run.searchBefore = 0.5;
    run.searchAfter = 0.8;
    run.searchExamples = searchExamples;
    session_.putLora(run);
    Q_EMIT loraFinished(run);
    Q_EMIT finished(true, tr("LoRA on %1").arg(QString::fromStdString(run.source)));
}

void FakeEngineClient::evaluateOnTask(const QString& taskPath, const QString& result) {
    ++calls_[QStringLiteral("evaluateOnTask")];
    lastEvaluatedTask_ = taskPath;
    lastEvaluatedResult_ = result;
    const SessionData data = session_.snapshot();
    HeldOutEval e;
    try {
        const ResultSource source = parseResultSource(result.toStdString(), "the result to evaluate");
        if (source.ga && data.ga) {
            e.method = data.ga->result.method;
            e.removedFraction = data.ga->result.best.removedFraction;
        } else if (!source.ga) {
            for (const UniformResult& u : data.uniform)
                if (u.method == source.method) e.method = u.method, e.removedFraction = u.bestRemovedFraction;
        }
        if (e.method.empty()) throw InputError("the session has no result " + result.toStdString());
        e.source = resultSourceText(source);
    } catch (const InputError& error) {
        Q_EMIT finished(false, QString::fromUtf8(error.what()));
        return;
    }
    e.taskName = QFileInfo(taskPath).completeBaseName().toStdString();
    e.taskPath = taskPath.toStdString();
    e.split = kEvaluationSplit;
    e.metric = "exact_match";
    e.examples = 40;
    const int lost = int(20 * e.removedFraction);
    for (int i = 0; i < 40; ++i) {
        e.denseCorrect.push_back(i < 30 ? 1 : 0);
        e.prunedCorrect.push_back(i < 30 - lost ? 1 : 0);
    }
    e.denseAccuracy = 30.0 / 40.0;
    e.prunedAccuracy = double(30 - lost) / 40.0;
    session_.putEval(e);
    Q_EMIT heldOutMeasured(e);
    Q_EMIT finished(true, tr("Evaluated"));
}

void FakeEngineClient::stop() {
    ++calls_[QStringLiteral("stop")];
    cancel_.cancel();
}

void FakeEngineClient::newSession() {
    session_.reset();
    Q_EMIT sessionReplaced();
}

void FakeEngineClient::openSession(const QString& path, const DeviceChoice&) {
    try {
        session_.adopt(SessionFile::load(path.toStdString()), path.toStdString());
    } catch (const std::exception& e) {
        Q_EMIT finished(false, QString::fromUtf8(e.what()));
        return;
    }
    model_ = session_.snapshot().model.summary;
    Q_EMIT sessionReplaced();
    Q_EMIT finished(true, tr("Opened %1").arg(path));
}

void FakeEngineClient::saveSession(const QString& path) {
    try {
        session_.saveAs(path.toStdString());
    } catch (const std::exception& e) {
        Q_EMIT finished(false, QString::fromUtf8(e.what()));
        return;
    }
    Q_EMIT sessionSaved(path);
    Q_EMIT finished(true, tr("Saved %1").arg(path));
}

void FakeEngineClient::start(int steps, const RunSettings& settings) {
    ++calls_[QStringLiteral("start")];
    lastSettings_ = settings;
    if (busy_) return;
    busy_ = true;
    cancel_.reset();
    Q_EMIT busyChanged(true);
    job_ = QtConcurrent::run([this, steps, settings] { runSteps(steps, settings); });
}

// Worker thread: every signal below crosses to the GUI thread as a queued connection.
void FakeEngineClient::runSteps(int steps, RunSettings settings) {
    bool ok = true;
    QString message = tr("Done");
    try {
        const std::vector<int> bottlenecks = defaultBottlenecks(layers_, variant_);
        const double a0 = variant_ == 0 ? 0.82 : 0.74;
        const std::string method = searchMethodOf(settings);
        PruningProblem problem(model_.matrices, settings.grid, a0, settings.eps);
        SyntheticTask task(model_, settings.grid, a0, bottlenecks, 1.0, evaluationSleepMicroseconds);
        auto onProgress = [this](const Progress& p) { Q_EMIT progress(p); };
        auto onEvent = [this](const JobEvent& e) {
            if (const auto* g = std::get_if<GenerationEvent>(&e))
                Q_EMIT generationFinished(QString::fromStdString(g->method), g->generation);
            else if (const auto* u = std::get_if<UniformPointEvent>(&e))
                Q_EMIT uniformPoint(QString::fromStdString(u->method), u->point, u->int8Factors);
            else if (const auto* s = std::get_if<SensitivityEvent>(&e))
                Q_EMIT sensitivityMeasured(QString::fromStdString(s->method), s->matrix, s->accuracy);
            else if (const auto* l = std::get_if<LogEvent>(&e))
                Q_EMIT logMessage(QString::fromStdString(l->text));
        };
        JobContext context(onProgress, onEvent, cancel_);
        session_.recordSettings(settings.eps, settings.grid, settings.methods, settings.ga.seed);
        if (!session_.baseline()) {
            BaselineResult baseline;
            baseline.a0 = a0;
            baseline.examples = 200;
            session_.setBaseline(baseline);
            Q_EMIT baselineMeasured(baseline);
        }
        int uniformBest = 0;
        if (steps & Uniform) {
            UniformSearchOptions options;
            options.method = method;
            UniformResult u = uniformSearch(problem, task, options, context);
            session_.putUniform(u);
            Q_EMIT uniformFinished(u);
            for (size_t i = 0; i < settings.grid.size(); ++i)
                if (settings.grid[i] == u.bestLevel) uniformBest = static_cast<int>(i);
        }
        if (steps & Genetic) {
            GaSettings ga = settings.ga;
            ga.patience = gaPatience < 0 ? ga.generations : gaPatience;
            GaSession start;
            start.result.method = method;
            start.result.settings = ga;
            session_.beginGa(start);
            GeneticSearch search(problem, ga);
            GaRunOptions options;
            options.method = method;
            options.uniformBestIndex = uniformBest;
            options.onGeneration = [&](const Generation& g, const std::string& rng) {
                session_.appendGeneration(g, rng);
            };
            GaResult result = search.run(task, options, context);
            session_.finishGa(result, std::nullopt);
            Q_EMIT gaFinished(result);
            if (steps & HeldOut) {
                // As the engine's runAll ends: the GA best on the held-out examples.
                const ChromosomeEvaluation e = expectedEvaluation(result.best.genes, settings);
                HeldOutEval eval;
                eval.taskName = task_.name + " (held-out)";
                eval.denseAccuracy = e.denseHeldOutAccuracy;
                eval.prunedAccuracy = e.heldOutAccuracy;
                eval.removedFraction = result.best.removedFraction;
                session_.putEval(eval);
                Q_EMIT heldOutMeasured(eval);
            }
        }
        if (steps & Sensitivity) {
            SensitivityOptions options;
            options.method = method;
            SensitivityResult s = singleMatrixSensitivity(problem, task, options, context);
            session_.putSensitivity(s);
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

// Example k of a split is answered right while k < accuracy × n: the dense
// model gets the first a0 × n right, a pruned one fewer as its accuracy drops.
ChromosomeEvaluation FakeEngineClient::expectedEvaluation(const std::vector<int>& genes,
                                                          const RunSettings& settings) const {
    const std::vector<int> bottlenecks = defaultBottlenecks(layers_, variant_);
    const double a0 = variant_ == 0 ? 0.82 : 0.74;
    SyntheticTask task(model_, settings.grid, a0, bottlenecks);
    PruningProblem problem(model_.matrices, settings.grid, a0, settings.eps);
    const int n = kPlaygroundExamples;
    const double removed = problem.removedFraction(genes);
    // The held-out examples are a little harder for pruned models than the search ones.
    const double search = std::max(0.0, task.exact(genes));
    const double heldOut = std::max(0.0, search - 0.2 * removed);
    auto right = [n](double accuracy) { return int(std::lround(accuracy * n)); };
    ChromosomeEvaluation e;
    e.method = searchMethodOf(settings);
    e.genes = genes;
    e.grid = settings.grid;
    e.eps = settings.eps;
    e.removedFraction = removed;
    e.searchExamples = n;
    e.heldOutExamples = n;
    e.searchAccuracy = double(right(search)) / n;
    e.denseSearchAccuracy = double(right(a0)) / n;
    e.heldOutAccuracy = double(right(heldOut)) / n;
    e.denseHeldOutAccuracy = double(right(a0)) / n;
    for (ExampleSplit split : {ExampleSplit::Search, ExampleSplit::HeldOut}) {
        const int prunedRight = right(split == ExampleSplit::Search ? search : heldOut);
        for (int k = 0; k < n; ++k) {
            ExampleComparison o;
            o.split = split;
            o.index = k;
            o.line = 2 + k + (split == ExampleSplit::HeldOut ? n : 0);
            o.tag = k % 2 == 0 ? "carry" : "no-carry";
            o.prompt = "add " + std::to_string(10 + k) + "+" + std::to_string(30 + 2 * k) + "=";
            o.reference = std::to_string(40 + 3 * k);
            o.denseCorrect = k < right(a0);
            o.prunedCorrect = k < prunedRight;
            o.denseScore = o.denseCorrect ? 1 : 0;
            o.prunedScore = o.prunedCorrect ? 1 : 0;
            o.denseAnswer = o.denseCorrect ? o.reference : std::to_string(41 + 3 * k);
            o.prunedAnswer = o.prunedCorrect ? o.reference : std::to_string(49 + 3 * k);
            e.examples.push_back(o);
        }
    }
    return e;
}

void FakeEngineClient::evaluateLevels(const std::vector<int>& genes, const RunSettings& settings) {
    ++calls_[QStringLiteral("evaluateLevels")];
    lastSettings_ = settings;
    if (busy_) {
        Q_EMIT finished(false, tr("Evaluating the levels: another job is running; stop it first"));
        return;
    }
    if (genes.size() != model_.matrices.size()) {
        Q_EMIT finished(false, tr("Evaluating the levels failed: wrong number of genes"));
        return;
    }
    busy_ = true;
    Q_EMIT busyChanged(true);
    job_ = QtConcurrent::run([this, genes, settings] {
        if (evaluationSleepMicroseconds > 0)
            std::this_thread::sleep_for(std::chrono::microseconds(evaluationSleepMicroseconds));
        const ChromosomeEvaluation e = expectedEvaluation(genes, settings);
        Q_EMIT levelsEvaluated(e);
        busy_ = false;
        Q_EMIT busyChanged(false);
        Q_EMIT finished(true, QString());
    });
}

}  // namespace sieve::test

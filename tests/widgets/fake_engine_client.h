#pragma once
// A test double for the engine: the real searches (core/search) over the
// synthetic task, run on a worker thread like the real adapter, with results
// delivered as queued signals and kept in a real core Session (so save and
// reopen go through real session files).
#include <QFuture>
#include <QMap>
#include <atomic>

#include "core/session/session.h"
#include "synthetic_workload.h"
#include "widgets/engine_client.h"

namespace sieve::test {

class FakeEngineClient : public widgets::EngineClient {
    Q_OBJECT
public:
    explicit FakeEngineClient(int layers = 8, QObject* parent = nullptr);
    ~FakeEngineClient() override;

    bool isBusy() const override { return busy_; }
    SessionData session() const override { return session_.snapshot(); }
    QString sessionPath() const override { return QString::fromStdString(session_.path()); }
    bool hasUnsavedResults() const override { return session_.hasUnsavedResults(); }
    QString automaticDevice() const override { return QStringLiteral("cpu"); }
    void waitForIdle();

    // What the fake produced, for the tests to compare the views with.
    const ModelSummary& model() const { return model_; }
    int evaluationSleepMicroseconds = 0;  // slows evaluations to test Stop and responsiveness
    // The GA's patience (generations without improvement before it stops);
    // < 0: as many as it may run (never early).
    int gaPatience = -1;
    // Search examples of the tasks opened from now on (held-out as many).
    int searchExamples = kPlaygroundExamples;
    int calls(const QString& request) const { return calls_.value(request); }
    // The settings of the last run request, as the window sent them.
    const RunSettings& lastSettings() const { return lastSettings_; }
    const DeviceChoice& lastDevice() const { return lastDevice_; }
    // The task and result of the last evaluateOnTask request.
    QString lastEvaluatedTask() const { return lastEvaluatedTask_; }
    QString lastEvaluatedResult() const { return lastEvaluatedResult_; }
    // The last exportModel request: directory, format, result, int8.
    struct ExportRequest {
        QString directory, format, result;
        bool int8 = false;
    };
    ExportRequest lastExport() const { return lastExport_; }
    // The last recoverWithLora request.
    struct LoraRequest {
        QString result;
        double level = -1;
        LoraSettings lora;
    };
    LoraRequest lastLora() const { return lastLora_; }

    // Synchronous shortcuts for the tests (the slots take the device the dialog chose).
    void openDemoModel() { openDemoModel(DeviceChoice{}); }

public Q_SLOTS:
    void openModel(const QString& path, const sieve::DeviceChoice& device) override;
    void openDemoModel(const sieve::DeviceChoice& device) override;
    void openTask(const QString& path) override;
    void calibrate(const sieve::RunSettings& settings) override;
    void uniformSweep(const sieve::RunSettings& settings) override;
    void geneticSearch(const sieve::RunSettings& settings) override;
    void sensitivity(const sieve::RunSettings& settings) override;
    void runAll(const sieve::RunSettings& settings) override;
    // Scores a synthetic other task: 40 examples, the dense model right on
    // 30, the pruned one losing more the more it removes.
    void evaluateOnTask(const QString& taskPath, const QString& result) override;
    // Records the request and answers as the engine does (writes nothing).
    void exportModel(const QString& directory, const QString& format, const QString& result,
                     bool int8) override;
    // Records the request and stores a synthetic run (search 0.5 -> 0.8,
    // half of the prunable parameters removed) as the engine would.
    void recoverWithLora(const QString& result, double level, const sieve::LoraSettings& lora,
                         const sieve::RunSettings& settings) override;
    void stop() override;
    void newSession() override;
    void openSession(const QString& path, const sieve::DeviceChoice& device) override;
    void saveSession(const QString& path) override;
    // Scores the synthetic task's closed form on 50 search and 50 held-out
    // examples (tags "carry" and "no-carry"), on the worker thread.
    void evaluateLevels(const std::vector<int>& genes, const sieve::RunSettings& settings) override;

public:
    static constexpr int kPlaygroundExamples = 50;  // per split
    // What evaluateLevels reports for `genes`, from the closed form alone.
    ChromosomeEvaluation expectedEvaluation(const std::vector<int>& genes, const RunSettings& settings) const;
    QString demoDirectory() const override { return demoDirectory_; }
    QString demoDirectory_;

private:
    enum Step { Calibrate = 1, Uniform = 2, Genetic = 4, Sensitivity = 8, HeldOut = 16 };
    void start(int steps, const RunSettings& settings);
    void runSteps(int steps, RunSettings settings);  // on the worker thread
    void startSession();

    int layers_;
    ModelSummary model_;
    TaskIdentity task_;
    int variant_ = 0;
    Session session_;
    QMap<QString, int> calls_;
    RunSettings lastSettings_;
    DeviceChoice lastDevice_;
    QString lastEvaluatedTask_, lastEvaluatedResult_;
    ExportRequest lastExport_;
    LoraRequest lastLora_;
    CancelToken cancel_;
    std::atomic<bool> busy_{false};
    QFuture<void> job_;
};

}  // namespace sieve::test

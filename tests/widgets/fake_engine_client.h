#pragma once
// A test double for the engine: the real searches (core/search) over the
// synthetic task, run on a worker thread like the real adapter will, with
// results delivered as queued signals. Sessions are kept in memory by path
// (and a marker file written) so save → reopen can be checked.
#include <QFuture>
#include <QMap>
#include <atomic>

#include "synthetic_workload.h"
#include "widgets/engine_client.h"

namespace sieve::test {

class FakeEngineClient : public widgets::EngineClient {
    Q_OBJECT
public:
    explicit FakeEngineClient(int layers = 8, QObject* parent = nullptr);
    ~FakeEngineClient() override;

    bool isBusy() const override { return busy_; }
    void waitForIdle();

    // What the fake produced, for the tests to compare the views with.
    const ModelSummary& model() const { return model_; }
    const widgets::SessionResults& session() const { return session_; }
    int evaluationSleepMicroseconds = 0;  // slows evaluations to test Stop and responsiveness
    int calls(const QString& request) const { return calls_.value(request); }

public Q_SLOTS:
    void openModel(const QString& path) override;
    void openDemoModel() override;
    void openTask(const QString& path) override;
    void calibrate(const sieve::widgets::RunSettings& settings) override;
    void uniformSweep(const sieve::widgets::RunSettings& settings) override;
    void geneticSearch(const sieve::widgets::RunSettings& settings) override;
    void sensitivity(const sieve::widgets::RunSettings& settings) override;
    void runAll(const sieve::widgets::RunSettings& settings) override;
    void stop() override;
    void newSession() override;
    void openSession(const QString& path) override;
    void saveSession(const QString& path) override;

private:
    enum Step { Calibrate = 1, Uniform = 2, Genetic = 4, Sensitivity = 8 };
    void start(int steps, const widgets::RunSettings& settings);
    void runSteps(int steps, widgets::RunSettings settings);  // on the worker thread

    int layers_;
    ModelSummary model_;
    QString taskName_;
    int variant_ = 0;
    widgets::SessionResults session_;
    QMap<QString, widgets::SessionResults> saved_;
    QMap<QString, int> calls_;
    CancelToken cancel_;
    std::atomic<bool> busy_{false};
    QFuture<void> job_;
};

}  // namespace sieve::test

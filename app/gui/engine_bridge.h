#pragma once
// The real EngineClient: runs core Engine jobs on a worker thread (one at a
// time) and turns their progress callbacks and typed events into Qt signals.
// Emitting from the worker makes every connection to GUI-thread receivers
// queued, so results reach the window as events and the window never blocks.
// It decides nothing: every run rule is the engine's.
#include <QFutureWatcher>
#include <atomic>
#include <functional>
#include <memory>

#include "core/types/job.h"
#include "widgets/engine_client.h"

namespace sieve {
class Engine;
}  // namespace sieve

namespace sieve::app {

class EngineBridge : public widgets::EngineClient {
    Q_OBJECT
public:
    explicit EngineBridge(QObject* parent = nullptr);
    ~EngineBridge() override;

    bool isBusy() const override { return busy_; }
    SessionData session() const override;
    QString sessionPath() const override;
    bool hasUnsavedResults() const override;
    QString automaticDevice() const override;
    QString automaticDType(const QString& device) const override;
    QString automaticDTypeReason(const QString& device) const override;
    sieve::MemoryPlan memoryPlan(const sieve::RunSettings& settings) const override;
    // The engine itself, for checks while no job runs (tests).
    const Engine& engine() const { return *engine_; }
    // Where the bundled demo model lives (installed share/ or the source tree).
    static QString findDemoDirectory();
    QString demoDirectory() const override { return findDemoDirectory(); }

public Q_SLOTS:
    void openModel(const QString& path, const sieve::DeviceChoice& device) override;
    void openDemoModel(const sieve::DeviceChoice& device) override;
    void openTask(const QString& path) override;
    void calibrate(const sieve::RunSettings& settings) override;
    void uniformSweep(const sieve::RunSettings& settings) override;
    void geneticSearch(const sieve::RunSettings& settings) override;
    void sensitivity(const sieve::RunSettings& settings) override;
    void runAll(const sieve::RunSettings& settings) override;
    void evaluateOnTask(const QString& taskPath, const QString& result) override;
    void exportModel(const QString& directory, const QString& format, const QString& result,
                     bool int8) override;
    void recoverWithLora(const QString& result, double level, const sieve::LoraSettings& lora,
                         const sieve::RunSettings& settings) override;
    void stop() override;
    void newSession() override;
    void openSession(const QString& path, const sieve::DeviceChoice& device) override;
    void followSession(const QString& path) override;
    void saveSession(const QString& path) override;
    void evaluateLevels(const std::vector<int>& genes, const sieve::RunSettings& settings) override;

private:
    // Runs `job` on the worker; `finished(ok, message)` follows on the GUI
    // thread. A quiet job logs no "started" line (the playground runs often).
    void start(const QString& what, std::function<QString(JobContext&)> job, bool quiet = false);
    JobContext makeContext();
    void forward(const JobEvent& event);

    std::unique_ptr<Engine> engine_;
    QFutureWatcher<void> watcher_;
    CancelToken cancel_;
    std::atomic<bool> busy_{false};
};

}  // namespace sieve::app

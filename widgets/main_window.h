#pragma once
// The workbench window: model panel, run panel and progress on docks, the
// live views in tabs under a banner that states the best result and its
// held-out check, a replay bar for the genetic search, and the playground
// beside the pruning heatmap. Menus for sessions, edits, runs, views and
// figure export. It talks to the engine only through an EngineClient and
// keeps no results of its own: live events go straight into the views, and
// everything else is drawn from the engine's session (EngineClient::session()).
// The playground's edited chromosome is the user's pointer, not a result: the
// engine evaluates it (EngineClient::evaluateLevels) and nothing is stored.
#include <QMainWindow>
#include <QString>

#include "widgets/engine_client.h"
#include "widgets/export/figure_export.h"
#include "widgets/panels/run_panel.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;

namespace sieve::widgets {

class AccuracyCurvePlot;
class CompareView;
class ExamplesPanel;
class Playground;
class ReplayBar;
class ResultBanner;
class GaConvergencePlot;
class SessionFollower;
class ModelPanel;
class PlotView;
class ProgressPanel;
class PruningHeatmap;
class SensitivityView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Tab { ConvergenceTab = 0, HeatmapTab, BottleneckTab, AccuracyTab, CompareTab, TabCount };

    // The window does not own the client; connect it before showing.
    explicit MainWindow(EngineClient* client, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the bundled demo model (and its first task) once the event loop
    // runs: what the app does whenever it starts without a session to open.
    void openDemoAtStart();

    GaConvergencePlot* convergencePlot() const { return convergence_; }
    PruningHeatmap* pruningHeatmap() const { return heatmap_; }
    SensitivityView* sensitivityView() const { return sensitivity_; }
    AccuracyCurvePlot* accuracyPlot() const { return accuracy_; }
    CompareView* compareView() const { return compare_; }
    ModelPanel* modelPanel() const { return modelPanel_; }
    RunPanel* runPanel() const { return runPanel_; }
    ProgressPanel* progressPanel() const { return progressPanel_; }
    QTabWidget* tabs() const { return tabs_; }
    ResultBanner* resultBanner() const { return banner_; }
    ReplayBar* replayBar() const { return replayBar_; }
    Playground* playground() const { return playground_; }
    ExamplesPanel* examplesPanel() const { return examplesPanel_; }
    // The file name Save As offers: "<task>-<model>.h5".
    QString suggestedSessionName() const;
    // The folder Open Task starts in: the open task's, else the demo's tasks.
    QString taskDirectory() const;
    PlotView* plotView(Tab tab) const;
    PlotView* currentPlotView() const;
    // Actions by object name ("actionRunAll", "actionSave", ...).
    QAction* action(const QString& objectName) const;

    QString sessionPath() const { return client_->sessionPath(); }
    QStringList recentSessions() const;
    // The texts of File > Open Recent as they are shown (file name and folder).
    QStringList recentMenuTexts();
    // Whether closing asks about unsaved results (tests turn it off).
    void setPromptOnClose(bool prompt) { promptOnClose_ = prompt; }

public Q_SLOTS:
    // Opens a model on a device, as File > Open Model does after its dialog.
    void openModelFile(const QString& path, const sieve::DeviceChoice& device);
    void openSessionFile(const QString& path);
    // File > Follow Session: shows `path` read-only and reads it again
    // whenever the process writing it (a cluster run) changes it. Ends when
    // another session, model or task is opened or a run starts here.
    void followSessionFile(const QString& path);
    bool isFollowing() const;
    void saveSessionFile(const QString& path);
    bool exportFigure(sieve::widgets::MainWindow::Tab tab, const sieve::widgets::ExportRequest& request,
                      QString* error = nullptr);
    // Keeps the current task's GA best as side A of the comparison.
    void pinForComparison();
    // Scores a result of the session ("ga" or "uniform:METHOD") on another
    // task file, as Run > Evaluate Result on Another Task does after its dialogs.
    void evaluateResultOnTask(const QString& result, const QString& taskPath);
    // Writes the pruned model of a result ("ga" or "uniform:METHOD") to
    // `directory` as `format` ("factorized" or "dense"), as File > Export
    // Pruned Model does after its dialogs.
    void exportResultModel(const QString& result, const QString& format, bool int8, const QString& directory);
    void runAction(sieve::widgets::RunPanel::Action action);
    // LoRA recovery of a result ("ga" or "uniform:METHOD") or, with level
    // > 0, of every matrix at that level (the run panel's search method),
    // as the run panel's "Recover with LoRA…" does after its dialog.
    void recoverWithLora(const QString& result, double level, const sieve::LoraSettings& lora);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildViews();
    void buildDocks();
    void buildActions();
    void buildMenus();
    void buildLanguageMenu(QMenu* parent);
    void connectClient();
    void restoreWindowState();
    void rebuildRecentMenu();
    void addRecent(const QString& path);
    void setModified(bool modified);
    void updateTitle();
    void updateStatus();
    bool maybeSave();
    void showError(const QString& message);

    // Actions
    void newSession();
    void openSession();
    void followSession();
    void stopFollowing();
    void refreshFollowed();
    bool save();
    bool saveAs();
    void openModel();
    void openTask();
    void evaluateOnOtherTask();
    void exportPrunedModel();
    // The chosen result ("ga" or "uniform:METHOD") of `results`, asked in a
    // dialog titled `title`; empty when cancelled.
    QString chooseResult(const QString& title, const QStringList& results);
    // "ga" and "uniform:METHOD" for every result the session holds.
    QStringList evaluableResults() const;
    void exportCurrentFigure();
    void about();
    void adoptSessionSettings();

    // Engine answers
    void onModelOpened(const ModelSummary& summary);
    void onTaskOpened(const TaskInfo& task);
    void onBaseline(const BaselineResult& baseline);
    void onLoraFinished(const LoraRun& run);
    void onUniformPoint(const QString& method, const UniformPoint& point, bool int8Factors);
    void onUniformFinished(const UniformResult& result);
    void onGeneration(const QString& method, const Generation& generation);
    void onGaFinished(const GaResult& result);
    void onSensitivityMeasured(const QString& method, int matrix, double accuracy);
    void onSensitivityFinished(const SensitivityResult& result);
    void onHeldOut(const HeldOutEval& eval);
    void onSessionReplaced();
    void onSessionSaved(const QString& path);
    void onFinished(bool ok, const QString& message);
    void onMatrixSelected(int matrix);
    // The run panel's memory line: the plan of its settings on the open model.
    void refreshMemoryPlan();

    void redrawAll();
    void showGaBest(const SessionData& session, const std::string& method, const Individual& best,
                    int generation);
    void outlineBottlenecks(const SessionData& session);
    void updateComparison(const SessionData& session);
    void updateModified();
    // What the session's results say beyond the plots: the banner, the
    // convergence title, the held-out points and the status bar.
    void updateResultTexts(const SessionData& session);
    double currentEps(const SessionData& session) const;

    // The playground and the replay (main_window_playground.cpp).
    void buildPlayground();
    void onReplayGeneration(int index);
    void onPlaygroundGenes();
    void onLevelMenu(int matrix, const QPoint& globalPos);
    void askEngineToEvaluate(const std::vector<int>& genes);
    void updateHeatmapTitle();

    EngineClient* client_;
    bool promptOnClose_ = true;
    bool adoptSettingsOnReplace_ = false;  // a session file is being opened: show its settings

    // Side A of the comparison: a pinned task's levels and the method that made them.
    QString pinnedTask_;
    QString pinnedMethod_;
    std::vector<double> pinnedLevels_;
    // The open task's latest GA best, pinned when another task is opened.
    QString currentTask_;
    QString currentMethod_;
    std::vector<double> currentLevels_;

    // The chromosome the heatmap shows when nothing is edited: its search
    // accuracy, the generation it comes from, and whether it is the GA best.
    struct HeatmapBase {
        double searchAccuracy = 0;
        int generation = -1;
        bool gaBest = false;
    } heatmapBase_;
    bool playgroundJob_ = false;  // the running job is the playground's evaluation

    QTabWidget* tabs_ = nullptr;
    PlotView* views_[TabCount] = {};
    ResultBanner* banner_ = nullptr;
    ReplayBar* replayBar_ = nullptr;
    Playground* playground_ = nullptr;
    ExamplesPanel* examplesPanel_ = nullptr;
    QSplitter* heatmapSplitter_ = nullptr;
    GaConvergencePlot* convergence_ = nullptr;
    PruningHeatmap* heatmap_ = nullptr;
    SensitivityView* sensitivity_ = nullptr;
    AccuracyCurvePlot* accuracy_ = nullptr;
    CompareView* compare_ = nullptr;
    ModelPanel* modelPanel_ = nullptr;
    RunPanel* runPanel_ = nullptr;
    ProgressPanel* progressPanel_ = nullptr;
    QDockWidget* modelDock_ = nullptr;
    QDockWidget* runDock_ = nullptr;
    QDockWidget* progressDock_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QLabel* modelStatus_ = nullptr;
    QLabel* taskStatus_ = nullptr;
    SessionFollower* follower_ = nullptr;
    QLabel* followStatus_ = nullptr;
    bool followRefresh_ = false;  // the engine is reading the followed file (our own request)
};

}  // namespace sieve::widgets

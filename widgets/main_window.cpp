#include "widgets/main_window.h"

#include <climits>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTime>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "core/types/statistics.h"
#include "widgets/common/language.h"
#include "widgets/common/result_summary.h"
#include "widgets/common/session_follower.h"
#include "widgets/common/version_text.h"
#include "widgets/export/export_dialog.h"
#include "widgets/panels/lora_dialog.h"
#include "widgets/panels/memory_plan_view.h"
#include "widgets/panels/model_panel.h"
#include "widgets/panels/open_model_dialog.h"
#include "widgets/panels/progress_panel.h"
#include "widgets/panels/result_banner.h"
#include "widgets/playground/examples_panel.h"
#include "widgets/playground/playground.h"
#include "widgets/plots/accuracy_curve_plot.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/plot_style.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/replay_bar.h"
#include "widgets/plots/sensitivity_view.h"

namespace sieve::widgets {

namespace {
constexpr int kMaxRecent = 8;
const char* kRecentKey = "session/recent";
const char* kGeometryKey = "window/geometry";
const char* kStateKey = "window/state";
// Dock layouts saved by another layout version are not restored (2: Model and Run tabbed on the right).
constexpr int kStateVersion = 2;
const char* kExportDirKey = "export/directory";
const char* kSessionDirKey = "session/directory";
const char* kSessionFilter = QT_TRANSLATE_NOOP("sieve::widgets::MainWindow", "Sieve sessions (*.h5 *.hdf5)");

// The grid a session's genes index: the one its results were made with.
LevelGrid gridOf(const SessionData& s) {
    return s.provenance.levelGrid.empty() ? defaultLevelGrid() : s.provenance.levelGrid;
}
}  // namespace

MainWindow::MainWindow(EngineClient* client, QWidget* parent) : QMainWindow(parent), client_(client) {
    registerMetaTypes();
    setObjectName(QStringLiteral("SieveMainWindow"));
    buildViews();
    buildDocks();
    buildActions();
    buildMenus();
    connectClient();
    modelStatus_ = new QLabel(this);
    taskStatus_ = new QLabel(this);
    statusBar()->addPermanentWidget(modelStatus_);
    statusBar()->addPermanentWidget(taskStatus_);
    followStatus_ = new QLabel(this);
    followStatus_->setObjectName(QStringLiteral("followStatus"));
    followStatus_->hide();
    statusBar()->addPermanentWidget(followStatus_);
    follower_ = new SessionFollower(this);
    connect(follower_, &SessionFollower::changed, this, [this] { refreshFollowed(); });
    restoreWindowState();
    updateStatus();
    updateTitle();
    statusBar()->showMessage(
        tr("Open a model and a task (File menu), or the demo model, then press Run all (F5)"));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews() {
    tabs_ = new QTabWidget(this);
    tabs_->setDocumentMode(true);
    // Every tab's whole name, always: the layout makes room (short names, see the layout test).
    tabs_->setElideMode(Qt::ElideNone);
    tabs_->tabBar()->setExpanding(false);
    convergence_ = new GaConvergencePlot(tabs_);
    heatmap_ = new PruningHeatmap(tabs_);
    sensitivity_ = new SensitivityView(tabs_);
    accuracy_ = new AccuracyCurvePlot(tabs_);
    compare_ = new CompareView(tabs_);
    views_[ConvergenceTab] = convergence_;
    views_[HeatmapTab] = heatmap_;
    views_[BottleneckTab] = sensitivity_;
    views_[AccuracyTab] = accuracy_;
    views_[CompareTab] = compare_;

    // The heatmap shares its tab with the playground's examples, beside it.
    buildPlayground();
    heatmapSplitter_ = new QSplitter(Qt::Horizontal, tabs_);
    heatmapSplitter_->setObjectName(QStringLiteral("heatmapSplitter"));
    heatmapSplitter_->addWidget(heatmap_);
    heatmapSplitter_->addWidget(examplesPanel_);
    heatmapSplitter_->setStretchFactor(0, 3);
    heatmapSplitter_->setStretchFactor(1, 2);
    heatmapSplitter_->setChildrenCollapsible(false);

    tabs_->insertTab(ConvergenceTab, convergence_, tr("Convergence"));
    tabs_->insertTab(HeatmapTab, heatmapSplitter_, tr("Heatmap"));
    tabs_->insertTab(BottleneckTab, sensitivity_, tr("Bottlenecks"));
    tabs_->insertTab(AccuracyTab, accuracy_, tr("Accuracy"));
    tabs_->insertTab(CompareTab, compare_, tr("Compare"));
    tabs_->setTabToolTip(ConvergenceTab, tr("GA convergence: best and mean fitness, every chromosome and the "
                                            "feasible fraction per generation"));
    tabs_->setTabToolTip(HeatmapTab, tr("Pruning level of every matrix in the GA's best chromosome, and the "
                                        "playground: scroll on a cell or click it to change its level"));
    tabs_->setTabToolTip(BottleneckTab, tr("Accuracy lost when each matrix alone is pruned"));
    tabs_->setTabToolTip(AccuracyTab, tr("Accuracy against the share of prunable parameters removed "
                                         "(embeddings and lm_head are never pruned), per method"));
    tabs_->setTabToolTip(CompareTab, tr("Two tasks' pruning heatmaps and their difference"));

    banner_ = new ResultBanner(this);
    replayBar_ = new ReplayBar(this);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(banner_);
    layout->addWidget(tabs_, 1);
    layout->addWidget(replayBar_);
    setCentralWidget(central);
    heatmap_->setTitle(tr("Pruning levels: no genetic search yet"));

    connect(heatmap_, &PruningHeatmap::matrixClicked, this, &MainWindow::onMatrixSelected);
    connect(sensitivity_, &SensitivityView::matrixClicked, this, &MainWindow::onMatrixSelected);
    connect(compare_, &CompareView::matrixClicked, this, &MainWindow::onMatrixSelected);
    connect(replayBar_, &ReplayBar::generationChosen, this, &MainWindow::onReplayGeneration);
    // The replay concerns the convergence plot and the heatmap only.
    connect(tabs_, &QTabWidget::currentChanged, this,
            [this](int tab) { replayBar_->setVisible(tab == ConvergenceTab || tab == HeatmapTab); });
}

void MainWindow::buildDocks() {
    // Model and Run share the right-hand side as tabs (Run in front), so the
    // views keep the width; the right side runs the full height, beside the log.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    modelPanel_ = new ModelPanel(this);
    modelDock_ = new QDockWidget(tr("Model"), this);
    modelDock_->setObjectName(QStringLiteral("modelDock"));
    modelDock_->setWidget(modelPanel_);
    addDockWidget(Qt::RightDockWidgetArea, modelDock_);
    connect(modelPanel_, &ModelPanel::matrixSelected, this, &MainWindow::onMatrixSelected);

    runPanel_ = new RunPanel(this);
    runDock_ = new QDockWidget(tr("Run"), this);
    runDock_->setObjectName(QStringLiteral("runDock"));
    // A scroll area: on a short screen the panel scrolls instead of overlapping the log.
    auto* runScroll = new QScrollArea(this);
    runScroll->setObjectName(QStringLiteral("runScroll"));
    runScroll->setWidget(runPanel_);
    runScroll->setWidgetResizable(true);
    runScroll->setFrameShape(QFrame::NoFrame);
    runScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    runScroll->setMinimumWidth(runPanel_->minimumSizeHint().width() +
                               runScroll->style()->pixelMetric(QStyle::PM_ScrollBarExtent));
    runDock_->setWidget(runScroll);
    addDockWidget(Qt::RightDockWidgetArea, runDock_);
    tabifyDockWidget(modelDock_, runDock_);
    runDock_->raise();
    connect(runPanel_, &RunPanel::actionRequested, this, &MainWindow::runAction);
    connect(runPanel_, &RunPanel::settingsChanged, this, &MainWindow::refreshMemoryPlan);

    progressPanel_ = new ProgressPanel(this);
    progressDock_ = new QDockWidget(tr("Progress and log"), this);
    progressDock_->setObjectName(QStringLiteral("progressDock"));
    progressDock_->setWidget(progressPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, progressDock_);
    // The views get the room; the log is a strip (the user can drag it taller).
    resizeDocks({progressDock_}, {130}, Qt::Vertical);
    resizeDocks({runDock_}, {runScroll->minimumWidth()}, Qt::Horizontal);
}

void MainWindow::buildActions() {
    auto make = [this](const char* name, const QString& text, const QKeySequence& key, const QString& tip,
                       auto slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(QString::fromLatin1(name));
        if (!key.isEmpty()) a->setShortcut(key);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    make("actionNew", tr("&New Session"), QKeySequence::New, tr("Start an empty session for the open model"),
         [this] { newSession(); });
    make("actionOpenSession", tr("&Open Session…"), QKeySequence::Open,
         tr("Open a saved session and redraw every view"), [this] { openSession(); });
    make("actionFollowSession", tr("&Follow Session…"), QKeySequence(),
         tr("Show a session another process is writing (a cluster run) and redraw as it grows; read-only"),
         [this] { followSession(); });
    make("actionOpenModel", tr("Open &Model…"), QKeySequence(tr("Ctrl+Shift+O")),
         tr("Open a Hugging Face directory, a GGUF file or a llama2.c checkpoint"), [this] { openModel(); });
    make("actionOpenTask", tr("Open &Task…"), QKeySequence(tr("Ctrl+T")), tr("Open a task file to prune for"),
         [this] { openTask(); });
    make("actionOpenDemo", tr("Open &Demo Model"), QKeySequence(tr("Ctrl+D")),
         tr("Open the bundled demo model and its first skill"),
         [this] { client_->openDemoModel(OpenModelDialog::storedDevice()); });
    make("actionSave", tr("&Save Session"), QKeySequence::Save, tr("Save the session"), [this] { save(); });
    make("actionSaveAs", tr("Save Session &As…"), QKeySequence::SaveAs,
         tr("Save the session under a new name"), [this] { saveAs(); });
    make("actionExport", tr("&Export Figure…"), QKeySequence(tr("Ctrl+E")),
         tr("Export the current view as PDF, SVG, PNG or CSV"), [this] { exportCurrentFigure(); });
    make("actionExportModel", tr("Export &Pruned Model…"), QKeySequence(),
         tr("Write the GA's best or a uniform optimum as a model: factorized (B and A: smaller, loads in "
            "transformers) or dense (the original shapes)"),
         [this] { exportPrunedModel(); });
    make("actionQuit", tr("&Quit"), QKeySequence::Quit, tr("Quit Sieve Workbench"), [this] { close(); });

    make("actionCalibrate", tr("&Calibrate"), QKeySequence(Qt::Key_F6),
         tr("Measure a₀ and accumulate the Gram matrices"),
         [this] { runAction(RunPanel::Action::Calibrate); });
    make("actionUniform", tr("&Uniform Sweep"), QKeySequence(Qt::Key_F7),
         tr("Prune every matrix to the same level"), [this] { runAction(RunPanel::Action::Uniform); });
    make("actionGenetic", tr("&Genetic Search"), QKeySequence(Qt::Key_F8), tr("Search one level per matrix"),
         [this] { runAction(RunPanel::Action::Genetic); });
    make("actionSensitivity", tr("&Sensitivity"), QKeySequence(Qt::Key_F9), tr("Prune each matrix alone"),
         [this] { runAction(RunPanel::Action::Sensitivity); });
    make("actionRunAll", tr("Run &All"), QKeySequence(Qt::Key_F5),
         tr("Calibrate, sweep, search and measure sensitivity"),
         [this] { runAction(RunPanel::Action::RunAll); });
    QAction* stop = make("actionStop", tr("S&top"), QKeySequence(Qt::Key_Escape),
                         tr("Cancel the running job"), [this] { runAction(RunPanel::Action::Stop); });
    stop->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(tr("Ctrl+."))});
    stop->setEnabled(false);

    make("actionLora", tr("Recover with &LoRA…"), QKeySequence(),
         tr("Train LoRA adapters for a pruned model (the GA's best, a uniform optimum or one level) on the "
            "task's calibration split, and score it before and after"),
         [this] { runAction(RunPanel::Action::Lora); });
    make(
        "actionEvaluateOnTask", tr("E&valuate Result on Another Task…"), QKeySequence(),
        tr("Score the GA's best or a uniform optimum on another task file, beside the dense model: does what "
           "the search kept generalise?"),
        [this] { evaluateOnOtherTask(); });
    make("actionPin", tr("&Pin for Comparison"), QKeySequence(tr("Ctrl+P")),
         tr("Keep this task's GA best as side A of the task comparison"), [this] { pinForComparison(); });

    // The playground's edits (Edit menu; the examples panel has the same as buttons).
    QAction* undo = playground_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setToolTip(tr("Undo the last level change in the playground"));
    addAction(undo);
    QAction* redo = playground_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Shift+Z"))});
    redo->setToolTip(tr("Redo the level change undone last"));
    addAction(redo);
    make("actionResetToGaBest", tr("Reset Levels to the GA &Best"), QKeySequence(),
         tr("Every matrix back to the level the genetic search chose"),
         [this] { playground_->resetToBase(); });
    make("actionResetToDense", tr("Reset Levels to &Dense"), QKeySequence(),
         tr("Every matrix back to 0 % pruned: the unpruned model"), [this] { playground_->resetToDense(); });
    make("actionAbout", tr("&About Sieve Workbench"), QKeySequence(),
         tr("Versions of the workbench and its libraries"), [this] { about(); });
    make("actionAboutQt", tr("About &Qt"), QKeySequence(), tr("About the Qt toolkit"),
         [] { QApplication::aboutQt(); });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    file->addAction(action(QStringLiteral("actionNew")));
    file->addAction(action(QStringLiteral("actionOpenSession")));
    file->addAction(action(QStringLiteral("actionFollowSession")));
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    recentMenu_->setObjectName(QStringLiteral("menuRecent"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionOpenModel")));
    file->addAction(action(QStringLiteral("actionOpenDemo")));
    file->addAction(action(QStringLiteral("actionOpenTask")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionSave")));
    file->addAction(action(QStringLiteral("actionSaveAs")));
    file->addAction(action(QStringLiteral("actionExport")));
    file->addAction(action(QStringLiteral("actionExportModel")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionQuit")));
    rebuildRecentMenu();

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));
    edit->addAction(action(QStringLiteral("actionUndo")));
    edit->addAction(action(QStringLiteral("actionRedo")));
    edit->addSeparator();
    edit->addAction(action(QStringLiteral("actionResetToGaBest")));
    edit->addAction(action(QStringLiteral("actionResetToDense")));

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->setObjectName(QStringLiteral("menuRun"));
    for (const char* name : {"actionCalibrate", "actionUniform", "actionGenetic", "actionSensitivity"})
        run->addAction(action(QString::fromLatin1(name)));
    run->addSeparator();
    run->addAction(action(QStringLiteral("actionRunAll")));
    run->addAction(action(QStringLiteral("actionStop")));
    run->addSeparator();
    run->addAction(action(QStringLiteral("actionEvaluateOnTask")));
    run->addAction(action(QStringLiteral("actionLora")));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menuView"));
    for (int tab = 0; tab < TabCount; ++tab) {
        auto* a = view->addAction(tabs_->tabText(tab));
        a->setObjectName(QStringLiteral("actionShowTab%1").arg(tab));
        a->setShortcut(QKeySequence(tr("Ctrl+%1").arg(tab + 1)));
        connect(a, &QAction::triggered, this, [this, tab] { tabs_->setCurrentIndex(tab); });
    }
    view->addSeparator();
    view->addAction(action(QStringLiteral("actionPin")));
    view->addSeparator();
    for (QDockWidget* dock : {modelDock_, runDock_, progressDock_}) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    buildLanguageMenu(view);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    help->addAction(action(QStringLiteral("actionAbout")));
    help->addAction(action(QStringLiteral("actionAboutQt")));
}

// View > Language: System or one of the shipped languages, stored in QSettings
// and read by main() before any widget exists, so it applies at the next start.
void MainWindow::buildLanguageMenu(QMenu* parent) {
    QMenu* language = parent->addMenu(tr("&Language"));
    language->setObjectName(QStringLiteral("menuLanguage"));
    auto* group = new QActionGroup(language);
    const QString stored = storedLanguage();
    for (const LanguageChoice& choice : availableLanguages()) {
        QAction* a = language->addAction(choice.name);
        a->setObjectName(QStringLiteral("actionLanguage_%1")
                             .arg(choice.code.isEmpty() ? QStringLiteral("system") : choice.code));
        a->setCheckable(true);
        a->setChecked(choice.code == stored);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code = choice.code] {
            if (code == storedLanguage()) return;
            storeLanguage(code);
            QMessageBox::information(this, tr("Language"),
                                     tr("The new language applies the next time Sieve Workbench starts."));
        });
    }
}

void MainWindow::connectClient() {
    connect(client_, &EngineClient::modelOpened, this, &MainWindow::onModelOpened);
    connect(client_, &EngineClient::taskOpened, this, &MainWindow::onTaskOpened);
    connect(client_, &EngineClient::baselineMeasured, this, &MainWindow::onBaseline);
    connect(client_, &EngineClient::progress, progressPanel_, &ProgressPanel::setProgress);
    connect(client_, &EngineClient::logMessage, progressPanel_, &ProgressPanel::appendLog);
    connect(client_, &EngineClient::uniformPoint, this, &MainWindow::onUniformPoint);
    connect(client_, &EngineClient::uniformFinished, this, &MainWindow::onUniformFinished);
    connect(client_, &EngineClient::generationFinished, this, &MainWindow::onGeneration);
    connect(client_, &EngineClient::gaFinished, this, &MainWindow::onGaFinished);
    connect(client_, &EngineClient::sensitivityMeasured, this, &MainWindow::onSensitivityMeasured);
    connect(client_, &EngineClient::sensitivityFinished, this, &MainWindow::onSensitivityFinished);
    connect(client_, &EngineClient::heldOutMeasured, this, &MainWindow::onHeldOut);
    connect(client_, &EngineClient::loraFinished, this, &MainWindow::onLoraFinished);
    connect(client_, &EngineClient::sessionReplaced, this, &MainWindow::onSessionReplaced);
    connect(client_, &EngineClient::sessionSaved, this, &MainWindow::onSessionSaved);
    connect(client_, &EngineClient::finished, this, &MainWindow::onFinished);
    connect(client_, &EngineClient::levelsEvaluated, playground_, &Playground::onEvaluated);
    connect(client_, &EngineClient::busyChanged, this, [this](bool busy) {
        // Work of our own (a run, another file) ends following: its results are not the followed file's.
        if (busy && !followRefresh_ && follower_->isFollowing()) stopFollowing();
        // The playground's own evaluations do not lock it (it queues the next one itself).
        playground_->setEngineBusy(busy && !playgroundJob_);
        runPanel_->setBusy(busy);
        action(QStringLiteral("actionStop"))->setEnabled(busy);
        for (const char* name :
             {"actionCalibrate", "actionUniform", "actionGenetic", "actionSensitivity", "actionRunAll",
              "actionOpenModel", "actionOpenDemo", "actionOpenTask", "actionOpenSession", "actionNew",
              "actionEvaluateOnTask", "actionExportModel"})
            action(QString::fromLatin1(name))->setEnabled(!busy);
    });
}

void MainWindow::restoreWindowState() {
    QSettings settings;
    resize(1280, 760);
    restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray());
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray(), kStateVersion);
}

void MainWindow::openDemoAtStart() {
    QTimer::singleShot(0, client_, [this] {
        if (client_->session().model.summary.matrices.empty())
            client_->openDemoModel(OpenModelDialog::storedDevice());
    });
}

PlotView* MainWindow::plotView(Tab tab) const {
    return tab >= 0 && tab < TabCount ? views_[tab] : nullptr;
}
PlotView* MainWindow::currentPlotView() const {
    return plotView(Tab(tabs_->currentIndex()));
}

QAction* MainWindow::action(const QString& objectName) const {
    return findChild<QAction*>(objectName, Qt::FindDirectChildrenOnly);
}

// ---- sessions ---------------------------------------------------------------

QStringList MainWindow::recentSessions() const {
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void MainWindow::addRecent(const QString& path) {
    QStringList recent = recentSessions();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent) recent.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = recentSessions();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        // The folder too: add.h5 from two experiments must be told apart.
        const QFileInfo info(path);
        QAction* a = recentMenu_->addAction(
            tr("&%1 %2 — %3").arg(i + 1).arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())));
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave()) openSessionFile(path);
        });
    }
    if (recent.isEmpty()) recentMenu_->addAction(tr("(none)"))->setEnabled(false);
}

QStringList MainWindow::recentMenuTexts() {
    rebuildRecentMenu();
    QStringList texts;
    for (QAction* a : recentMenu_->actions()) texts << a->text();
    return texts;
}

void MainWindow::setModified(bool modified) {
    setWindowModified(modified);
    updateTitle();
}

// Modified = the engine's session holds results that are in no file (a
// session with a file saves every result as it arrives).
void MainWindow::updateModified() {
    setModified(client_->hasUnsavedResults());
}

void MainWindow::updateTitle() {
    const QString path = client_->sessionPath();
    const QString doc = path.isEmpty() ? tr("Untitled session") : QFileInfo(path).fileName();
    setWindowTitle(tr("%1[*] — Sieve Workbench").arg(doc));
}

void MainWindow::updateStatus() {
    const SessionData session = client_->session();
    const ModelSummary& m = session.model.summary;
    if (m.matrices.empty()) {
        modelStatus_->setText(tr("no model"));
    } else {
        modelStatus_->setText(
            tr("%1 · %2 layers · %3 prunable params · %4")
                .arg(QFileInfo(QString::fromStdString(m.path)).fileName())
                .arg(m.layers)
                .arg(QLocale().toString(static_cast<qlonglong>(m.prunableParams)))
                .arg(QString::fromStdString((m.device.empty() ? std::string("cpu") : m.device) +
                                            (m.dtype.empty() ? std::string() : " · " + m.dtype))));
    }
    const QString name = QString::fromStdString(session.task.name);
    QString task = name.isEmpty() ? tr("no task") : tr("task %1").arg(name);
    if (session.baseline) task += tr(" · a₀ = %1").arg(accuracyText(session.baseline->a0));
    const GaSummary ga = summarizeGa(session);
    if (ga.valid) task += tr(" · GA best %1 (%2)").arg(accuracyText(ga.searchAccuracy), ga.methodLabel());
    if (ga.valid && ga.heldOut) task += tr(" · held-out %1").arg(accuracyText(ga.heldOut->prunedAccuracy));
    const bool warn = !resultWarnings(session, currentEps(session)).isEmpty();
    taskStatus_->setText(warn ? task + QStringLiteral(" ⚠") : task);
    taskStatus_->setToolTip(warn ? resultWarnings(session, currentEps(session)).join(QLatin1Char('\n'))
                                 : QString());
    taskStatus_->setStyleSheet(warn ? QStringLiteral("color: #b00000;") : QString());
}

bool MainWindow::maybeSave() {
    if (!client_->hasUnsavedResults()) return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved results"), tr("The session has results that are not saved. Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Save) return save();
    return true;
}

void MainWindow::newSession() {
    if (!maybeSave()) return;
    client_->newSession();
}

void MainWindow::openSession() {
    if (!maybeSave()) return;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Session"), QString(), tr(kSessionFilter));
    if (!path.isEmpty()) openSessionFile(path);
}

void MainWindow::followSession() {
    if (!maybeSave()) return;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Follow Session"), QString(), tr(kSessionFilter));
    if (!path.isEmpty()) followSessionFile(path);
}

void MainWindow::followSessionFile(const QString& path) {
    follower_->follow(path);
    followStatus_->setText(tr("Following %1 (read-only)").arg(QFileInfo(path).fileName()));
    followStatus_->setToolTip(path);
    followStatus_->show();
    adoptSettingsOnReplace_ = true;  // the run panel shows the followed run's settings
    refreshFollowed();
}

bool MainWindow::isFollowing() const {
    return follower_->isFollowing();
}

void MainWindow::stopFollowing() {
    follower_->stop();
    followStatus_->hide();
}

void MainWindow::refreshFollowed() {
    if (!follower_->isFollowing()) return;
    if (client_->isBusy()) {  // our own read still running: look again shortly
        QTimer::singleShot(1000, this, [this] { refreshFollowed(); });
        return;
    }
    followRefresh_ = true;
    client_->followSession(follower_->path());
}

void MainWindow::openSessionFile(const QString& path) {
    stopFollowing();
    adoptSettingsOnReplace_ = true;
    client_->openSession(path, OpenModelDialog::storedDevice());
}

bool MainWindow::save() {
    const QString path = client_->sessionPath();
    if (path.isEmpty()) return saveAs();
    saveSessionFile(path);
    return true;
}

QString MainWindow::suggestedSessionName() const {
    const SessionData session = client_->session();
    QString model = QFileInfo(QString::fromStdString(session.model.summary.path)).completeBaseName();
    if (model.isEmpty()) model = QFileInfo(QString::fromStdString(session.model.summary.path)).fileName();
    QStringList parts;
    for (const QString& part : {QString::fromStdString(session.task.name), model})
        if (!part.isEmpty()) parts << part;
    QString name = parts.isEmpty() ? QStringLiteral("session") : parts.join(QLatin1Char('-'));
    // No path separators or characters file systems refuse.
    name.replace(QRegularExpression(QStringLiteral("[\\\\/:*?\"<>|\\s]+")), QStringLiteral("_"));
    return name + QStringLiteral(".h5");
}

QString MainWindow::taskDirectory() const {
    const QString task = QString::fromStdString(client_->session().task.path);
    if (!task.isEmpty() && QFileInfo(task).dir().exists()) return QFileInfo(task).absolutePath();
    const QString demo = client_->demoDirectory();
    if (!demo.isEmpty() && QDir(demo + QStringLiteral("/tasks")).exists())
        return demo + QStringLiteral("/tasks");
    return QString();
}

bool MainWindow::saveAs() {
    QSettings settings;
    const QString dir = settings
                            .value(QLatin1String(kSessionDirKey),
                                   QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    QString path = QFileDialog::getSaveFileName(this, tr("Save Session As"),
                                                client_->sessionPath().isEmpty()
                                                    ? QDir(dir).filePath(suggestedSessionName())
                                                    : client_->sessionPath(),
                                                tr(kSessionFilter));
    if (path.isEmpty()) return false;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".h5");
    settings.setValue(QLatin1String(kSessionDirKey), QFileInfo(path).absolutePath());
    saveSessionFile(path);
    return true;
}

void MainWindow::saveSessionFile(const QString& path) {
    client_->saveSession(path);
}

void MainWindow::onSessionSaved(const QString& path) {
    addRecent(path);
    updateModified();
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

// A session was opened, or a new one started (New Session, another model or
// task): every view is redrawn from it.
void MainWindow::onSessionReplaced() {
    if (followRefresh_) {
        followRefresh_ = false;
        followStatus_->setText(tr("Following %1 (read-only), read at %2")
                                   .arg(QFileInfo(follower_->path()).fileName(),
                                        QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    }
    const SessionData session = client_->session();
    modelPanel_->setModel(session.model.summary);
    if (adoptSettingsOnReplace_) {
        adoptSettingsOnReplace_ = false;
        adoptSessionSettings();
        if (!client_->sessionPath().isEmpty()) {
            addRecent(client_->sessionPath());
            statusBar()->showMessage(tr("Opened %1").arg(client_->sessionPath()), 5000);
        }
    }
    redrawAll();
    updateModified();
}

// The run panel shows the settings the session's results were made with, so
// that "Run" after opening a session extends it instead of starting another
// experiment with whatever the panel held before.
void MainWindow::adoptSessionSettings() {
    const SessionData session = client_->session();
    RunSettings settings;
    QString ignored;
    runPanel_->settings(&settings, &ignored);  // keeps anything the session does not record
    if (!session.provenance.levelGrid.empty()) {
        settings.eps = session.provenance.eps;
        settings.grid = session.provenance.levelGrid;
    }
    std::vector<std::string> methods;
    for (const UniformResult& u : session.uniform) methods.push_back(u.method);
    if (session.ga && std::find(methods.begin(), methods.end(), session.ga->result.method) == methods.end())
        methods.push_back(session.ga->result.method);
    if (!methods.empty()) settings.methods = methods;
    // A session swept with 8-bit factors goes on sweeping with them.
    if (std::any_of(session.uniform.begin(), session.uniform.end(),
                    [](const UniformResult& u) { return bool(u.int8); }))
        settings.int8Factors = true;
    if (session.ga) settings.ga = session.ga->result.settings;
    runPanel_->setSettings(settings);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (promptOnClose_ && !maybeSave()) {
        event->ignore();
        return;
    }
    if (client_->isBusy()) client_->stop();
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings.setValue(QLatin1String(kStateKey), saveState(kStateVersion));
    event->accept();
}

// ---- models, tasks, runs ----------------------------------------------------

void MainWindow::openModel() {
    if (!maybeSave()) return;
    OpenModelDialog dialog(client_->automaticDevice(), this, client_);
    if (dialog.exec() != QDialog::Accepted) return;
    OpenModelDialog::storeDevice(dialog.device());
    openModelFile(dialog.modelPath(), dialog.device());
}

void MainWindow::openModelFile(const QString& path, const DeviceChoice& device) {
    client_->openModel(path, device);
}

void MainWindow::openTask() {
    if (!maybeSave()) return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Task"), taskDirectory(), tr("Tasks (*.json *.jsonl *.yaml *.yml);;All files (*)"));
    if (!path.isEmpty()) client_->openTask(path);
}

void MainWindow::runAction(RunPanel::Action which) {
    if (which == RunPanel::Action::Stop) {
        client_->stop();
        progressPanel_->appendLog(tr("Stopping…"));
        return;
    }
    if (client_->isBusy()) return;
    RunSettings settings;
    QString error;
    if (!runPanel_->settings(&settings, &error)) {
        showError(error);
        return;
    }
    const SessionData session = client_->session();
    if (session.model.summary.matrices.empty()) {
        showError(tr("Open a model first (File ▸ Open Demo Model, Ctrl+D)"));
        return;
    }
    if (which == RunPanel::Action::Lora) {
        LoraDialog dialog(evaluableResults(), settings.grid, QString::fromStdString(searchMethodOf(settings)),
                          this);
        if (dialog.exec() != QDialog::Accepted) return;
        const LoraRequest r = dialog.request();
        recoverWithLora(r.result, r.level, r.lora);
        return;
    }
    convergence_->setEps(settings.eps);
    if (session.baseline) accuracy_->setBaseline(session.baseline->a0, settings.eps);
    sensitivity_->setLevel(settings.grid[size_t(sensitivityLevelIndex(settings))]);
    progressPanel_->setGaPopulation(settings.ga.population);
    if (which == RunPanel::Action::Genetic || which == RunPanel::Action::RunAll) {
        replayBar_->stop();
        replayBar_->setGeneration(-1);
    }
    runPanel_->setBusy(true);
    action(QStringLiteral("actionStop"))->setEnabled(true);
    switch (which) {
        case RunPanel::Action::Calibrate:
            client_->calibrate(settings);
            break;
        case RunPanel::Action::Uniform:
            tabs_->setCurrentIndex(AccuracyTab);
            client_->uniformSweep(settings);
            break;
        case RunPanel::Action::Genetic:
            tabs_->setCurrentIndex(ConvergenceTab);
            client_->geneticSearch(settings);
            break;
        case RunPanel::Action::Sensitivity:
            tabs_->setCurrentIndex(BottleneckTab);
            client_->sensitivity(settings);
            break;
        case RunPanel::Action::RunAll:
            tabs_->setCurrentIndex(ConvergenceTab);
            client_->runAll(settings);
            break;
        case RunPanel::Action::Stop:
        case RunPanel::Action::Lora:
            break;
    }
}

void MainWindow::recoverWithLora(const QString& result, double level, const LoraSettings& lora) {
    if (client_->isBusy()) return;
    RunSettings settings;
    QString error;
    if (!runPanel_->settings(&settings, &error)) {
        showError(error);
        return;
    }
    if (client_->session().model.summary.matrices.empty()) {
        showError(tr("Open a model first (File ▸ Open Demo Model, Ctrl+D)"));
        return;
    }
    if (level <= 0 && !evaluableResults().contains(result)) {
        showError(tr("The session has no result %1: run a uniform sweep or the genetic search first, or "
                     "recover one level")
                      .arg(result));
        return;
    }
    runPanel_->setBusy(true);
    action(QStringLiteral("actionStop"))->setEnabled(true);
    tabs_->setCurrentIndex(AccuracyTab);
    progressPanel_->appendLog(level > 0 ? tr("LoRA recovery at level %1…").arg(level, 0, 'g', 3)
                                        : tr("LoRA recovery of %1…").arg(result));
    client_->recoverWithLora(result, level, lora, settings);
}

void MainWindow::onLoraFinished(const LoraRun& run) {
    Q_UNUSED(run);
    accuracy_->setLoraRuns(client_->session().lora);
}

void MainWindow::showError(const QString& message) {
    progressPanel_->appendLog(message);
    statusBar()->showMessage(message, 10000);
    // Window-modal but not blocking: the event loop (and a running job's signals) keep flowing.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Sieve Workbench"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    box->open();
}

void MainWindow::onFinished(bool ok, const QString& message) {
    followRefresh_ = false;  // a read of the followed file that failed ends here too
    runPanel_->setBusy(client_->isBusy());
    action(QStringLiteral("actionStop"))->setEnabled(false);
    if (playgroundJob_) {
        // The playground's evaluation: its panel shows the outcome; the log stays for runs.
        playgroundJob_ = false;
        playground_->setEngineBusy(client_->isBusy());
        playground_->onJobFinished(ok, message);
        if (!ok && !message.isEmpty()) progressPanel_->appendLog(message);
        progressPanel_->setIdle(ok ? tr("Done") : tr("Stopped"), ok);
        return;
    }
    convergence_->flushPending();
    progressPanel_->setIdle(ok ? tr("Done") : tr("Stopped"), ok);
    if (!message.isEmpty()) progressPanel_->appendLog(message);
    statusBar()->showMessage(message.isEmpty() ? (ok ? tr("Done") : tr("Stopped")) : message, 8000);
    updateModified();
    updateStatus();
    refreshMemoryPlan();
}

void MainWindow::refreshMemoryPlan() {
    RunSettings settings;
    QString ignored;
    if (client_->isBusy() || !runPanel_->settings(&settings, &ignored)) return;
    runPanel_->memoryPlanView()->setPlan(client_->memoryPlan(settings));
}

void MainWindow::onModelOpened(const ModelSummary& summary) {
    pinnedLevels_.clear();
    pinnedTask_.clear();
    pinnedMethod_.clear();
    currentLevels_.clear();
    currentMethod_.clear();
    playground_->clear();
    progressPanel_->appendLog(tr("Opened model %1: %2 matrices in %3 layers on %4")
                                  .arg(QString::fromStdString(summary.path))
                                  .arg(summary.matrices.size())
                                  .arg(summary.layers)
                                  .arg(QString::fromStdString(summary.device)));
}

void MainWindow::onTaskOpened(const TaskInfo& task) {
    // Switching task: the previous task's GA best becomes side A of the comparison.
    const QString name = QString::fromStdString(task.name);
    if (!currentLevels_.empty() && !currentTask_.isEmpty() && currentTask_ != name) {
        pinnedTask_ = currentTask_;
        pinnedMethod_ = currentMethod_;
        pinnedLevels_ = currentLevels_;
    }
    currentTask_ = name;
    currentMethod_.clear();
    currentLevels_.clear();
    progressPanel_->appendLog(tr("Opened task %1").arg(name));
}

void MainWindow::onBaseline(const BaselineResult& baseline) {
    const SessionData session = client_->session();
    accuracy_->setBaseline(
        baseline.a0, session.provenance.levelGrid.empty() ? convergence_->eps() : session.provenance.eps);
    accuracy_->setExamples(baseline.examples, isProportionMetric(session.task.metric));
    sensitivity_->setBaseline(baseline.a0);
    updateResultTexts(session);
    updateModified();
}

void MainWindow::onUniformPoint(const QString& method, const UniformPoint& point, bool int8Factors) {
    accuracy_->addUniformPoint(method, point, int8Factors);
}

void MainWindow::onUniformFinished(const UniformResult& result) {
    accuracy_->setUniformResult(result);
    updateModified();
}

void MainWindow::onGeneration(const QString& method, const Generation& generation) {
    if (generation.index == 0) convergence_->clear();
    convergence_->appendGeneration(generation);
    const SessionData session = client_->session();
    replayBar_->setGenerationCount(session.ga ? int(session.ga->result.generations.size())
                                              : generation.index + 1);
    convergence_->setTitle(tr("Genetic search with %1: generation %2 running, %3 chromosomes each")
                               .arg(style::methodLabel(method))
                               .arg(generation.index + 1)
                               .arg(generation.population.size()));
    showGaBest(session, method.toStdString(), generation.best, generation.index);
}

void MainWindow::onGaFinished(const GaResult& result) {
    const int last = result.generations.empty() ? -1 : result.generations.back().index;
    if (result.stoppedEarly)
        progressPanel_->appendLog(tr("Genetic search (%1) stopped early after generation %2 of %3: the best "
                                     "has not improved for %4 "
                                     "generations (patience)")
                                      .arg(style::methodLabel(QString::fromStdString(result.method)))
                                      .arg(last)
                                      .arg(result.settings.generations - 1)
                                      .arg(result.settings.patience));
    const SessionData session = client_->session();
    showGaBest(session, result.method, result.best, last);
    updateResultTexts(session);
    updateModified();
}

void MainWindow::showGaBest(const SessionData& session, const std::string& method, const Individual& best,
                            int generation) {
    const ModelSummary& model = session.model.summary;
    if (best.genes.size() != model.matrices.size()) return;
    const LevelGrid grid = gridOf(session);
    std::vector<double> levels;
    try {
        levels = levelsOf(best.genes, grid);
    } catch (const std::exception& e) {
        progressPanel_->appendLog(QString::fromUtf8(e.what()));
        return;
    }
    accuracy_->setGaBest(QString::fromStdString(method), best);
    currentTask_ = QString::fromStdString(session.task.name);
    currentMethod_ = QString::fromStdString(method);
    currentLevels_ = levels;
    // The heatmap shows the playground's chromosome: the GA best until the user edits it
    // (or a replayed generation's best while the replay bar is not at the end).
    if (replayBar_->generation() < 0) {
        heatmapBase_ = HeatmapBase{best.accuracy, generation, true};
        playground_->setBase(model, grid, QString::fromStdString(method), best.genes, tr("the GA best"));
        onPlaygroundGenes();
    }
    updateComparison(session);
}

void MainWindow::onSensitivityMeasured(const QString& method, int matrix, double accuracy) {
    Q_UNUSED(method);
    sensitivity_->addMeasurement(matrix, accuracy);
}

void MainWindow::onSensitivityFinished(const SensitivityResult& result) {
    sensitivity_->setResult(result);
    outlineBottlenecks(client_->session());
    updateModified();
}

void MainWindow::onHeldOut(const HeldOutEval& eval) {
    const SessionData session = client_->session();
    // "0.7500 [0.5980, 0.8581]" with the Wilson 95 % interval where it applies.
    auto withInterval = [&](double accuracy, int decimals = 4) {
        QString text = QString::number(accuracy, 'f', decimals);
        if (eval.examples > 0 && isProportionMetric(eval.metric)) {
            const Interval ci = wilsonIntervalOf(accuracy, eval.examples);
            text += QStringLiteral(" [%1, %2]").arg(ci.low, 0, 'f', decimals).arg(ci.high, 0, 'f', decimals);
        }
        return text;
    };
    const GaSummary summary = summarizeGa(session);
    const bool gaCheck = summary.valid && isHeldOutCheckOfGaBest(eval, session);
    QString line;
    if (gaCheck) {
        // The check every run ends with: named by its method, against its threshold.
        line = tr("Held-out check of the %1 GA best: accuracy %2 on %3 examples no search saw (dense %4), "
                  "%5 removed")
                   .arg(summary.methodLabel(), withInterval(eval.prunedAccuracy, 3))
                   .arg(eval.examples > 0 ? int(eval.examples) : summary.heldOutExamples)
                   .arg(withInterval(eval.denseAccuracy, 3), style::percent(eval.removedFraction, 1));
        if (summary.heldOutBelowThreshold())
            line += tr(" — below (1 − ε) × dense = %1").arg(accuracyText(summary.heldOutThreshold()));
    } else {
        const QString result = QString::fromStdString(eval.source.empty() ? std::string("ga") : eval.source);
        line = tr("%1 on %2: dense %3, pruned %4 on %5 examples, %6 % of the prunable parameters removed")
                   .arg(result, QString::fromStdString(eval.taskName), withInterval(eval.denseAccuracy),
                        withInterval(eval.prunedAccuracy))
                   .arg(eval.examples)
                   .arg(100 * eval.removedFraction, 0, 'f', 1);
    }
    if (!eval.denseCorrect.empty() && eval.denseCorrect.size() == eval.prunedCorrect.size()) {
        const PairedTest t = mcnemarExact(eval.denseCorrect, eval.prunedCorrect);
        line += tr("; %1 examples lost, %2 gained, McNemar p = %3")
                    .arg(t.onlyFirst)
                    .arg(t.onlySecond)
                    .arg(t.pValue, 0, 'g', 3);
    }
    progressPanel_->appendLog(line);
    // The GA best's check is in the banner and the status bar's summary; any other score flashes by.
    if (!gaCheck) statusBar()->showMessage(line, 15000);
    updateResultTexts(session);
    updateModified();
}

QStringList MainWindow::evaluableResults() const {
    const SessionData session = client_->session();
    QStringList results;
    if (session.ga && !session.ga->result.best.genes.empty()) results << QStringLiteral("ga");
    for (const UniformResult& u : session.uniform)
        results << QStringLiteral("uniform:") + QString::fromStdString(u.method);
    return results;
}

void MainWindow::evaluateOnOtherTask() {
    if (client_->isBusy()) return;
    const QStringList results = evaluableResults();
    if (results.isEmpty()) {
        showError(tr("There is no result to evaluate yet: run a uniform sweep or the genetic search first"));
        return;
    }
    const QString result = chooseResult(tr("Evaluate Result on Another Task"), results);
    if (result.isEmpty()) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Task to Evaluate On"), QString(),
                                                      tr("Tasks (*.json *.jsonl);;All files (*)"));
    if (path.isEmpty()) return;
    evaluateResultOnTask(result, path);
}

QString MainWindow::chooseResult(const QString& title, const QStringList& results) {
    QStringList labels;
    for (const QString& r : results) labels << resultLabel(r);
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, title, tr("Result to apply:"), labels, 0, false, &ok);
    return ok ? results.at(int(labels.indexOf(chosen))) : QString();
}

void MainWindow::exportPrunedModel() {
    if (client_->isBusy()) return;
    const QStringList results = evaluableResults();
    if (results.isEmpty()) {
        showError(
            tr("There is no pruned model to export yet: run a uniform sweep or the genetic search first"));
        return;
    }
    const QString result = chooseResult(tr("Export Pruned Model"), results);
    if (result.isEmpty()) return;
    // The forms, as `sieve export --format` names them.
    const QStringList forms = {tr("Factorized: B and A per matrix (smaller; transformers loads it with "
                                  "trust_remote_code)"),
                               tr("Factorized with 8-bit factors (int8 and one scale per direction)"),
                               tr("Dense: B A multiplied back (the original shapes; loads anywhere)")};
    bool ok = false;
    const QString form =
        QInputDialog::getItem(this, tr("Export Pruned Model"), tr("Form:"), forms, 0, false, &ok);
    if (!ok) return;
    const QString directory = QFileDialog::getExistingDirectory(
        this, tr("Export Into (a new or empty folder)"), QString(), QFileDialog::ShowDirsOnly);
    if (directory.isEmpty()) return;
    const int index = int(forms.indexOf(form));
    exportResultModel(result, index == 2 ? QStringLiteral("dense") : QStringLiteral("factorized"), index == 1,
                      directory);
}

void MainWindow::exportResultModel(const QString& result, const QString& format, bool int8,
                                   const QString& directory) {
    if (client_->isBusy()) return;
    if (!evaluableResults().contains(result)) {
        showError(tr("The session has no result %1").arg(result));
        return;
    }
    progressPanel_->appendLog(tr("Exporting %1 to %2…").arg(result, directory));
    client_->exportModel(directory, format, result, int8);
}

void MainWindow::evaluateResultOnTask(const QString& result, const QString& taskPath) {
    if (client_->isBusy()) return;
    if (!evaluableResults().contains(result)) {
        showError(tr("The session has no result %1").arg(result));
        return;
    }
    progressPanel_->appendLog(tr("Evaluating %1 on %2…").arg(result, QFileInfo(taskPath).fileName()));
    client_->evaluateOnTask(taskPath, result);
}

void MainWindow::outlineBottlenecks(const SessionData& session) {
    // A bottleneck: pruning it alone already breaks the accuracy budget eps a0.
    const double a0 = session.baseline ? session.baseline->a0 : 0.0;
    const double budget = session.provenance.eps * a0;
    // More than a dozen outlines hide the heatmap's colours (at eps 1 % on
    // SmolLM2 66 of 210 matrices qualify): the largest drops are outlined and
    // the legend says how many of how many, so the figure never claims the
    // outlined ones are all.
    constexpr size_t kMostOutlined = 12;
    std::vector<int> bottlenecks = sensitivity_->bottlenecks(std::max(budget, 1e-9), INT_MAX);
    const size_t qualifying = bottlenecks.size();
    if (bottlenecks.size() > kMostOutlined) bottlenecks.resize(kMostOutlined);  // most sensitive first
    const SensitivityResult* scan = session.sensitivity.empty() ? nullptr : &session.sensitivity.front();
    const QString level = style::percent(scan ? scan->level : 0.9);
    std::map<int, QString> notes;
    for (int m : bottlenecks)
        if (scan && m < int(scan->accuracy.size()))
            notes[m] = tr("bottleneck: pruned alone to %1 it loses %2 accuracy (more than ε·a₀ = %3)")
                           .arg(level, accuracyText(a0 - scan->accuracy[size_t(m)]), accuracyText(budget));
    QString legend = tr("bottleneck: alone at %1 it loses > ε·a₀").arg(level);
    if (bottlenecks.size() < qualifying)
        legend +=
            QLatin1Char('\n') + tr("(the %1 worst of %2 outlined)").arg(bottlenecks.size()).arg(qualifying);
    heatmap_->setBottlenecks(bottlenecks, legend, notes);
}

void MainWindow::pinForComparison() {
    if (currentLevels_.empty()) {
        statusBar()->showMessage(tr("Nothing to pin yet: run a genetic search first"), 5000);
        return;
    }
    pinnedTask_ = currentTask_.isEmpty() ? tr("task A") : currentTask_;
    pinnedMethod_ = currentMethod_;
    pinnedLevels_ = currentLevels_;
    statusBar()->showMessage(tr("Pinned %1 for comparison").arg(pinnedTask_), 5000);
    updateComparison(client_->session());
}

void MainWindow::updateComparison(const SessionData& session) {
    const ModelSummary& model = session.model.summary;
    if (model.matrices.empty()) {
        compare_->clear();
        return;
    }
    // B: the current task's GA best, pinned or not; A: the pinned task.
    std::vector<double> current;
    QString method;
    if (session.ga && session.ga->result.best.genes.size() == model.matrices.size()) {
        current = levelsOf(session.ga->result.best.genes, gridOf(session));
        method = style::methodLabel(QString::fromStdString(session.ga->result.method));
    } else if (currentLevels_.size() == model.matrices.size()) {
        current = currentLevels_;
    }
    const QString name = QString::fromStdString(session.task.name);
    const QString labelB =
        method.isEmpty() ? tr("%1, GA best").arg(name.isEmpty() ? tr("current task") : name)
                         : tr("%1, GA best with %2").arg(name.isEmpty() ? tr("current task") : name, method);
    const bool pinned = pinnedLevels_.size() == model.matrices.size();
    const QString labelA =
        pinnedMethod_.isEmpty()
            ? tr("%1, GA best").arg(pinnedTask_)
            : tr("%1, GA best with %2").arg(pinnedTask_, style::methodLabel(pinnedMethod_));
    compare_->setComparison(model, labelA, pinned ? pinnedLevels_ : std::vector<double>{}, labelB, current);
}

void MainWindow::onMatrixSelected(int matrix) {
    modelPanel_->selectMatrix(matrix);
    heatmap_->setSelectedMatrix(matrix);
    sensitivity_->selectMatrix(matrix);
    if (matrix >= 0 && matrix < modelPanel_->matrixCount())
        statusBar()->showMessage(
            heatmap_->toolTipFor(matrix).replace(QLatin1Char('\n'), QStringLiteral(" · ")), 8000);
}

void MainWindow::redrawAll() {
    const SessionData session = client_->session();
    const ModelSummary& model = session.model.summary;
    const double eps = currentEps(session);
    convergence_->setEps(eps);
    replayBar_->stop();
    replayBar_->setGeneration(-1);
    playground_->clear();
    heatmap_->setModel(model);
    heatmap_->setTitle(tr("Pruning levels: no genetic search yet"));
    sensitivity_->setModel(model);
    sensitivity_->setBaseline(session.baseline ? session.baseline->a0 : 0.0);
    accuracy_->clear();
    if (session.baseline) {
        accuracy_->setBaseline(session.baseline->a0, eps);
        accuracy_->setExamples(session.baseline->examples, isProportionMetric(session.task.metric));
    }
    for (const UniformResult& u : session.uniform) accuracy_->setUniformResult(u);
    accuracy_->setLoraRuns(session.lora);
    if (!session.ga) {
        convergence_->clear();
        replayBar_->setGenerationCount(0);
    } else {
        const GaResult& ga = session.ga->result;
        convergence_->setGenerations(ga.generations);
        replayBar_->setGenerationCount(int(ga.generations.size()));
        showGaBest(session, ga.method, ga.best, ga.generations.empty() ? -1 : ga.generations.back().index);
    }
    for (const SensitivityResult& s : session.sensitivity) sensitivity_->setResult(s);
    if (!session.sensitivity.empty()) outlineBottlenecks(session);
    updateComparison(session);
    updateResultTexts(session);
    updateStatus();
}

// The accepted loss of the session's results, else the run panel's.
double MainWindow::currentEps(const SessionData& session) const {
    if (!session.provenance.levelGrid.empty()) return session.provenance.eps;
    RunSettings settings;
    QString ignored;
    return runPanel_->settings(&settings, &ignored) ? settings.eps : convergence_->eps();
}

void MainWindow::updateResultTexts(const SessionData& session) {
    const double eps = currentEps(session);
    banner_->showSession(session, eps);
    const GaSummary s = summarizeGa(session);
    if (s.valid) {
        QString title = tr("Genetic search with %1 (ε = %2, %3 chromosomes per generation): best %4 removed, "
                           "search accuracy %5")
                            .arg(s.methodLabel(), style::percent(eps, eps * 100 < 1 ? 1 : 0))
                            .arg(session.ga->result.settings.population)
                            .arg(style::percent(s.removedFraction, 1), accuracyText(s.searchAccuracy));
        if (s.heldOut) title += tr(", held-out %1").arg(accuracyText(s.heldOut->prunedAccuracy));
        convergence_->setTitle(title);
        if (s.heldOut) accuracy_->setHeldOut(s.method, s.heldOut->removedFraction, s.heldOut->prunedAccuracy);
    } else {
        convergence_->setTitle(tr("Genetic search: no run yet"));
    }
    updateHeatmapTitle();
    updateStatus();
}

// ---- figures and help ---------------------------------------------------------

bool MainWindow::exportFigure(Tab tab, const ExportRequest& request, QString* error) {
    PlotView* view = plotView(tab);
    if (!view) return false;
    return sieve::widgets::exportFigure(*view, request, error);
}

void MainWindow::exportCurrentFigure() {
    PlotView* view = currentPlotView();
    if (!view) return;
    QSettings settings;
    const QString dir = settings
                            .value(QLatin1String(kExportDirKey),
                                   QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    ExportDialog dialog(*view, dir, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const ExportRequest request = dialog.request();
    QString error;
    if (!sieve::widgets::exportFigure(*view, request, &error)) {
        showError(error);
        return;
    }
    settings.setValue(QLatin1String(kExportDirKey), QFileInfo(request.path).absolutePath());
    statusBar()->showMessage(tr("Exported %1").arg(request.path), 8000);
    progressPanel_->appendLog(tr("Exported %1").arg(request.path));
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About Sieve Workbench"),
                       tr("<h3>Sieve Workbench</h3>"
                          "<p>Task-specific pruning of large language models with output-aligned projections "
                          "and a genetic search (LLM-Sieve).</p><pre>%1</pre>")
                           .arg(versionText(client_->automaticDevice()).toHtmlEscaped()));
}

}  // namespace sieve::widgets

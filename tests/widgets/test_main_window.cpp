// Drives the real window through its buttons, with the fake engine running
// the real searches on a worker thread, and compares every view with what the
// engine produced.
#include "test_main_window.h"

#include <H5public.h>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <cmath>

#include "core/session/session_file.h"
#include "fake_engine_client.h"
#include "test_support.h"
#include "widgets/main_window.h"
#include "widgets/panels/lora_dialog.h"
#include "widgets/panels/model_panel.h"
#include "widgets/panels/open_model_dialog.h"
#include "widgets/panels/progress_panel.h"
#include "widgets/plots/accuracy_curve_plot.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/sensitivity_view.h"

using namespace sieve;
using namespace sieve::widgets;
using test::FakeEngineClient;

namespace {

struct Fixture {
    FakeEngineClient engine{8};
    MainWindow window{&engine};
    Fixture() {
        window.setPromptOnClose(false);
        window.resize(1400, 900);
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
        engine.openDemoModel();
    }
    ~Fixture() {
        engine.stop();
        engine.waitForIdle();
        QCoreApplication::processEvents();
    }
    void setGa(int population, int generations, uint64_t seed = 5) {
        RunSettings s;
        QString error;
        QVERIFY(window.runPanel()->settings(&s, &error));
        s.ga.population = population;
        s.ga.generations = generations;
        s.ga.seed = seed;
        window.runPanel()->setSettings(s);
    }
    void click(RunPanel::Action a) { QTest::mouseClick(window.runPanel()->button(a), Qt::LeftButton); }
};

// The engine's signals are queued to the window: wait until the window has handled
// the last one (finished), after every result sent before it.
bool windowIdle(const MainWindow& w) {
    return !w.runPanel()->isBusy();
}

std::vector<int> heatmapGenes(const MainWindow& w, const LevelGrid& grid) {
    // Levels back to grid indices.
    std::vector<int> genes;
    for (double level : w.pruningHeatmap()->levels()) {
        int best = -1;
        for (size_t i = 0; i < grid.size(); ++i)
            if (std::abs(grid[i] - level) < 1e-12) best = int(i);
        genes.push_back(best);
    }
    return genes;
}

}  // namespace

void TestMainWindow::initTestCase() {
    registerMetaTypes();
}

void TestMainWindow::openDemoFillsModelPanel() {
    Fixture f;
    QCOMPARE(f.engine.calls(QStringLiteral("openDemoModel")), 1);
    QCOMPARE(f.window.modelPanel()->matrixCount(), 8 * kMatrixTypeCount);
    QCOMPARE(f.window.modelPanel()->topLevelItemCount(), 8);
    QCOMPARE(f.engine.session().task.name, std::string("skill-a"));
    const QTreeWidgetItem* q0 = f.window.modelPanel()->topLevelItem(0)->child(0);
    QCOMPARE(q0->text(ModelPanel::NameColumn), QStringLiteral("q_proj"));
    QCOMPARE(q0->text(ModelPanel::ShapeColumn), QStringLiteral("2048 × 2048"));
}

void TestMainWindow::geneticSearchThroughButton() {
    Fixture f;
    f.setGa(12, 6);
    QSignalSpy generations(&f.engine, &EngineClient::generationFinished);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::Genetic);
    QVERIFY(f.window.runPanel()->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(finished.first().at(0).toBool());
    QCOMPARE(generations.count(), 6);
    QTRY_COMPARE_WITH_TIMEOUT(f.window.convergencePlot()->pendingCount(), 0, 2000);
    // One point per generation, equal to what the engine sent.
    const auto best = f.window.convergencePlot()->seriesData(GaConvergencePlot::Series::BestFitness);
    QCOMPARE(best.size(), 6);
    for (int i = 0; i < generations.count(); ++i) {
        const auto g = generations.at(i).at(1).value<Generation>();
        QCOMPARE(best[i].x(), double(g.index));
        QCOMPARE(best[i].y(), g.bestFitness);
    }
    // The heatmap holds the engine's best chromosome.
    const SessionData session = f.engine.session();
    QCOMPARE(heatmapGenes(f.window, session.provenance.levelGrid), session.ga->result.best.genes);
    QVERIFY(!f.window.runPanel()->isBusy());
    QVERIFY(f.window.runPanel()->button(RunPanel::Action::Genetic)->isEnabled());
    QVERIFY(f.window.isWindowModified());
}

void TestMainWindow::windowStaysResponsiveWhileRunning() {
    Fixture f;
    f.engine.evaluationSleepMicroseconds = 3000;
    f.setGa(16, 8);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::Genetic);
    // While the job runs the GUI thread keeps serving events: a 20 ms timer ticks on schedule.
    int ticks = 0;
    qint64 worstGapMs = 0;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        ++ticks;
        worstGapMs = std::max(worstGapMs, clock.elapsed() - last);
        last = clock.elapsed();
        f.window.tabs()->setCurrentIndex(ticks % MainWindow::TabCount);  // and the user clicks around
    });
    timer.start(20);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    timer.stop();
    QVERIFY2(clock.elapsed() > 200, "the job was too short to tell");
    QVERIFY(ticks > 5);
    QVERIFY2(worstGapMs < 500, qPrintable(QStringLiteral("GUI blocked for %1 ms").arg(worstGapMs)));
}

void TestMainWindow::stopMidRunLeavesUiUsable() {
    Fixture f;
    f.engine.evaluationSleepMicroseconds = 2000;
    f.setGa(16, 200);
    QSignalSpy generations(&f.engine, &EngineClient::generationFinished);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::Genetic);
    QTRY_VERIFY_WITH_TIMEOUT(generations.count() >= 2, 30000);
    QVERIFY(f.window.action(QStringLiteral("actionStop"))->isEnabled());
    f.click(RunPanel::Action::Stop);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(!finished.first().at(0).toBool());
    QVERIFY(generations.count() < 200);
    QCOMPARE(f.engine.calls(QStringLiteral("stop")), 1);
    // Usable again: every run button on, Stop off, and a new run goes through.
    for (auto a : {RunPanel::Action::Calibrate, RunPanel::Action::Uniform, RunPanel::Action::Genetic,
                   RunPanel::Action::Sensitivity, RunPanel::Action::RunAll})
        QVERIFY(f.window.runPanel()->button(a)->isEnabled());
    QVERIFY(!f.window.runPanel()->button(RunPanel::Action::Stop)->isEnabled());
    QVERIFY(!f.window.action(QStringLiteral("actionStop"))->isEnabled());
    QCOMPARE(f.window.progressPanel()->phaseText(), QStringLiteral("Stopped"));
    f.engine.evaluationSleepMicroseconds = 0;
    f.setGa(8, 3);
    f.click(RunPanel::Action::Genetic);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(finished.last().at(0).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(f.window.convergencePlot()->generationCount(), 3, 2000);
}

void TestMainWindow::heatmapClickSelectsInModelPanel() {
    Fixture f;
    f.setGa(8, 2);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::Genetic);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    f.window.tabs()->setCurrentIndex(MainWindow::HeatmapTab);
    QTest::qWait(80);
    PruningHeatmap* heatmap = f.window.pruningHeatmap();
    const int target = test::matrixIndex(4, MatrixType::Gate);
    QTest::mouseClick(heatmap->plotWidget(), Qt::LeftButton, Qt::NoModifier,
                      heatmap->cellCenter(target).toPoint());
    QCOMPARE(f.window.modelPanel()->selectedMatrix(), target);
    // And back: selecting in the model panel marks the heatmap cell.
    f.window.modelPanel()->selectMatrix(3);  // programmatic: no echo
    QCOMPARE(heatmap->selectedMatrix(), target);
    QTreeWidgetItem* item = f.window.modelPanel()->topLevelItem(2)->child(1);  // layer 2, k_proj
    f.window.modelPanel()->setCurrentItem(item);
    QCOMPARE(heatmap->selectedMatrix(), test::matrixIndex(2, MatrixType::K));
}

void TestMainWindow::runAllFillsEveryView() {
    Fixture f;
    f.setGa(12, 4);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    QTest::keyClick(&f.window, Qt::Key_F5);  // Run all
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(finished.first().at(0).toBool());
    const SessionData s = f.engine.session();
    QCOMPARE(f.window.accuracyPlot()->a0(), s.baseline->a0);
    QCOMPARE(f.window.accuracyPlot()->curveData(QStringLiteral("sieve")).size(),
             int(s.uniform.front().points.size()));
    QCOMPARE(f.window.accuracyPlot()->gaBestData().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(f.window.convergencePlot()->generationCount(), 4, 2000);
    QCOMPARE(f.window.sensitivityView()->ranking(), s.sensitivity.front().ranking);
    // Bottlenecks (drop > eps a0 when pruned alone) are outlined on the pruning heatmap.
    std::vector<int> outlined = f.window.pruningHeatmap()->outlined();
    std::vector<int> expected = test::defaultBottlenecks(8, 0);
    std::sort(outlined.begin(), outlined.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(outlined, expected);
    QVERIFY(f.window.progressPanel()->log()->toPlainText().contains(QStringLiteral("Done")));
}

void TestMainWindow::saveAndReopenReproducesPlots() {
    Fixture f;
    f.setGa(10, 3);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(f.window.convergencePlot()->pendingCount(), 0, 2000);
    const QString csvBefore[] = {f.window.convergencePlot()->toCsv(), f.window.pruningHeatmap()->toCsv(),
                                 f.window.sensitivityView()->toCsv(), f.window.accuracyPlot()->toCsv()};
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.h5"));
    f.window.saveSessionFile(path);
    QVERIFY(!f.window.isWindowModified());
    QCOMPARE(f.window.recentSessions().value(0), path);
    // Wipe the views, then reopen.
    f.engine.openDemoModel();
    QCOMPARE(f.window.convergencePlot()->generationCount(), 0);
    f.window.openSessionFile(path);
    QCOMPARE(f.window.sessionPath(), path);
    const QString csvAfter[] = {f.window.convergencePlot()->toCsv(), f.window.pruningHeatmap()->toCsv(),
                                f.window.sensitivityView()->toCsv(), f.window.accuracyPlot()->toCsv()};
    for (int i = 0; i < 4; ++i) QCOMPARE(csvAfter[i], csvBefore[i]);
    QVERIFY(!f.window.isWindowModified());
}

void TestMainWindow::exportFromWindow() {
    Fixture f;
    f.setGa(8, 2);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QTemporaryDir dir;
    for (int tab = 0; tab < MainWindow::TabCount; ++tab) {
        ExportRequest r;
        r.format = FigureFormat::Pdf;
        r.preset = paperPreset(*f.window.plotView(MainWindow::Tab(tab)));
        r.path = dir.filePath(QStringLiteral("tab%1.pdf").arg(tab));
        QString error;
        QVERIFY2(f.window.exportFigure(MainWindow::Tab(tab), r, &error), qPrintable(error));
        QFile file(r.path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
    }
}

void TestMainWindow::menusAndShortcuts() {
    Fixture f;
    QStringList menus;
    for (QAction* a : f.window.menuBar()->actions()) menus << a->text();
    QCOMPARE(menus, QStringList({QStringLiteral("&File"), QStringLiteral("&Edit"), QStringLiteral("&Run"),
                                 QStringLiteral("&View"), QStringLiteral("&Help")}));
    const std::pair<const char*, QKeySequence> shortcuts[] = {
        {"actionNew", QKeySequence::New},           {"actionOpenSession", QKeySequence::Open},
        {"actionSave", QKeySequence::Save},         {"actionExport", QKeySequence(QStringLiteral("Ctrl+E"))},
        {"actionRunAll", QKeySequence(Qt::Key_F5)}, {"actionStop", QKeySequence(Qt::Key_Escape)},
        {"actionUndo", QKeySequence::Undo},         {"actionRedo", QKeySequence::Redo}};
    for (const auto& [name, key] : shortcuts) {
        QAction* a = f.window.action(QString::fromLatin1(name));
        QVERIFY2(a, name);
        QCOMPARE(a->shortcut(), key);
        QVERIFY2(!a->toolTip().isEmpty(), name);
    }
    for (auto a : {RunPanel::Action::Calibrate, RunPanel::Action::Uniform, RunPanel::Action::Genetic,
                   RunPanel::Action::Sensitivity, RunPanel::Action::RunAll, RunPanel::Action::Stop})
        QVERIFY(!f.window.runPanel()->button(a)->toolTip().isEmpty());
    QTest::keyClick(&f.window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(f.window.tabs()->currentIndex(), int(MainWindow::BottleneckTab));

    // Help > About names the libraries a bug report needs, read from the
    // running libraries (HDF5 checked against the headers this test compiled with).
    QString aboutText;
    QTimer::singleShot(0, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box) {
            aboutText = box->text();
            box->accept();
        }
    });
    f.window.action(QStringLiteral("actionAbout"))->trigger();
    const QString hdf5 = QStringLiteral("HDF5 %1.%2.").arg(H5_VERS_MAJOR).arg(H5_VERS_MINOR);
    for (const QString& part : {QStringLiteral("Qt ") + QString::fromLatin1(qVersion()),
                                QStringLiteral("libtorch "), hdf5, QStringLiteral("device ")})
        QVERIFY2(aboutText.contains(part), qPrintable(part + " not in: " + aboutText));
}

void TestMainWindow::badSettingsAreReported() {
    Fixture f;
    auto* grid = f.window.runPanel()->findChild<QLineEdit*>();
    QVERIFY(grid);
    grid->setText(QStringLiteral("0, 0.5, 0.3"));
    f.click(RunPanel::Action::Genetic);
    QCOMPARE(f.engine.calls(QStringLiteral("start")), 0);
    QVERIFY(f.window.progressPanel()->lastLogLine().contains(QStringLiteral("ascending")));
    QVERIFY(!f.window.runPanel()->isBusy());
    for (QWidget* w : QApplication::topLevelWidgets())
        if (w->objectName() == QLatin1String("errorBox")) w->close();
}

// With LLM-Sieve and Input PCA ticked the search runs on LLM-Sieve: the
// engine's rule (the first ticked method in registry order), not the
// alphabetical order of the panel's check boxes.
void TestMainWindow::searchUsesTheFirstMethodOfTheRegistry() {
    Fixture f;
    f.setGa(6, 2);
    f.window.runPanel()->methodBox(QStringLiteral("sieve"))->setChecked(true);
    f.window.runPanel()->methodBox(QStringLiteral("input-pca"))->setChecked(true);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::Genetic);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QCOMPARE(f.engine.lastSettings().methods, (std::vector<std::string>{"sieve", "input-pca"}));
    QCOMPARE(searchMethodOf(f.engine.lastSettings()), std::string("sieve"));
    QCOMPARE(f.engine.session().ga->result.method, std::string("sieve"));
}

// File > Open Model asks for the device; the choice reaches the engine, and a
// device the machine lacks is reported while the window stays usable.
void TestMainWindow::deviceIsChosenWhenOpeningAModel() {
    Fixture f;
    const auto openWith = [&](const QString& device) {
        QTimer::singleShot(0, [&, device] {
            auto* dialog = qobject_cast<OpenModelDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->pathEdit()->setText(QStringLiteral("models/tiny.gguf"));
            dialog->deviceBox()->setCurrentIndex(dialog->deviceBox()->findData(device));
            dialog->accept();
        });
        f.window.action(QStringLiteral("actionOpenModel"))->trigger();
    };
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    openWith(QStringLiteral("cpu"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(f.engine.lastDevice().device, std::string("cpu"));
    QCOMPARE(OpenModelDialog::storedDevice().device, std::string("cpu"));  // offered next time
    QCOMPARE(f.engine.session().model.summary.path, std::string("models/tiny.gguf"));

    openWith(QStringLiteral("cuda"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(f.engine.lastDevice().device, std::string("cuda"));
    QVERIFY(!finished.last().at(0).toBool());
    QVERIFY(f.window.progressPanel()->lastLogLine().contains(QStringLiteral("CUDA")));
    QVERIFY(f.window.runPanel()->button(RunPanel::Action::RunAll)->isEnabled());
    QVERIFY(f.window.action(QStringLiteral("actionOpenModel"))->isEnabled());
    OpenModelDialog::storeDevice(DeviceChoice{});
}

// New Session: the views empty, and Save writes a session without results
// (the engine's session was reset, not only the window's view of it).
void TestMainWindow::newSessionClearsTheViewsAndSavesEmpty() {
    Fixture f;
    f.setGa(8, 2);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QTemporaryDir dir;
    f.window.saveSessionFile(dir.filePath(QStringLiteral("full.h5")));
    QVERIFY(!f.window.isWindowModified());
    f.window.action(QStringLiteral("actionNew"))->trigger();
    QCOMPARE(f.window.convergencePlot()->generationCount(), 0);
    QVERIFY(f.window.accuracyPlot()->curveData(QStringLiteral("sieve")).isEmpty());
    QVERIFY(f.window.sessionPath().isEmpty());
    const QString empty = dir.filePath(QStringLiteral("empty.h5"));
    f.window.saveSessionFile(empty);
    const SessionData saved = SessionFile::load(empty.toStdString());
    QVERIFY(!saved.ga);
    QVERIFY(saved.uniform.empty());
    QVERIFY(saved.sensitivity.empty());
    QCOMPARE(saved.task.name, std::string("skill-a"));
    QVERIFY(SessionFile::load(dir.filePath(QStringLiteral("full.h5")).toStdString()).ga.has_value());
}

// Run > Evaluate Result on Another Task: the window asks the engine to score
// a result of the session on another task, and shows what came back with its
// intervals and the paired test. The accuracy curves carry error bars.
void TestMainWindow::evaluateResultOnAnotherTask() {
    Fixture f;
    QAction* evaluate = f.window.action(QStringLiteral("actionEvaluateOnTask"));
    QVERIFY(evaluate);
    QVERIFY(f.window.menuBar()->findChild<QMenu*>(QStringLiteral("menuRun"))->actions().contains(evaluate));
    // Nothing to evaluate before a run: a clear message, no request.
    f.window.evaluateResultOnTask(QStringLiteral("ga"), QStringLiteral("/data/other.jsonl"));
    QCOMPARE(f.engine.calls(QStringLiteral("evaluateOnTask")), 0);
    QTRY_VERIFY(f.window.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    for (auto* box : f.window.findChildren<QMessageBox*>(QStringLiteral("errorBox"))) box->close();

    f.setGa(10, 3);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(!f.window.accuracyPlot()->intervalData(QStringLiteral("sieve")).isEmpty());  // 200 examples

    f.window.evaluateResultOnTask(QStringLiteral("ga"), QStringLiteral("/data/other.jsonl"));
    QCOMPARE(f.engine.calls(QStringLiteral("evaluateOnTask")), 1);
    QCOMPARE(f.engine.lastEvaluatedResult(), QStringLiteral("ga"));
    QCOMPARE(f.engine.lastEvaluatedTask(), QStringLiteral("/data/other.jsonl"));
    const QString log = f.window.progressPanel()->log()->toPlainText();
    QVERIFY2(log.contains(QStringLiteral("ga on other: dense 0.7500 [")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("McNemar p = ")), qPrintable(log));
    const SessionData s = f.engine.session();
    QVERIFY(std::any_of(s.eval.begin(), s.eval.end(), [](const HeldOutEval& e) {
        return e.taskName == "other" && e.source == "ga" && e.split == kEvaluationSplit;
    }));
    // A result the session does not hold is refused before the engine is asked.
    f.window.evaluateResultOnTask(QStringLiteral("uniform:bogus"), QStringLiteral("/data/other.jsonl"));
    QCOMPARE(f.engine.calls(QStringLiteral("evaluateOnTask")), 1);
}

// File > Export Pruned Model: the window asks the engine to write a result
// of the session in the form chosen; nothing before a run, and not while busy.
void TestMainWindow::exportPrunedModelFromWindow() {
    Fixture f;
    QAction* exportModel = f.window.action(QStringLiteral("actionExportModel"));
    QVERIFY(exportModel);
    QVERIFY(
        f.window.menuBar()->findChild<QMenu*>(QStringLiteral("menuFile"))->actions().contains(exportModel));
    f.window.exportResultModel(QStringLiteral("ga"), QStringLiteral("factorized"), false,
                               QStringLiteral("/out/a"));
    QCOMPARE(f.engine.calls(QStringLiteral("exportModel")), 0);
    QTRY_VERIFY(f.window.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    for (auto* box : f.window.findChildren<QMessageBox*>(QStringLiteral("errorBox"))) box->close();

    f.setGa(10, 3);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QVERIFY(!exportModel->isEnabled());  // a run is going on
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);
    QVERIFY(exportModel->isEnabled());

    f.window.exportResultModel(QStringLiteral("uniform:sieve"), QStringLiteral("factorized"), true,
                               QStringLiteral("/out/sieve-int8"));
    QCOMPARE(f.engine.calls(QStringLiteral("exportModel")), 1);
    QCOMPARE(f.engine.lastExport().result, QStringLiteral("uniform:sieve"));
    QCOMPARE(f.engine.lastExport().format, QStringLiteral("factorized"));
    QVERIFY(f.engine.lastExport().int8);
    QCOMPARE(f.engine.lastExport().directory, QStringLiteral("/out/sieve-int8"));
    f.window.exportResultModel(QStringLiteral("ga"), QStringLiteral("dense"), false,
                               QStringLiteral("/out/ga"));
    QCOMPARE(f.engine.calls(QStringLiteral("exportModel")), 2);
    QCOMPARE(f.engine.lastExport().format, QStringLiteral("dense"));
    QVERIFY(!f.engine.lastExport().int8);
    QTRY_VERIFY(f.window.progressPanel()->log()->toPlainText().contains(
        QStringLiteral("Exported ga (dense) to /out/ga")));
    // A result the session does not hold is refused before the engine is asked.
    f.window.exportResultModel(QStringLiteral("uniform:bogus"), QStringLiteral("dense"), false,
                               QStringLiteral("/out/b"));
    QCOMPARE(f.engine.calls(QStringLiteral("exportModel")), 2);
}

// Recover with LoRA: the run panel's button and the Run menu's action ask
// the engine with the dialog's choices; the run lands on the accuracy plot.
void TestMainWindow::recoverWithLoraFromWindow() {
    Fixture f;
    QAction* lora = f.window.action(QStringLiteral("actionLora"));
    QVERIFY(lora);
    QVERIFY(f.window.menuBar()->findChild<QMenu*>(QStringLiteral("menuRun"))->actions().contains(lora));
    QVERIFY(f.window.runPanel()->button(RunPanel::Action::Lora));
    // Nothing to recover before a run: refused before the engine is asked.
    f.window.recoverWithLora(QStringLiteral("ga"), -1, LoraSettings{});
    QCOMPARE(f.engine.calls(QStringLiteral("recoverWithLora")), 0);
    QTRY_VERIFY(f.window.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    for (auto* box : f.window.findChildren<QMessageBox*>(QStringLiteral("errorBox"))) box->close();

    f.setGa(10, 3);
    QSignalSpy finished(&f.engine, &EngineClient::finished);
    f.click(RunPanel::Action::RunAll);
    QVERIFY(!f.window.runPanel()->button(RunPanel::Action::Lora)->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(f.window), 5000);

    // The dialog: the session's results, then one entry per grid level.
    RunSettings s;
    QString error;
    QVERIFY(f.window.runPanel()->settings(&s, &error));
    LoraDialog dialog({QStringLiteral("ga"), QStringLiteral("uniform:sieve")}, s.grid,
                      QStringLiteral("sieve"));
    auto* target = dialog.findChild<QComboBox*>(QStringLiteral("loraTarget"));
    QCOMPARE(target->count(), 2 + int(s.grid.size()) - 1);
    QCOMPARE(dialog.request().result, QStringLiteral("ga"));
    target->setCurrentIndex(2 + 4);  // the fifth level above 0
    dialog.findChild<QSpinBox*>(QStringLiteral("loraRank"))->setValue(16);
    dialog.findChild<QSpinBox*>(QStringLiteral("loraSteps"))->setValue(25);
    const LoraRequest request = dialog.request();
    QVERIFY(request.result.isEmpty());
    QCOMPARE(request.level, s.grid[5]);
    QCOMPARE(request.lora.rank, 16);
    QCOMPARE(request.lora.steps, 25);

    f.window.recoverWithLora(request.result, request.level, request.lora);
    QCOMPARE(f.engine.calls(QStringLiteral("recoverWithLora")), 1);
    QCOMPARE(f.engine.lastLora().level, s.grid[5]);
    QCOMPARE(f.engine.lastLora().lora.rank, 16);
    QTRY_COMPARE(f.window.accuracyPlot()->loraData(QStringLiteral("sieve")).size(), 1);
    QCOMPARE(f.window.accuracyPlot()->loraData(QStringLiteral("sieve")).front(), QPointF(50.0, 0.8));
    QVERIFY(f.window.accuracyPlot()->toCsv().contains(QStringLiteral("lora,sieve,,50,0.8")));
}

void TestMainWindow::screenshots() {
    // The whole window after Run all on the demo model, then skill B with skill A pinned.
    FakeEngineClient engine(16);
    MainWindow window(&engine);
    window.setPromptOnClose(false);
    window.resize(1500, 950);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    engine.openDemoModel();
    RunSettings s;
    QString error;
    QVERIFY(window.runPanel()->settings(&s, &error));
    s.ga.population = 24;
    s.ga.generations = 14;
    window.runPanel()->setSettings(s);
    QSignalSpy finished(&engine, &EngineClient::finished);
    window.runAction(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(window), 5000);
    window.pinForComparison();
    engine.openTask(QStringLiteral("skill-b.json"));
    window.runAction(RunPanel::Action::RunAll);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(windowIdle(window), 5000);
    QVERIFY(window.compareView()->hasComparison());
    // Both sides name their task and the method of their search.
    const QString methodA = window.compareView()->panelTitle(CompareView::Panel::A);
    const QString methodB = window.compareView()->panelTitle(CompareView::Panel::B);
    QVERIFY2(methodA.contains(QStringLiteral("skill-a")) && methodA.contains(QStringLiteral("LLM-Sieve")),
             qPrintable(methodA));
    QVERIFY2(methodB.contains(QStringLiteral("skill-b")) && methodB.contains(QStringLiteral("LLM-Sieve")),
             qPrintable(methodB));
    const char* names[] = {"window_convergence", "window_heatmap", "window_bottlenecks", "window_accuracy",
                           "window_compare"};
    for (int tab = 0; tab < MainWindow::TabCount; ++tab) {
        window.tabs()->setCurrentIndex(tab);
        QTest::qWait(150);
        test::saveGrab(&window, QString::fromLatin1(names[tab]));
    }
}

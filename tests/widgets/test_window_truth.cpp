// The window tells the truth (issue 19): a session file only ever holds its
// own task's results, every result names its method, held-out accuracy is
// shown beside search accuracy with a warning when it breaks its threshold,
// every mark on a plot is explained, and figures fit a journal column. The
// fake engine runs the real searches over a closed-form task; numbers are
// compared with what the engine sent and with the closed form.
#include "test_window_truth.h"

#include <QAction>
#include <QCheckBox>
#include <QCryptographicHash>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/session/session_file.h"
#include "fake_engine_client.h"
#include "test_support.h"
#include "widgets/common/result_summary.h"
#include "widgets/export/export_dialog.h"
#include "widgets/export/figure_export.h"
#include "widgets/main_window.h"
#include "widgets/panels/progress_panel.h"
#include "widgets/panels/progress_text.h"
#include "widgets/panels/result_banner.h"
#include "widgets/panels/run_panel.h"
#include "widgets/plots/accuracy_curve_plot.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/sensitivity_view.h"

using namespace sieve;
using namespace sieve::widgets;
using test::FakeEngineClient;

namespace {

struct Window {
    FakeEngineClient engine{8};
    MainWindow window{&engine};
    Window() {
        window.setPromptOnClose(false);
        window.resize(1400, 900);
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
    }
    ~Window() {
        engine.stop();
        engine.waitForIdle();
        QCoreApplication::processEvents();
    }
    void settings(const std::vector<std::string>& methods, int population = 10, int generations = 4) {
        RunSettings s;
        QString error;
        QVERIFY(window.runPanel()->settings(&s, &error));
        s.methods = methods;
        s.ga.population = population;
        s.ga.generations = generations;
        s.ga.seed = 3;
        window.runPanel()->setSettings(s);
    }
    // Runs and waits until the window has handled the last answer.
    void run(RunPanel::Action action = RunPanel::Action::RunAll) {
        window.runAction(action);
        waitIdle();
    }
    void waitIdle() {
        QElapsedTimer clock;
        clock.start();
        QTest::qWait(10);
        while ((engine.isBusy() || window.runPanel()->isBusy()) && clock.elapsed() < 60000) QTest::qWait(10);
        QTest::qWait(30);
    }
    QString statusTask() const {
        for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
            if (label->text().startsWith(QStringLiteral("task "))) return label->text();
        return {};
    }
};

QByteArray sha(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

}  // namespace

void TestWindowTruth::initTestCase() {
    registerMetaTypes();
}

// add.h5 is open; File > Open Task opens another task; Run all must leave
// add.h5 byte for byte as it was, and the title says the session is untitled.
void TestWindowTruth::anotherTaskNeverWritesIntoTheOpenFile() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"sieve"});
    w.run();
    QTemporaryDir dir;
    const QString add = dir.filePath(QStringLiteral("add.h5"));
    w.window.saveSessionFile(add);
    QVERIFY(w.window.windowTitle().startsWith(QStringLiteral("add.h5")));
    const QByteArray before = sha(add);
    QVERIFY(!before.isEmpty());

    w.engine.openTask(QStringLiteral("skill-b.json"));
    QVERIFY(w.window.sessionPath().isEmpty());
    QVERIFY2(w.window.windowTitle().startsWith(QStringLiteral("Untitled session")),
             qPrintable(w.window.windowTitle()));
    w.run();
    QCOMPARE(w.engine.session().task.name, std::string("skill-b"));
    QVERIFY(w.engine.session().ga.has_value());
    QCOMPARE(sha(add), before);
    QCOMPARE(SessionFile::load(add.toStdString()).task.name, std::string("skill-a"));
    QVERIFY(w.window.windowTitle().startsWith(QStringLiteral("Untitled session")));
    QVERIFY(w.window.isWindowModified());  // skill-b's results are in no file yet
}

// A search with Input PCA: its name is in the heatmap and convergence titles,
// the banner, the status bar, the held-out log line, the accuracy legend, the
// sensitivity title and the compare view.
void TestWindowTruth::methodIsNamedEverywhere() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"input-pca"});
    w.run();
    const QString label = QStringLiteral("Input PCA");
    QCOMPARE(w.engine.session().ga->result.method, std::string("input-pca"));
    const QStringList titles = {w.window.pruningHeatmap()->title(),
                                w.window.convergencePlot()->title(),
                                w.window.resultBanner()->summaryText(),
                                w.window.sensitivityView()->title(),
                                w.window.compareView()->panelTitle(CompareView::Panel::B),
                                w.statusTask()};
    for (const QString& title : titles) QVERIFY2(title.contains(label), qPrintable(title));
    const QStringList legend = w.window.accuracyPlot()->legendLabels();
    QVERIFY2(legend.contains(QStringLiteral("Input PCA + GA")), qPrintable(legend.join(", ")));
    QVERIFY2(legend.contains(QStringLiteral("Input PCA + GA, held-out")), qPrintable(legend.join(", ")));
    const QString log = w.window.progressPanel()->log()->toPlainText();
    QVERIFY2(log.contains(QStringLiteral("Held-out check of the Input PCA GA best")), qPrintable(log));
}

// Each "+ GA" point is drawn in its own method's colour and named in the legend.
void TestWindowTruth::gaPointsOfTwoMethodsDiffer() {
    AccuracyCurvePlot plot;
    plot.setBaseline(0.9, 0.05);
    Individual a;
    a.accuracy = 0.88;
    a.removedFraction = 0.4;
    Individual b = a;
    b.removedFraction = 0.3;
    plot.setGaBest(QStringLiteral("sieve"), a);
    plot.setGaBest(QStringLiteral("input-pca"), b);
    QVERIFY(plot.gaColor(QStringLiteral("sieve")) != plot.gaColor(QStringLiteral("input-pca")));
    QCOMPARE(plot.gaColor(QStringLiteral("sieve")), QColor(QStringLiteral("#0072B2")));
    QCOMPARE(plot.gaColor(QStringLiteral("input-pca")), QColor(QStringLiteral("#009E73")));
    const QStringList legend = plot.legendLabels();
    QVERIFY(legend.contains(QStringLiteral("LLM-Sieve + GA")));
    QVERIFY(legend.contains(QStringLiteral("Input PCA + GA")));
}

// After Run all the held-out check of the GA best is in the banner, the status
// bar, the heatmap title and the accuracy plot; the fake's held-out accuracy
// falls 0.2 × removed below the search accuracy, so with a fifth removed it
// breaks (1 − ε) × dense and the warning must show.
void TestWindowTruth::heldOutIsShownAndWarned() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"sieve"}, 12, 5);
    w.run();
    const SessionData s = w.engine.session();
    QCOMPARE(int(s.eval.size()), 1);
    const HeldOutEval& eval = s.eval.front();
    QCOMPARE(eval.removedFraction, s.ga->result.best.removedFraction);
    const double threshold = (1 - s.provenance.eps) * eval.denseAccuracy;
    const bool below = eval.prunedAccuracy < threshold;
    QVERIFY2(below, "the fake's held-out accuracy is meant to break the threshold here");
    const QString held = QString::number(eval.prunedAccuracy, 'f', 3);

    const QString banner = w.window.resultBanner()->summaryText();
    QVERIFY2(banner.contains(QStringLiteral("held-out accuracy ") + held), qPrintable(banner));
    QVERIFY2(banner.contains(QString::number(s.ga->result.best.accuracy, 'f', 3)), qPrintable(banner));
    const QStringList warnings = w.window.resultBanner()->warnings();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.front().contains(QStringLiteral("below (1 − ε) × dense")),
             qPrintable(warnings.front()));
    QVERIFY2(warnings.front().contains(QString::number(threshold, 'f', 3)), qPrintable(warnings.front()));
    QVERIFY(w.window.resultBanner()->isVisible());
    QVERIFY2(w.statusTask().contains(QStringLiteral("held-out ") + held) &&
                 w.statusTask().endsWith(QStringLiteral("⚠")),
             qPrintable(w.statusTask()));
    QVERIFY(w.window.convergencePlot()->title().contains(QStringLiteral("held-out ") + held));
    const QVector<QPointF> points = w.window.accuracyPlot()->heldOutData();
    QCOMPARE(points.size(), 1);
    QCOMPARE(points.front(), QPointF(eval.removedFraction * 100.0, eval.prunedAccuracy));
    // The heatmap's title names both accuracies.
    const QString title = w.window.pruningHeatmap()->title();
    QVERIFY2(title.contains(QStringLiteral("search accuracy ") +
                            QString::number(s.ga->result.best.accuracy, 'f', 3)) &&
                 title.contains(QStringLiteral("held-out ") + held),
             qPrintable(title));
    w.window.tabs()->setCurrentIndex(MainWindow::HeatmapTab);
    QTest::qWait(50);
    test::saveGrab(&w.window, QStringLiteral("truth_held_out_warning"));
}

// Ten search examples: ε = 5 % lets a pruned model lose none, so 1 % and 5 %
// are the same test — said in the banner; fifty examples do not warn.
void TestWindowTruth::smallSearchSetIsWarned() {
    for (const int examples : {10, 50}) {
        Window w;
        w.engine.searchExamples = examples;
        w.engine.openDemoModel();
        w.settings({"sieve"}, 8, 2);
        w.run(RunPanel::Action::Uniform);
        const SessionData s = w.engine.session();
        const double allowed = 0.05 * s.baseline->a0 * examples;
        const QStringList warnings = w.window.resultBanner()->warnings();
        const bool warned = !warnings.filter(QStringLiteral("search examples")).isEmpty();
        QCOMPARE(warned, allowed < 1.0);
        if (warned) {
            QVERIFY2(warnings.front().contains(QStringLiteral("Only 10 search examples")),
                     qPrintable(warnings.front()));
            QVERIFY2(warnings.front().contains(QStringLiteral("10.0 %")), qPrintable(warnings.front()));
        }
    }
}

// Without a pin the compare view shows the current GA best as B; A says how
// to fill it; the scales are the level scale, not 0..6; no lone "0" axis.
void TestWindowTruth::compareViewWithoutPin() {
    Window w;
    CompareView* compare = w.window.compareView();
    QVERIFY(!compare->showsLayerNumbers());  // no model yet
    QCOMPARE(compare->colourRange(CompareView::Panel::A), std::make_pair(0.0, 0.9));
    w.engine.openDemoModel();
    QVERIFY(compare->showsLayerNumbers());
    QVERIFY(!compare->hasSide(CompareView::Panel::B));
    QVERIFY2(compare->panelTitle(CompareView::Panel::B).contains(QStringLiteral("run a genetic search")),
             qPrintable(compare->panelTitle(CompareView::Panel::B)));
    w.settings({"sieve"});
    w.run(RunPanel::Action::Genetic);
    QVERIFY(compare->hasSide(CompareView::Panel::B));
    QVERIFY(!compare->hasSide(CompareView::Panel::A));
    QVERIFY(!compare->hasComparison());
    const SessionData s = w.engine.session();
    const std::vector<double> levels = levelsOf(s.ga->result.best.genes, s.provenance.levelGrid);
    for (size_t i = 0; i < s.model.summary.matrices.size(); ++i) {
        const MatrixInfo& m = s.model.summary.matrices[i];
        QCOMPARE(compare->cellValue(CompareView::Panel::B, m.layer, m.type), levels[i]);
        QVERIFY(std::isnan(compare->cellValue(CompareView::Panel::A, m.layer, m.type)));
    }
    QVERIFY(compare->panelTitle(CompareView::Panel::A).contains(QStringLiteral("Pin for Comparison")));
    const auto range = compare->colourRange(CompareView::Panel::B);
    QCOMPARE(range.first, 0.0);
    QCOMPARE(range.second, s.provenance.levelGrid.back());
    w.window.tabs()->setCurrentIndex(MainWindow::CompareTab);
    QTest::qWait(60);
    test::saveGrab(&w.window, QStringLiteral("truth_compare_without_pin"));
}

// With a small eps many matrices break the budget alone: a dozen are outlined,
// the largest drops, and the legend says of how many.
void TestWindowTruth::manyBottlenecksOutlineTheWorstDozen() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"sieve"});
    RunSettings s;
    QString error;
    QVERIFY(w.window.runPanel()->settings(&s, &error));
    s.eps = 0.001;
    w.window.runPanel()->setSettings(s);
    w.run();
    const SessionData session = w.engine.session();
    QCOMPARE(session.provenance.eps, 0.001);
    const SensitivityResult& scan = session.sensitivity.front();
    const double budget = session.provenance.eps * session.baseline->a0;
    std::vector<int> qualifying;  // most sensitive first, as the scan ranks them
    for (int m : scan.ranking)
        if (session.baseline->a0 - scan.accuracy[size_t(m)] >= budget) qualifying.push_back(m);
    QVERIFY2(qualifying.size() > 12, qPrintable(QString::number(qualifying.size())));
    std::vector<int> outlined = w.window.pruningHeatmap()->outlined();
    std::sort(outlined.begin(), outlined.end());
    std::vector<int> worst(qualifying.begin(), qualifying.begin() + 12);
    std::sort(worst.begin(), worst.end());
    QCOMPARE(outlined, worst);
    const QStringList legend = w.window.pruningHeatmap()->legendLabels();
    QVERIFY2(legend.contains(
                 QStringLiteral("bottleneck: alone at 90 % it loses > ε·a₀\n(the 12 worst of %1 outlined)")
                     .arg(qualifying.size())),
             qPrintable(legend.join(", ")));
}

// The red outlines are in the heatmap's legend (and so in exported figures),
// and each outlined cell's tooltip says why, with the numbers of the scan.
void TestWindowTruth::bottleneckOutlinesAreExplained() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"sieve"});
    PruningHeatmap* heatmap = w.window.pruningHeatmap();
    QVERIFY2(heatmap->legendLabels().isEmpty(),
             qPrintable(heatmap->legendLabels().join(QStringLiteral(", "))));
    w.run();
    const std::vector<int> outlined = heatmap->outlined();
    QVERIFY(!outlined.empty());
    const QStringList legend = heatmap->legendLabels();
    QVERIFY2(!legend.filter(QStringLiteral("bottleneck: alone at 90 %")).isEmpty(),
             qPrintable(legend.join(", ")));
    const SessionData s = w.engine.session();
    const SensitivityResult& scan = s.sensitivity.front();
    for (int m : outlined) {
        const QString tip = heatmap->toolTipFor(m);
        const double drop = s.baseline->a0 - scan.accuracy[size_t(m)];
        QVERIFY2(tip.contains(QStringLiteral("bottleneck: pruned alone to 90 % it loses ") +
                              QString::number(drop, 'f', 3)),
                 qPrintable(tip));
        QVERIFY(drop > s.provenance.eps * s.baseline->a0);
    }
    // In an exported figure too; the selection is the user's pointer and is not.
    heatmap->setSelectedMatrix(outlined.front());
    QVERIFY(heatmap->legendLabels().contains(QStringLiteral("selected matrix")));
    QTemporaryDir dir;
    ExportRequest request;
    request.format = FigureFormat::Svg;
    request.preset = paperPreset(*heatmap);
    request.path = dir.filePath(QStringLiteral("heatmap.svg"));
    QString error;
    QVERIFY2(exportFigure(*heatmap, request, &error), qPrintable(error));
    QFile svg(request.path);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(svg.readAll());
    QVERIFY(text.contains(QStringLiteral("bottleneck")));
    QVERIFY(!text.contains(QStringLiteral("selected matrix")));
    QVERIFY(heatmap->legendLabels().contains(QStringLiteral("selected matrix")));  // back on screen
}

void TestWindowTruth::progressTextIsReadable() {
    Progress ga;
    ga.phase = "ga sieve";
    ga.total = 60 * 24;
    ga.done = 11 * 24 + 5;
    QCOMPARE(describeProgress(ga, 24).phase,
             QStringLiteral("Genetic search (LLM-Sieve): generation 12 of 60, 24 models each"));
    Progress uniform;
    uniform.phase = "uniform weight-svd";
    uniform.total = 9;
    uniform.done = 3;
    uniform.detail = "level 0.600000";
    QCOMPARE(describeProgress(uniform, 24).phase,
             QStringLiteral("Uniform sweep (Weight SVD): level 4 of 9, last: 60 % pruned"));
    Progress calibrate{"calibrate", 3, 10, "batch 3/10, 512 tokens", 1.0, 2.0};
    QCOMPARE(describeProgress(calibrate, 1).phase,
             QStringLiteral("Calibrating (Gram matrices): batch 3 of 10"));
    Progress odd{"something new", 2, 5, "detail", 0, -1};
    QCOMPARE(describeProgress(odd, 1).phase, QStringLiteral("something new"));
    QVERIFY(!describeProgress(odd, 1).known);

    // In the panel: no stale "level 0.6" once the GA runs.
    ProgressPanel panel;
    panel.setGaPopulation(24);
    panel.setProgress(uniform);
    panel.setProgress(ga);
    QCOMPARE(panel.phaseText(),
             QStringLiteral("Genetic search (LLM-Sieve): generation 12 of 60, 24 models each"));
    QVERIFY(!panel.lastLogLine().contains(QStringLiteral("level")));
}

void TestWindowTruth::earlyStopIsLogged() {
    Window w;
    w.engine.gaPatience = 1;
    w.engine.openDemoModel();
    w.settings({"sieve"}, 6, 40);
    w.run(RunPanel::Action::Genetic);
    const GaResult ga = w.engine.session().ga->result;
    QVERIFY2(ga.stoppedEarly, "patience 1 over 40 generations stops early");
    const QString log = w.window.progressPanel()->log()->toPlainText();
    const QString expected =
        QStringLiteral(
            "Genetic search (LLM-Sieve) stopped early after generation %1 of 39: the best "
            "has not improved for 1 generations")
            .arg(ga.generations.back().index);
    QVERIFY2(log.contains(expected), qPrintable(log));
}

// Whatever happened at earlier starts, a start without a session opens the demo.
void TestWindowTruth::demoOpensAtEveryStart() {
    for (int start = 0; start < 2; ++start) {
        Window w;
        w.window.openDemoAtStart();
        QTRY_COMPARE_WITH_TIMEOUT(w.engine.calls(QStringLiteral("openDemoModel")), 1, 2000);
        QVERIFY(!w.engine.session().model.summary.matrices.empty());
    }
    // Not over a model that is open already (a session given on the command line).
    Window w;
    w.engine.openModel(QStringLiteral("models/other.gguf"), DeviceChoice{});
    w.window.openDemoAtStart();
    QTest::qWait(50);
    QCOMPARE(w.engine.calls(QStringLiteral("openDemoModel")), 0);
}

void TestWindowTruth::openTaskStartsInTheDemoTasks() {
    QTemporaryDir demo;
    QVERIFY(QDir(demo.path()).mkpath(QStringLiteral("tasks")));
    Window w;
    w.engine.demoDirectory_ = demo.path();
    QCOMPARE(w.window.taskDirectory(), demo.path() + QStringLiteral("/tasks"));
    // Once a task from another folder is open, its folder.
    QTemporaryDir other;
    QFile task(other.filePath(QStringLiteral("mine.jsonl")));
    QVERIFY(task.open(QIODevice::WriteOnly));
    task.close();
    w.engine.openModel(QStringLiteral("models/m.gguf"), DeviceChoice{});
    w.engine.openTask(task.fileName());
    QCOMPARE(w.window.taskDirectory(), QFileInfo(task.fileName()).absolutePath());
}

void TestWindowTruth::saveSuggestsTaskAndModel() {
    Window w;
    w.engine.openDemoModel();  // model demo/sieve-demo, task skill-a
    QCOMPARE(w.window.suggestedSessionName(), QStringLiteral("skill-a-sieve-demo.h5"));
    w.engine.openModel(QStringLiteral("/models/SmolLM2-135M-Instruct.Q4_1.gguf"), DeviceChoice{});
    QCOMPARE(w.window.suggestedSessionName(), QStringLiteral("skill-a-SmolLM2-135M-Instruct.Q4_1.h5"));
}

// Two add.h5 from two experiments: the menu tells them apart by folder.
void TestWindowTruth::recentShowsFolders() {
    Window w;
    w.engine.openDemoModel();
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("first")) &&
            QDir(dir.path()).mkpath(QStringLiteral("second")));
    w.window.saveSessionFile(dir.filePath(QStringLiteral("first/add.h5")));
    w.window.saveSessionFile(dir.filePath(QStringLiteral("second/add.h5")));
    const QStringList texts = w.window.recentMenuTexts();
    QVERIFY(texts.size() >= 2);
    QCOMPARE(texts.at(0), QStringLiteral("&1 add.h5 — %1")
                              .arg(QDir::toNativeSeparators(dir.filePath(QStringLiteral("second")))));
    QCOMPARE(texts.at(1), QStringLiteral("&2 add.h5 — %1")
                              .arg(QDir::toNativeSeparators(dir.filePath(QStringLiteral("first")))));
}

// Every label with an "&" is a buddy label, so no "F&ile:" is shown literally.
void TestWindowTruth::exportDialogShowsNoAmpersand() {
    Window w;
    ExportDialog dialog(*w.window.pruningHeatmap(), QDir::tempPath());
    dialog.show();
    int buddies = 0;
    for (QLabel* label : dialog.findChildren<QLabel*>()) {
        if (!label->text().contains(QLatin1Char('&'))) continue;
        QVERIFY2(label->buddy(), qPrintable(label->text() + QStringLiteral(" shows its '&'")));
        ++buddies;
    }
    QVERIFY(buddies >= 7);  // format, preset, width, height, font, resolution, file
    bool file = false;
    for (QLabel* label : dialog.findChildren<QLabel*>()) file |= label->text() == QStringLiteral("F&ile:");
    QVERIFY(file);
}

// The paper preset is one journal column for every view, and the accuracy
// legend (every method, a GA point and its held-out point) takes at most a
// quarter of the figure's height.
void TestWindowTruth::paperFiguresFitOneColumn() {
    Window w;
    for (int tab = 0; tab < MainWindow::TabCount; ++tab)
        QCOMPARE(paperPreset(*w.window.plotView(MainWindow::Tab(tab))).widthInches, 3.5);
    AccuracyCurvePlot plot;
    plot.resize(900, 600);
    plot.setBaseline(0.9, 0.05);
    const char* methods[] = {"sieve", "sieve-sequential", "weight-svd", "input-pca", "wanda"};
    for (const char* m : methods) {
        UniformResult u;
        u.method = m;
        for (int i = 1; i < 10; ++i) u.points.push_back({0.1 * i, 0.9 - 0.05 * i, 0.1 * i});
        plot.setUniformResult(u);
    }
    Individual best;
    best.accuracy = 0.87;
    best.removedFraction = 0.35;
    plot.setGaBest(QStringLiteral("sieve"), best);
    plot.setHeldOut(QStringLiteral("sieve"), 0.35, 0.8);
    QCOMPARE(plot.legendLabels().size(), 8);
    QTemporaryDir dir;
    ExportRequest request;
    request.format = FigureFormat::Pdf;
    request.preset = paperPreset(plot);
    request.path = dir.filePath(QStringLiteral("accuracy.pdf"));
    FigureLayout layout;
    QString error;
    QVERIFY2(exportFigure(plot, request, &error, &layout), qPrintable(error));
    QVERIFY(!layout.legend.isEmpty());
    QVERIFY2(
        layout.legend.height() <= layout.canvas.height() / 4,
        qPrintable(
            QStringLiteral("legend %1 pt of %2 pt").arg(layout.legend.height()).arg(layout.canvas.height())));
    QVERIFY(layout.legend.width() <= layout.canvas.width());
    // And at a slide's larger text.
    request.preset = slidePreset(plot);
    QVERIFY2(exportFigure(plot, request, &error, &layout), qPrintable(error));
    QVERIFY2(layout.legend.height() <= layout.canvas.height() / 4,
             qPrintable(QStringLiteral("slide legend %1 pt of %2 pt")
                            .arg(layout.legend.height())
                            .arg(layout.canvas.height())));
}

// A one-column figure of the whole window's views after Run all on two
// tasks: no title takes more than a sixth of the figure (two lines always
// allowed), no vertical axis label is longer than its axis (they were cut at
// both ends), and each compare heatmap has room for its seven matrix-type
// labels at the paper's text size.
void TestWindowTruth::paperFiguresKeepTheirLabels() {
    Window w;
    w.engine.openDemoModel();
    w.settings({"sieve"}, 24, 14);
    w.run();
    w.window.pinForComparison();
    w.engine.openTask(QStringLiteral("skill-b.json"));
    w.run();
    QVERIFY(w.window.compareView()->hasComparison());
    QTemporaryDir dir;
    for (int tab = 0; tab < MainWindow::TabCount; ++tab) {
        PlotView& view = *w.window.plotView(MainWindow::Tab(tab));
        ExportRequest request;
        request.format = FigureFormat::Png;
        request.preset = paperPreset(view);
        request.path = dir.filePath(view.figureName() + QStringLiteral(".png"));
        FigureLayout layout;
        QString error;
        QVERIFY2(exportFigure(view, request, &error, &layout), qPrintable(error));
        const QString name = view.figureName();
        QVERIFY2(layout.cutAxisLabels.isEmpty(),
                 qPrintable(name + QStringLiteral(": ") + layout.cutAxisLabels.join(QStringLiteral(" | "))));
        const double titleLimit =
            std::max(layout.canvas.height() / 6.0, 2.8 * (request.preset.fontPoints + 1));
        for (const QRect& title : layout.titles)
            QVERIFY2(title.height() <= titleLimit + 6,  // the text and its element's margins
                     qPrintable(QStringLiteral("%1: title %2 pt of %3 pt")
                                    .arg(name)
                                    .arg(title.height())
                                    .arg(layout.canvas.height())));
        QVERIFY(!layout.plots.isEmpty());
        if (tab == MainWindow::CompareTab) {
            QCOMPARE(layout.plots.size(), 3);
            for (const QRect& cells : layout.plots) {
                QVERIFY2(cells.height() >= kMatrixTypeCount * request.preset.fontPoints,
                         qPrintable(QStringLiteral("compare heatmap %1 pt high").arg(cells.height())));
                // All three alike, whatever their titles and axis labels take.
                QVERIFY2(std::abs(cells.height() - layout.plots.front().height()) <= 2,
                         qPrintable(QStringLiteral("compare heatmaps %1, %2 and %3 pt high")
                                        .arg(layout.plots[0].height())
                                        .arg(layout.plots[1].height())
                                        .arg(layout.plots[2].height())));
            }
        }
    }
}

// The playground and the replay, driven like a user would (wheel and clicks
// on the heatmap, the Edit menu, the replay slider) over the fake engine. The
// accuracies shown are compared with the fake engine's closed form
// (FakeEngineClient::expectedEvaluation, computed independently of the
// window), the replayed views with the session's stored generations.
#include "test_playground.h"

#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include "fake_engine_client.h"
#include "test_support.h"
#include "widgets/common/result_summary.h"
#include "widgets/main_window.h"
#include "widgets/panels/run_panel.h"
#include "widgets/playground/examples_panel.h"
#include "widgets/playground/playground.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/replay_bar.h"

using namespace sieve;
using namespace sieve::widgets;
using test::FakeEngineClient;

namespace {

struct Played {
    FakeEngineClient engine{6};
    MainWindow window{&engine};
    explicit Played(int generations = 4) {
        window.setPromptOnClose(false);
        window.resize(1500, 950);
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
        engine.openDemoModel();
        RunSettings s;
        QString error;
        (void)window.runPanel()->settings(&s, &error);
        s.ga.population = 10;
        s.ga.generations = generations;
        s.ga.seed = 9;
        window.runPanel()->setSettings(s);
        window.runAction(RunPanel::Action::Genetic);
        waitIdle();
        window.tabs()->setCurrentIndex(MainWindow::HeatmapTab);
        QTest::qWait(80);
    }
    ~Played() {
        engine.stop();
        engine.waitForIdle();
        QCoreApplication::processEvents();
    }
    void waitIdle() {
        QElapsedTimer clock;
        clock.start();
        QTest::qWait(10);
        while (
            (engine.isBusy() || window.runPanel()->isBusy() || window.playground()->hasRequestInFlight()) &&
            clock.elapsed() < 60000)
            QTest::qWait(10);
        QTest::qWait(30);
    }
    SessionData session() const { return engine.session(); }
    RunSettings settingsOfTheSession() const {
        RunSettings s;
        s.grid = session().provenance.levelGrid;
        s.eps = session().provenance.eps;
        s.methods = {session().ga->result.method};
        return s;
    }
    void wheel(int matrix, int notches) {
        PruningHeatmap* heatmap = window.pruningHeatmap();
        const QPointF at = heatmap->cellCenter(matrix);
        QWheelEvent event(at, heatmap->plotWidget()->mapToGlobal(at.toPoint()), QPoint(),
                          QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(heatmap->plotWidget(), &event);
    }
    double shownLevel(int matrix) const {
        const MatrixInfo& m = engine.model().matrices[size_t(matrix)];
        return window.pruningHeatmap()->cellLevel(m.layer, m.type);
    }
};

}  // namespace

void TestPlayground::initTestCase() {
    registerMetaTypes();
}

// Two wheel notches on a cell: that matrix two grid levels up, the engine
// asked with the session's grid and method, and the accuracy shown is the
// engine's evaluation of exactly that chromosome.
void TestPlayground::wheelSetsALevelAndTheEngineEvaluatesIt() {
    Played p;
    const SessionData s = p.session();
    const std::vector<int> best = s.ga->result.best.genes;
    int matrix = 0;
    while (matrix < int(best.size()) && best[size_t(matrix)] + 2 >= int(s.provenance.levelGrid.size()))
        ++matrix;
    QVERIFY2(matrix < int(best.size()), "no matrix of the GA best is two levels below the top of the grid");
    p.wheel(matrix, 2);
    std::vector<int> expected = best;
    expected[size_t(matrix)] += 2;
    QCOMPARE(p.window.playground()->genes(), expected);
    QCOMPARE(p.shownLevel(matrix), s.provenance.levelGrid[size_t(expected[size_t(matrix)])]);
    QCOMPARE(p.window.pruningHeatmap()->edited(), std::vector<int>{matrix});
    p.waitIdle();
    QCOMPARE(p.engine.calls(QStringLiteral("evaluateLevels")), 1);
    QCOMPARE(p.engine.lastSettings().grid, s.provenance.levelGrid);
    QCOMPARE(searchMethodOf(p.engine.lastSettings()), s.ga->result.method);

    const ChromosomeEvaluation e = p.engine.expectedEvaluation(expected, p.settingsOfTheSession());
    QVERIFY(p.window.playground()->evaluation().has_value());
    QCOMPARE(p.window.playground()->evaluation()->searchAccuracy, e.searchAccuracy);
    const QString summary = p.window.examplesPanel()->summaryText();
    QVERIFY2(summary.contains(QStringLiteral("Search accuracy ") + accuracyText(e.searchAccuracy)),
             qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("held-out ") + accuracyText(e.heldOutAccuracy)),
             qPrintable(summary));
    const QString title = p.window.pruningHeatmap()->title();
    QVERIFY2(title.contains(QStringLiteral("1 matrices changed")) ||
                 title.contains(QStringLiteral("1 matrix changed")),
             qPrintable(title));
    QVERIFY2(title.contains(accuracyText(e.searchAccuracy)), qPrintable(title));
    // The tooltip of the changed cell says so.
    QVERIFY(p.window.pruningHeatmap()->toolTipFor(matrix).contains(QStringLiteral("changed by you")));
    test::saveGrab(&p.window, QStringLiteral("playground_after_wheel"));
}

void TestPlayground::clickOffersTheLevels() {
    Played p;
    const SessionData s = p.session();
    const int matrix = 5;
    PruningHeatmap* heatmap = p.window.pruningHeatmap();
    QTest::mouseClick(heatmap->plotWidget(), Qt::LeftButton, Qt::NoModifier,
                      heatmap->cellCenter(matrix).toPoint());
    QMenu* menu = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (menu = p.window.findChild<QMenu*>(QStringLiteral("levelMenu"))) && menu->isVisible(), 2000);
    QList<QAction*> levels;
    for (QAction* a : menu->actions())
        if (a->isCheckable()) levels << a;
    QCOMPARE(levels.size(), int(s.provenance.levelGrid.size()));
    QVERIFY(levels[size_t(s.ga->result.best.genes[size_t(matrix)])]->isChecked());
    QVERIFY(levels.front()->text().contains(QStringLiteral("dense")));
    levels.back()->trigger();
    menu->close();
    QCOMPARE(p.window.playground()->genes()[size_t(matrix)], int(s.provenance.levelGrid.size()) - 1);
    QCOMPARE(p.shownLevel(matrix), s.provenance.levelGrid.back());
    p.waitIdle();
    std::vector<int> genes = s.ga->result.best.genes;
    genes[size_t(matrix)] = int(s.provenance.levelGrid.size()) - 1;
    QCOMPARE(p.window.playground()->evaluation()->searchAccuracy,
             p.engine.expectedEvaluation(genes, p.settingsOfTheSession()).searchAccuracy);
}

// Undo restores the level and the engine's accuracy of the restored
// chromosome; redo brings the edit back; the resets go to the GA best and
// to the dense model, each one undoable.
void TestPlayground::undoRedoAndResets() {
    Played p;
    const SessionData s = p.session();
    const std::vector<int> best = s.ga->result.best.genes;
    const RunSettings settings = p.settingsOfTheSession();
    int matrix = 1;
    while (matrix < int(best.size()) && best[size_t(matrix)] == 0) ++matrix;
    QVERIFY2(matrix < int(best.size()), "the GA best prunes no matrix after the first");
    p.wheel(matrix, -1);
    p.waitIdle();
    std::vector<int> edited = best;
    edited[size_t(matrix)] -= 1;
    QCOMPARE(p.window.playground()->genes(), edited);

    QAction* undo = p.window.action(QStringLiteral("actionUndo"));
    QAction* redo = p.window.action(QStringLiteral("actionRedo"));
    QVERIFY(undo && redo && undo->isEnabled());
    undo->trigger();
    QCOMPARE(p.window.playground()->genes(), best);
    QCOMPARE(p.shownLevel(matrix), s.provenance.levelGrid[size_t(best[size_t(matrix)])]);
    QVERIFY(p.window.pruningHeatmap()->edited().empty());
    p.waitIdle();
    QCOMPARE(p.window.playground()->evaluation()->searchAccuracy,
             p.engine.expectedEvaluation(best, settings).searchAccuracy);
    QCOMPARE(p.window.playground()->evaluation()->genes, best);

    redo->trigger();
    QCOMPARE(p.window.playground()->genes(), edited);
    p.waitIdle();
    QCOMPARE(p.window.playground()->evaluation()->searchAccuracy,
             p.engine.expectedEvaluation(edited, settings).searchAccuracy);

    QPushButton* dense = p.window.examplesPanel()->button(ExamplesPanel::Button::ResetToDense);
    QVERIFY(dense->isEnabled());
    QTest::mouseClick(dense, Qt::LeftButton);
    QCOMPARE(p.window.playground()->genes(), std::vector<int>(best.size(), 0));
    p.waitIdle();
    // Every matrix dense: the dense model's accuracy.
    QCOMPARE(p.window.playground()->evaluation()->searchAccuracy,
             p.window.playground()->evaluation()->denseSearchAccuracy);
    p.window.action(QStringLiteral("actionResetToGaBest"))->trigger();
    QCOMPARE(p.window.playground()->genes(), best);
    QCOMPARE(p.window.playground()->undoStack()->count(), 3);  // the edit, dense, back to the GA best
    undo->trigger();
    QCOMPARE(p.window.playground()->genes(), std::vector<int>(best.size(), 0));
}

// The examples panel lists the flipped examples of the engine's evaluation,
// and only one skill's when a tag is chosen.
void TestPlayground::examplesAreFilteredByTag() {
    Played p;
    const SessionData s = p.session();
    std::vector<int> genes = s.ga->result.best.genes;
    for (int& g : genes)
        g = int(s.provenance.levelGrid.size()) - 1;  // everything at the top level: many flip
    for (size_t m = 0; m < genes.size(); ++m) p.window.playground()->setLevel(int(m), genes[m]);
    p.waitIdle();
    const ChromosomeEvaluation e = p.engine.expectedEvaluation(genes, p.settingsOfTheSession());
    auto count = [&](const std::string& tag, bool flippedOnly) {
        int n = 0;
        for (const ExampleComparison& o : e.examples)
            if ((tag.empty() || o.tag == tag) && (!flippedOnly || o.flipped())) ++n;
        return n;
    };
    ExamplesPanel* panel = p.window.examplesPanel();
    panel->setShow(ExamplesPanel::Show::Flipped);
    panel->setTag(QString());
    QVERIFY(count("", true) > 0);
    QCOMPARE(panel->table()->rowCount(), count("", true));
    panel->setTag(QStringLiteral("carry"));
    QCOMPARE(panel->table()->rowCount(), count("carry", true));
    for (int row = 0; row < panel->table()->rowCount(); ++row)
        QCOMPARE(panel->table()->item(row, ExamplesPanel::TagColumn)->text(), QStringLiteral("carry"));
    panel->setShow(ExamplesPanel::Show::All);
    QCOMPARE(panel->table()->rowCount(), count("carry", false));
    QCOMPARE(panel->tagBox()->count(), 3);  // all, carry, no-carry
    // A row shows prompt, expected, dense and pruned answers as the engine sent them.
    panel->setShow(ExamplesPanel::Show::Flipped);
    panel->setTag(QString());
    const QString prompt = panel->table()->item(0, ExamplesPanel::PromptColumn)->text();
    for (const ExampleComparison& o : e.examples)
        if (QString::fromStdString(o.prompt) == prompt && o.flipped()) {
            QCOMPARE(panel->table()->item(0, ExamplesPanel::ExpectedColumn)->text(),
                     QString::fromStdString(o.reference));
            QCOMPARE(panel->table()->item(0, ExamplesPanel::DenseColumn)->text(),
                     QString::fromStdString(o.denseAnswer));
            QCOMPARE(panel->table()->item(0, ExamplesPanel::PrunedColumn)->text(),
                     QString::fromStdString(o.prunedAnswer));
            break;
        }
    test::saveGrab(&p.window, QStringLiteral("playground_examples"));
}

void TestPlayground::noEditsWhileARunIsGoing() {
    Played p;
    // The examples panel's buttons follow the engine: usable once the search is over.
    QPushButton* show = p.window.examplesPanel()->button(ExamplesPanel::Button::Evaluate);
    QPushButton* dense = p.window.examplesPanel()->button(ExamplesPanel::Button::ResetToDense);
    QVERIFY(show->isEnabled() && dense->isEnabled());
    p.engine.evaluationSleepMicroseconds = 3000;
    const std::vector<int> before = p.window.playground()->genes();
    p.window.runAction(RunPanel::Action::Uniform);
    QVERIFY(p.engine.isBusy());
    QVERIFY(!show->isEnabled() && !dense->isEnabled());
    QVERIFY(!p.window.playground()->stepLevel(0, 1));
    QCOMPARE(p.window.playground()->genes(), before);
    p.engine.evaluationSleepMicroseconds = 0;
    p.waitIdle();
    QVERIFY(show->isEnabled() && dense->isEnabled());
    QVERIFY(p.window.playground()->stepLevel(0, 1) || p.window.playground()->stepLevel(0, -1));
}

// The slider redraws the convergence plot, its population and the heatmap
// from the session's stored generations; Play runs to the end.
void TestPlayground::replayRedrawsFromTheSession() {
    Played p(6);
    const SessionData s = p.session();
    const std::vector<Generation>& generations = s.ga->result.generations;
    QCOMPARE(int(generations.size()), 6);
    ReplayBar* bar = p.window.replayBar();
    QCOMPARE(bar->generationCount(), 6);
    QCOMPARE(bar->generation(), -1);
    for (int k : {0, 2, 4}) {
        bar->setGeneration(k);
        QCOMPARE(p.window.convergencePlot()->replayGeneration(), k);
        const QVector<QPointF> bestSeries =
            p.window.convergencePlot()->seriesData(GaConvergencePlot::Series::BestFitness);
        QCOMPARE(bestSeries.size(), k + 1);
        for (int g = 0; g <= k; ++g) QCOMPARE(bestSeries[g].y(), generations[size_t(g)].bestFitness);
        const QVector<QPointF> population =
            p.window.convergencePlot()->seriesData(GaConvergencePlot::Series::Population);
        QCOMPARE(population.size(), (k + 1) * 10);
        std::vector<double> expected, shown;
        for (const Individual& ind : generations[size_t(k)].population) expected.push_back(ind.fitness);
        for (const QPointF& pt : population)
            if (pt.x() == k) shown.push_back(pt.y());
        std::sort(expected.begin(), expected.end());
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, expected);
        // The heatmap: the best chromosome found by generation k.
        QCOMPARE(p.window.playground()->genes(), generations[size_t(k)].best.genes);
        const std::vector<double> levels =
            levelsOf(generations[size_t(k)].best.genes, s.provenance.levelGrid);
        for (size_t m = 0; m < levels.size(); ++m) QCOMPARE(p.shownLevel(int(m)), levels[m]);
        QVERIFY2(p.window.pruningHeatmap()->title().contains(QStringLiteral("best of generation %1").arg(k)),
                 qPrintable(p.window.pruningHeatmap()->title()));
    }
    test::saveGrab(&p.window, QStringLiteral("replay_generation_4"));
    bar->setGeneration(0);
    QTest::mouseClick(bar->playButton(), Qt::LeftButton);
    QVERIFY(bar->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!bar->isPlaying(), 6 * ReplayBar::kPlayIntervalMs + 3000);
    QCOMPARE(bar->generation(), -1);  // at the end: the result as it is
    QCOMPARE(p.window.convergencePlot()->replayGeneration(), -1);
    QCOMPARE(p.window.playground()->genes(), s.ga->result.best.genes);
    QCOMPARE(p.window.convergencePlot()->seriesData(GaConvergencePlot::Series::BestFitness).size(), 6);
}

// The views against struct sequences from the real searches on the synthetic
// task: what each plot holds is read back from QCustomPlot and compared with
// the structs (and with the task's closed form) computed here.
#include "test_plots.h"

#include <QTableWidget>
#include <QToolTip>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/types/statistics.h"
#include "synthetic_workload.h"
#include "test_support.h"
#include "text_fit.h"
#include "widgets/plots/accuracy_curve_plot.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/sensitivity_view.h"

using namespace sieve;
using namespace sieve::widgets;
using sieve::test::Workload;

namespace {

const Workload& workload() {
    static const Workload w = test::runWorkload(16, 24, 12, 7);
    return w;
}

// Parameters kept at level p, from the method's definition (not from core's helper).
int64_t keptParams(int64_t d, int64_t h, double p) {
    if (p == 0.0) return d * h;
    const int64_t r = static_cast<int64_t>(std::floor((1.0 - p) * double(d) * double(h) / double(d + h)));
    return std::max<int64_t>(r, 1) * (d + h);
}

}  // namespace

void TestPlots::initTestCase() {
    const Workload& w = workload();
    QCOMPARE(int(w.generations.size()), 12);
    QVERIFY(w.ga.best.feasible);
}

void TestPlots::convergenceHasOnePointPerGeneration() {
    const Workload& w = workload();
    GaConvergencePlot plot;
    plot.resize(800, 500);
    for (const Generation& g : w.generations) plot.appendGeneration(g);
    // Buffered until the redraw timer fires.
    QCOMPARE(plot.pendingCount(), int(w.generations.size()));
    QTRY_COMPARE_WITH_TIMEOUT(plot.pendingCount(), 0, 2000);
    const auto best = plot.seriesData(GaConvergencePlot::Series::BestFitness);
    const auto mean = plot.seriesData(GaConvergencePlot::Series::MeanFitness);
    const auto feasible = plot.seriesData(GaConvergencePlot::Series::FeasibleFraction);
    QCOMPARE(best.size(), int(w.generations.size()));
    QCOMPARE(mean.size(), int(w.generations.size()));
    QCOMPARE(feasible.size(), int(w.generations.size()));
    for (size_t i = 0; i < w.generations.size(); ++i) {
        const Generation& g = w.generations[i];
        // Independent reference: the population itself.
        double bestFit = -1e300, sum = 0;
        int nFeasible = 0;
        for (const Individual& ind : g.population) {
            bestFit = std::max(bestFit, ind.fitness);
            sum += ind.fitness;
            nFeasible += ind.feasible ? 1 : 0;
        }
        QCOMPARE(best[int(i)].x(), double(g.index));
        QVERIFY(std::abs(best[int(i)].y() - bestFit) < 1e-12);
        QVERIFY(std::abs(mean[int(i)].y() - sum / g.population.size()) < 1e-9);
        QVERIFY(std::abs(feasible[int(i)].y() - double(nFeasible) / g.population.size()) < 1e-12);
    }
    // Best fitness never decreases (elitism), as drawn.
    for (int i = 1; i < best.size(); ++i) QVERIFY(best[i].y() >= best[i - 1].y() - 1e-12);
    const QStringList csv = plot.toCsv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(csv.size(), int(w.generations.size()) + 1);
    QCOMPARE(csv.first(), QStringLiteral("generation,best_fitness,mean_fitness,feasible_fraction"));
}

void TestPlots::convergenceRedrawsAreThrottled() {
    const Workload& w = workload();
    GaConvergencePlot plot;
    plot.resize(600, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QTest::qWait(50);
    const int before = plot.replotCount();
    // 600 generations arriving in a burst, with the event loop running between them.
    for (int k = 0; k < 600; ++k) {
        Generation g = w.generations[k % w.generations.size()];
        g.index = k;
        plot.appendGeneration(g);
        if (k % 20 == 0) QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(plot.pendingCount(), 0, 2000);
    QTest::qWait(100);
    QCOMPARE(plot.generationCount(), 600);
    const int replots = plot.replotCount() - before;
    QVERIFY2(replots >= 1 && replots <= 12,
             qPrintable(QStringLiteral("%1 replots for 600 generations").arg(replots)));
}

// The feasibility line is named in the legend with the eps of the run, and
// no text sits in the data area (a label there covered the mean curve).
void TestPlots::convergenceExplainsTheThresholdInTheLegend() {
    GaConvergencePlot plot;
    plot.setEps(0.05);
    const QStringList at5 = test::legendNames(plot.customPlot());
    QVERIFY2(at5.contains(QStringLiteral("feasible above: accuracy ≥ 0.95·a₀")), qPrintable(at5.join(", ")));
    plot.setEps(0.01);
    const QStringList at1 = test::legendNames(plot.customPlot());
    QVERIFY2(at1.contains(QStringLiteral("feasible above: accuracy ≥ 0.99·a₀")), qPrintable(at1.join(", ")));
    QCOMPARE(test::textItems(plot.customPlot()), 0);
}

void TestPlots::heatmapCellsEqualChromosome_data() {
    QTest::addColumn<int>("layers");
    QTest::newRow("2 layers") << 2;
    QTest::newRow("7 layers") << 7;
    QTest::newRow("32 layers") << 32;
}

void TestPlots::heatmapCellsEqualChromosome() {
    QFETCH(int, layers);
    const ModelSummary model = test::llamaLikeSummary(layers);
    const LevelGrid grid = defaultLevelGrid();
    std::vector<int> genes(model.matrices.size());
    for (size_t i = 0; i < genes.size(); ++i) genes[i] = int((i * 7 + i / 3) % grid.size());
    PruningHeatmap heatmap;
    heatmap.setChromosome(model, grid, genes);
    for (size_t i = 0; i < genes.size(); ++i) {
        const MatrixInfo& m = model.matrices[i];
        QCOMPARE(heatmap.cellLevel(m.layer, m.type), grid[genes[i]]);
    }
    // Off the model: blank.
    QVERIFY(std::isnan(heatmap.cellLevel(layers, MatrixType::Q)));
}

void TestPlots::heatmapRejectsBadChromosome() {
    const ModelSummary model = test::llamaLikeSummary(2);
    PruningHeatmap heatmap;
    QVERIFY_THROWS_EXCEPTION(InputError,
                             heatmap.setChromosome(model, defaultLevelGrid(), std::vector<int>(3, 0)));
    std::vector<int> genes(model.matrices.size(), 0);
    genes[5] = 10;  // grid has 10 levels: 0..9
    QVERIFY_THROWS_EXCEPTION(InputError, heatmap.setChromosome(model, defaultLevelGrid(), genes));
}

void TestPlots::heatmapHoverShowsMatrixDetails() {
    const Workload& w = workload();
    PruningHeatmap heatmap;
    heatmap.resize(900, 420);
    heatmap.setChromosome(w.model, w.grid, w.ga.best.genes);
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    QTest::qWait(50);
    for (int matrix : {test::matrixIndex(3, MatrixType::Q), test::matrixIndex(5, MatrixType::Down),
                       test::matrixIndex(15, MatrixType::K)}) {
        const MatrixInfo& m = w.model.matrices[matrix];
        const double level = w.grid[w.ga.best.genes[matrix]];
        const QPointF center = heatmap.cellCenter(matrix);
        QCOMPARE(heatmap.matrixAt(center), matrix);
        test::hover(heatmap.plotWidget(), center);
        const QString tip = heatmap.lastToolTip();
        QVERIFY2(tip.contains(QString::fromStdString(m.name)), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("%1 × %2").arg(m.rows).arg(m.cols)), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("%1 %").arg(std::lround(level * 100))), qPrintable(tip));
        const int64_t kept = keptParams(m.rows, m.cols, level);
        const QString keptPercent =
            QStringLiteral("(%1 %)").arg(100.0 * double(kept) / double(m.rows * m.cols), 0, 'f', 0);
        QVERIFY2(tip.contains(keptPercent), qPrintable(tip + QStringLiteral(" / expected ") + keptPercent));
        QCOMPARE(QToolTip::text(), tip);
    }
    // Outside the cells: no tooltip.
    test::hover(heatmap.plotWidget(), QPointF(2, 2));
    QVERIFY(heatmap.lastToolTip().isEmpty());
}

void TestPlots::heatmapClickEmitsMatrix() {
    const Workload& w = workload();
    PruningHeatmap heatmap;
    heatmap.resize(900, 420);
    heatmap.setChromosome(w.model, w.grid, w.ga.best.genes);
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    QTest::qWait(50);
    QSignalSpy clicked(&heatmap, &PruningHeatmap::matrixClicked);
    const int target = test::matrixIndex(9, MatrixType::Up);
    QTest::mouseClick(heatmap.plotWidget(), Qt::LeftButton, Qt::NoModifier,
                      heatmap.cellCenter(target).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toInt(), target);
    QCOMPARE(heatmap.selectedMatrix(), target);
    // A right click selects nothing.
    QTest::mouseClick(heatmap.plotWidget(), Qt::RightButton, Qt::NoModifier, heatmap.cellCenter(0).toPoint());
    QCOMPARE(clicked.count(), 1);
}

void TestPlots::heatmapOutlinesBottlenecks() {
    const Workload& w = workload();
    PruningHeatmap heatmap;
    heatmap.setChromosome(w.model, w.grid, w.ga.best.genes);
    heatmap.setOutlined(w.bottlenecks);
    QCOMPARE(heatmap.outlined(), w.bottlenecks);
    const QStringList rows = heatmap.toCsv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(rows.size(), int(w.model.matrices.size()) + 1);
    int outlinedRows = 0;
    for (int i = 1; i < rows.size(); ++i)
        if (rows[i].endsWith(QLatin1String(",1"))) {
            ++outlinedRows;
            QVERIFY(std::find(w.bottlenecks.begin(), w.bottlenecks.end(), i - 1) != w.bottlenecks.end());
        }
    QCOMPARE(outlinedRows, int(w.bottlenecks.size()));
    // A new chromosome of the same model keeps the outlines.
    std::vector<int> dense(w.model.matrices.size(), 0);
    heatmap.setChromosome(w.model, w.grid, dense);
    QCOMPARE(heatmap.outlined(), w.bottlenecks);
}

void TestPlots::sensitivityRanksAndDrops() {
    const Workload& w = workload();
    SensitivityView view;
    view.setModel(w.model);
    view.setResult(w.sensitivity);
    // Reference: each matrix alone at the top level drops accuracy by weight * p^2.
    test::SyntheticTask task(w.model, w.grid, w.a0, w.bottlenecks);
    const double p = w.grid.back();
    for (size_t i = 0; i < w.model.matrices.size(); ++i) {
        const MatrixInfo& m = w.model.matrices[i];
        QVERIFY(std::abs(view.cellDrop(m.layer, m.type) - task.weight(int(i)) * p * p) < 1e-9);
    }
    // The four bottlenecks head the ranking, in the table too.
    std::vector<int> top(view.ranking().begin(), view.ranking().begin() + 4);
    std::vector<int> expected = w.bottlenecks;
    std::sort(top.begin(), top.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(top, expected);
    QCOMPARE(view.table()->rowCount(), int(w.model.matrices.size()));
    const int firstRowMatrix =
        view.table()->item(0, SensitivityView::MatrixColumn)->data(Qt::UserRole).toInt();
    QCOMPARE(firstRowMatrix, view.ranking().front());
    // Bottlenecks: drop above eps * a0.
    auto b = view.bottlenecks(w.eps * w.a0, 10);
    std::sort(b.begin(), b.end());
    QCOMPARE(b, expected);
}

void TestPlots::sensitivityLiveMeasurements() {
    const Workload& w = workload();
    SensitivityView view;
    view.setModel(w.model);
    view.setBaseline(w.a0);
    QSignalSpy clicked(&view, &SensitivityView::matrixClicked);
    const size_t half = w.sensitivityEvents.size() / 2;
    for (size_t k = 0; k < half; ++k)
        view.addMeasurement(w.sensitivityEvents[k].matrix, w.sensitivityEvents[k].accuracy);
    QCOMPARE(view.table()->rowCount(), int(half));
    const auto& last = w.sensitivityEvents[half - 1];
    const MatrixInfo& m = w.model.matrices[last.matrix];
    QVERIFY(std::abs(view.cellDrop(m.layer, m.type) - (w.a0 - last.accuracy)) < 1e-12);
    const auto& unmeasured = w.model.matrices[w.sensitivityEvents[half].matrix];
    QVERIFY(std::isnan(view.cellDrop(unmeasured.layer, unmeasured.type)));
    // Selecting a table row names the matrix.
    view.table()->selectRow(0);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toInt(), view.ranking().front());
}

void TestPlots::accuracyCurvesPerMethod() {
    const Workload& w = workload();
    AccuracyCurvePlot plot;
    plot.setBaseline(w.a0, w.eps);
    for (const UniformResult& u : w.uniform) plot.setUniformResult(u);
    plot.setGaBest(QStringLiteral("sieve"), w.ga.best);
    QCOMPARE(plot.methods().size(), int(w.uniform.size()));
    for (const UniformResult& u : w.uniform) {
        const auto data = plot.curveData(QString::fromStdString(u.method));
        QCOMPARE(data.size(), int(u.points.size()));
        std::vector<UniformPoint> sorted = u.points;
        std::sort(sorted.begin(), sorted.end(), [](const UniformPoint& a, const UniformPoint& b) {
            return a.paramsRemovedFraction < b.paramsRemovedFraction;
        });
        for (int i = 0; i < data.size(); ++i) {
            QVERIFY(std::abs(data[i].x() - 100.0 * sorted[i].paramsRemovedFraction) < 1e-9);
            QVERIFY(std::abs(data[i].y() - sorted[i].accuracy) < 1e-12);
        }
    }
    const auto ga = plot.gaBestData();
    QCOMPARE(ga.size(), 1);
    QVERIFY(std::abs(ga[0].x() - 100.0 * w.ga.best.removedFraction) < 1e-9);
    QVERIFY(std::abs(ga[0].y() - w.ga.best.accuracy) < 1e-12);
    QVERIFY(std::abs(plot.threshold() - (1 - w.eps) * w.a0) < 1e-12);
    // The GA beats every uniform sweep at the same accuracy budget (what the figure is for).
    for (const UniformResult& u : w.uniform) QVERIFY(w.ga.best.removedFraction >= u.bestRemovedFraction);
    const QString legend = plot.legendLabels().join(QLatin1Char('|'));
    const QStringList labels = plot.legendLabels();
    QVERIFY2(labels.contains(QStringLiteral("LLM-Sieve")), qPrintable(legend));
    QVERIFY2(labels.contains(QStringLiteral("Weight SVD")), qPrintable(legend));
    QVERIFY2(labels.contains(QStringLiteral("LLM-Sieve + GA")), qPrintable(legend));
    QVERIFY2(legend.contains(QStringLiteral("ε = 5 %")), qPrintable(legend));
    // Live points arriving out of order are drawn sorted.
    AccuracyCurvePlot live;
    const UniformResult& u = w.uniform.front();
    for (auto it = u.points.rbegin(); it != u.points.rend(); ++it)
        live.addUniformPoint(QStringLiteral("sieve"), *it);
    const auto liveData = live.curveData(QStringLiteral("sieve"));
    QCOMPARE(liveData.size(), int(u.points.size()));
    for (int i = 1; i < liveData.size(); ++i) QVERIFY(liveData[i].x() >= liveData[i - 1].x());
}

// With the number of examples behind the accuracies, every point carries its
// Wilson 95 % interval as an error bar (and the CSV the interval's ends).
void TestPlots::accuracyCurvesCarryWilsonIntervals() {
    const Workload& w = workload();
    AccuracyCurvePlot plot;
    plot.resize(700, 620);
    plot.setBaseline(w.a0, w.eps);
    for (const UniformResult& u : w.uniform) plot.setUniformResult(u);
    plot.setGaBest(QStringLiteral("sieve"), w.ga.best);
    for (const UniformResult& u : w.uniform)
        QVERIFY(plot.intervalData(QString::fromStdString(u.method)).isEmpty());
    plot.setExamples(200, true);
    QCOMPARE(plot.examples(), int64_t(200));
    for (const UniformResult& u : w.uniform) {
        const QString method = QString::fromStdString(u.method);
        const auto points = plot.curveData(method);
        const auto bars = plot.intervalData(method);
        QCOMPARE(bars.size(), points.size());
        for (int i = 0; i < bars.size(); ++i) {
            const Interval ci = wilsonIntervalOf(points[i].y(), 200);
            QVERIFY(std::abs(bars[i].x() - ci.low) < 1e-12 && std::abs(bars[i].y() - ci.high) < 1e-12);
            QVERIFY(bars[i].x() <= points[i].y() && points[i].y() <= bars[i].y());
        }
    }
    const QStringList csv = plot.toCsv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(csv.first(),
             QStringLiteral("series,method,level,params_removed_percent,accuracy,ci95_low,ci95_high"));
    const QStringList ga = csv.filter(QStringLiteral("ga_best,")).first().split(QLatin1Char(','));
    QCOMPARE(ga.size(), 7);
    QVERIFY(std::abs(ga[5].toDouble() - wilsonIntervalOf(w.ga.best.accuracy, 200).low) < 1e-9);
    test::saveGrab(&plot, QStringLiteral("accuracy_error_bars"));
    // Not a proportion of examples (token F1, perplexity): no bars, no columns.
    plot.setExamples(200, false);
    QVERIFY(plot.intervalData(QString::fromStdString(w.uniform.front().method)).isEmpty());
    QVERIFY(!plot.toCsv().startsWith(QStringLiteral("series,method,level,params_removed_percent,accuracy,")));
}

// A sweep with 8-bit factors is drawn as its own series beside the float
// curve ("LLM-Sieve, 8-bit factors"), live and when finished, is written to
// the CSV, and goes when a sweep without 8-bit factors replaces the result.
void TestPlots::int8CurveIsItsOwnSeries() {
    const Workload& w = workload();
    AccuracyCurvePlot plot;
    plot.setBaseline(w.a0, w.eps);
    UniformResult u = w.uniform.front();
    QCOMPARE(u.method, std::string("sieve"));
    Int8Curve c;
    for (const UniformPoint& p : u.points)
        c.points.push_back({p.level, p.accuracy - 0.01, p.paramsRemovedFraction});
    c.bestLevel = u.bestLevel;
    u.int8 = c;
    plot.setUniformResult(u);
    for (size_t i = 1; i < w.uniform.size(); ++i) plot.setUniformResult(w.uniform[i]);
    QCOMPARE(plot.methods().size(), int(w.uniform.size()));  // still one entry per method
    const QStringList labels = plot.legendLabels();
    QVERIFY2(labels.contains(QStringLiteral("LLM-Sieve, 8-bit factors")), qPrintable(labels.join('|')));
    QCOMPARE(labels.filter(QStringLiteral("8-bit")).size(), 1);  // no 8-bit curve for the other methods
    const auto floatData = plot.curveData(QStringLiteral("sieve"));
    const auto int8Data = plot.curveData(QStringLiteral("sieve"), true);
    QCOMPARE(int8Data.size(), floatData.size());
    for (int i = 0; i < int8Data.size(); ++i) {
        QVERIFY(std::abs(int8Data[i].x() - floatData[i].x()) < 1e-9);
        QVERIFY(std::abs(int8Data[i].y() - (floatData[i].y() - 0.01)) < 1e-12);
    }
    QVERIFY(plot.curveData(QString::fromStdString(w.uniform.back().method), true).isEmpty());
    const QStringList csv = plot.toCsv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(csv.filter(QStringLiteral("uniform_int8,sieve,")).size(), int(c.points.size()));
    test::saveGrab(&plot, QStringLiteral("accuracy_int8"));

    // Live points of the 8-bit sweep land on the 8-bit series only.
    AccuracyCurvePlot live;
    for (const UniformPoint& p : u.points) live.addUniformPoint(QStringLiteral("sieve"), p);
    live.addUniformPoint(QStringLiteral("sieve"), c.points[1], true);
    QCOMPARE(live.curveData(QStringLiteral("sieve")).size(), int(u.points.size()));
    QCOMPARE(live.curveData(QStringLiteral("sieve"), true).size(), 1);

    // A new sweep of the method without 8-bit factors: its 8-bit curve goes.
    plot.setUniformResult(w.uniform.front());
    QVERIFY(plot.curveData(QStringLiteral("sieve"), true).isEmpty());
    QVERIFY(plot.legendLabels().filter(QStringLiteral("8-bit")).isEmpty());
    QVERIFY(plot.toCsv().indexOf(QStringLiteral("uniform_int8")) < 0);
}

void TestPlots::compareShowsDifference() {
    const Workload& a = workload();
    const Workload b = test::runWorkload(16, 24, 12, 7, test::defaultBottlenecks(16, 1));
    auto levels = [](const Workload& w) {
        std::vector<double> out;
        for (int g : w.ga.best.genes) out.push_back(w.grid[g]);
        return out;
    };
    const auto la = levels(a), lb = levels(b);
    CompareView view;
    view.setComparison(a.model, QStringLiteral("skill A"), la, QStringLiteral("skill B"), lb);
    QVERIFY(view.hasComparison());
    for (size_t i = 0; i < a.model.matrices.size(); ++i) {
        const MatrixInfo& m = a.model.matrices[i];
        QCOMPARE(view.cellValue(CompareView::Panel::A, m.layer, m.type), la[i]);
        QCOMPARE(view.cellValue(CompareView::Panel::B, m.layer, m.type), lb[i]);
        QVERIFY(std::abs(view.cellValue(CompareView::Panel::Difference, m.layer, m.type) - (la[i] - lb[i])) <
                1e-12);
    }
    // Each task keeps its own bottlenecks nearly dense: on B's own bottlenecks, A prunes more on the whole.
    double gap = 0;
    for (int i : b.bottlenecks)
        if (std::find(a.bottlenecks.begin(), a.bottlenecks.end(), i) == a.bottlenecks.end())
            gap += la[i] - lb[i];
    QVERIFY2(gap > 0, qPrintable(QString::number(gap)));
    const QStringList rows = view.toCsv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(rows.size(), int(a.model.matrices.size()) + 1);
}

void TestPlots::renderEveryView() {
    const Workload& a = workload();
    const Workload b = test::runWorkload(16, 24, 12, 7, test::defaultBottlenecks(16, 1));
    std::vector<double> la, lb;
    for (int g : a.ga.best.genes) la.push_back(a.grid[g]);
    for (int g : b.ga.best.genes) lb.push_back(b.grid[g]);

    GaConvergencePlot convergence;
    convergence.setEps(a.eps);
    convergence.setGenerations(a.generations);
    PruningHeatmap heatmap;
    heatmap.setChromosome(a.model, a.grid, a.ga.best.genes);
    heatmap.setOutlined(a.bottlenecks);
    heatmap.setTitle(QStringLiteral("GA best: %1 % removed, accuracy %2")
                         .arg(a.ga.best.removedFraction * 100, 0, 'f', 1)
                         .arg(a.ga.best.accuracy, 0, 'f', 3));
    SensitivityView sensitivity;
    sensitivity.setModel(a.model);
    sensitivity.setResult(a.sensitivity);
    AccuracyCurvePlot accuracy;
    accuracy.setBaseline(a.a0, a.eps);
    for (const UniformResult& u : a.uniform) accuracy.setUniformResult(u);
    accuracy.setGaBest(QStringLiteral("sieve"), a.ga.best);
    CompareView compare;
    compare.setComparison(a.model, QStringLiteral("skill A"), la, QStringLiteral("skill B"), lb);

    const std::pair<QWidget*, QString> views[] = {{&convergence, QStringLiteral("ga_convergence")},
                                                  {&heatmap, QStringLiteral("pruning_heatmap")},
                                                  {&sensitivity, QStringLiteral("bottlenecks")},
                                                  {&accuracy, QStringLiteral("accuracy_vs_pruning")},
                                                  {&compare, QStringLiteral("task_comparison")}};
    for (const auto& [widget, name] : views) {
        widget->resize(name == QLatin1String("task_comparison") ? QSize(1000, 760) : QSize(1000, 520));
        widget->show();
        QVERIFY(QTest::qWaitForWindowExposed(widget));
        QTest::qWait(120);  // queued replots and the convergence timer
        test::saveGrab(widget, name);
        if (QTest::currentTestFailed()) return;
        widget->hide();
    }
}

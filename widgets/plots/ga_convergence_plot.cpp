#include "widgets/plots/ga_convergence_plot.h"

#include <qcustomplot.h>

#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

GaConvergencePlot::GaConvergencePlot(QWidget* parent) : PlotView(parent), redrawTimer_(new QTimer(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(customPlot());

    QCustomPlot* plot = customPlot();
    QCPAxisRect* rect = plot->axisRect();
    style::styleAxisRect(rect);
    plot->xAxis->setLabel(tr("generation"));
    plot->yAxis->setLabel(tr("fitness (fraction of prunable parameters removed)"));
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("feasible fraction"));
    plot->yAxis2->setRange(0, 1.05);
    plot->yAxis2->grid()->setVisible(false);
    auto intTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    intTicker->setTickStep(1.0);
    intTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(intTicker);

    best_ = plot->addGraph(plot->xAxis, plot->yAxis);
    best_->setName(tr("best"));
    best_->setPen(QPen(QColor("#0072B2"), 2.0));
    best_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    mean_ = plot->addGraph(plot->xAxis, plot->yAxis);
    mean_->setName(tr("mean"));
    mean_->setPen(QPen(QColor("#E69F00"), 1.5, Qt::DashLine));
    feasible_ = plot->addGraph(plot->xAxis, plot->yAxis2);
    feasible_->setName(tr("feasible fraction (right axis)"));
    feasible_->setPen(QPen(QColor("#009E73"), 1.5, Qt::DotLine));
    feasible_->setLineStyle(QCPGraph::lsStepCenter);
    population_ = plot->addGraph(plot->xAxis, plot->yAxis);
    population_->setName(tr("one chromosome"));
    population_->setLineStyle(QCPGraph::lsNone);
    population_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(110, 110, 110, 90), QColor(110, 110, 110, 90), 3.5));
    population_->setLayer(QStringLiteral("background"));  // under the curves

    // The feasibility boundary (fitness 0), explained in the legend: a label
    // inside the data area covered the mean curve wherever it was put.
    const QPen thresholdPen(QColor(120, 120, 120), 1.0, Qt::DashDotLine);
    threshold_ = new QCPItemStraightLine(plot);
    threshold_->point1->setCoords(0, 0);
    threshold_->point2->setCoords(1, 0);
    threshold_->setPen(thresholdPen);
    thresholdKey_ = plot->addGraph(plot->xAxis, plot->yAxis);  // no data: its legend entry only
    thresholdKey_->setPen(thresholdPen);
    setEps(eps_);

    replayLine_ = new QCPItemStraightLine(plot);
    replayLine_->setPen(QPen(QColor("#CC79A7"), 1.6));
    replayLine_->setVisible(false);

    // The legend sits in a row below the plot: the curves cover the whole
    // data area at one time or another.
    plot->legend->setVisible(true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->legend->setWrap(3);
    rect->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    // The title row on top names the method.
    plot->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot, QString(), QFont(font().family(), font().pointSize(), QFont::Bold));
    plot->plotLayout()->addElement(0, 0, title_);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    setTitle(tr("Genetic search: no run yet"));
    updateRanges();

    redrawTimer_->setInterval(kRedrawIntervalMs);
    redrawTimer_->setSingleShot(true);
    connect(redrawTimer_, &QTimer::timeout, this, &GaConvergencePlot::flushPending);
}

void GaConvergencePlot::setEps(double eps) {
    eps_ = eps;
    // Short enough for a one-column figure's legend: (1 - eps) as a number.
    thresholdKey_->setName(tr("feasible above: accuracy ≥ %1·a₀").arg(QLocale().toString(1.0 - eps, 'g', 4)));
    requestReplot();
}

void GaConvergencePlot::setTitle(const QString& title) {
    style::setWrappingText(title_, title);
    title_->setVisible(!title.isEmpty());
    requestReplot();
}

QString GaConvergencePlot::title() const {
    return style::fullText(title_);
}

GaConvergencePlot::Row GaConvergencePlot::rowOf(const Generation& g) {
    Row row{g.index, g.bestFitness, g.meanFitness, g.feasibleFraction, {}};
    for (const Individual& ind : g.population) row.population.push_back(ind.fitness);
    return row;
}

void GaConvergencePlot::appendGeneration(const Generation& g) {
    pending_.push_back(rowOf(g));
    if (!redrawTimer_->isActive()) redrawTimer_->start();
}

void GaConvergencePlot::setReplayGeneration(int index) {
    flushPending();
    replayGeneration_ = index;
    replayLine_->setVisible(index >= 0);
    replayLine_->point1->setCoords(index, 0);
    replayLine_->point2->setCoords(index, 1);
    redrawHistory();
    customPlot()->replot();
}

// The graphs from history_ again, up to the replayed generation.
void GaConvergencePlot::redrawHistory() {
    for (QCPGraph* g : {best_, mean_, feasible_, population_}) g->data()->clear();
    for (const Row& r : history_) {
        if (replayGeneration_ >= 0 && r.generation > replayGeneration_) continue;
        best_->addData(r.generation, r.best);
        mean_->addData(r.generation, r.mean);
        feasible_->addData(r.generation, r.feasible);
        for (double f : r.population) population_->addData(r.generation, f);
    }
}

void GaConvergencePlot::flushPending() {
    redrawTimer_->stop();
    if (pending_.empty()) return;
    std::vector<Row> rows;
    rows.swap(pending_);
    drawRows(rows);
    updateRanges();
    customPlot()->replot();
}

void GaConvergencePlot::drawRows(const std::vector<Row>& rows) {
    for (const Row& r : rows) {
        history_.push_back(r);
        if (replayGeneration_ >= 0 && r.generation > replayGeneration_) continue;
        best_->addData(r.generation, r.best);
        mean_->addData(r.generation, r.mean);
        feasible_->addData(r.generation, r.feasible);
        for (double f : r.population) population_->addData(r.generation, f);
    }
}

void GaConvergencePlot::setGenerations(const std::vector<Generation>& generations) {
    clear();
    for (const Generation& g : generations) pending_.push_back(rowOf(g));
    flushPending();
}

void GaConvergencePlot::clear() {
    redrawTimer_->stop();
    pending_.clear();
    history_.clear();
    replayGeneration_ = -1;
    replayLine_->setVisible(false);
    for (QCPGraph* g : {best_, mean_, feasible_, population_}) g->data()->clear();
    updateRanges();
    customPlot()->replot();
}

void GaConvergencePlot::updateRanges() {
    QCustomPlot* plot = customPlot();
    double lo = 0, hi = 0.5;  // the threshold (0) is always in view
    int lastGen = 1;
    for (const Row& r : history_) {
        lo = std::min({lo, r.best, r.mean});
        hi = std::max({hi, r.best, r.mean});
        for (double f : r.population) lo = std::min(lo, f);
        lastGen = std::max(lastGen, r.generation);
    }
    const double pad = 0.06 * (hi - lo);
    plot->yAxis->setRange(lo - pad, hi + pad);
    plot->xAxis->setRange(-0.5, lastGen + 0.5);
}

QCPGraph* GaConvergencePlot::graph(Series series) const {
    switch (series) {
        case Series::BestFitness:
            return best_;
        case Series::MeanFitness:
            return mean_;
        case Series::FeasibleFraction:
            return feasible_;
        case Series::Population:
            return population_;
    }
    return best_;
}

QVector<QPointF> GaConvergencePlot::seriesData(Series series) const {
    QVector<QPointF> out;
    const auto data = graph(series)->data();
    for (auto it = data->constBegin(); it != data->constEnd(); ++it) out.push_back({it->key, it->value});
    return out;
}

QString GaConvergencePlot::toCsv() const {
    QString csv = QStringLiteral("generation,best_fitness,mean_fitness,feasible_fraction\n");
    for (const Row& r : history_)
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(r.generation)
                   .arg(r.best, 0, 'g', 10)
                   .arg(r.mean, 0, 'g', 10)
                   .arg(r.feasible, 0, 'g', 10);
    return csv;
}

}  // namespace sieve::widgets

#include "widgets/plots/ga_convergence_plot.h"

#include <qcustomplot.h>

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

    threshold_ = new QCPItemStraightLine(plot);
    threshold_->point1->setCoords(0, 0);
    threshold_->point2->setCoords(1, 0);
    threshold_->setPen(QPen(QColor(120, 120, 120), 1.0, Qt::DashDotLine));
    thresholdLabel_ = new QCPItemText(plot);
    thresholdLabel_->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    thresholdLabel_->position->setTypeY(QCPItemPosition::ptPlotCoords);
    thresholdLabel_->position->setCoords(0.02, 0);
    thresholdLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    thresholdLabel_->setColor(QColor(90, 90, 90));
    setEps(eps_);

    // The legend sits in a row below the plot: three curves and the threshold label
    // cover the whole data area at one time or another.
    plot->legend->setVisible(true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    rect->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    updateRanges();

    redrawTimer_->setInterval(kRedrawIntervalMs);
    redrawTimer_->setSingleShot(true);
    connect(redrawTimer_, &QTimer::timeout, this, &GaConvergencePlot::flushPending);
}

void GaConvergencePlot::setEps(double eps) {
    eps_ = eps;
    thresholdLabel_->setText(
        tr("feasible above: accuracy ≥ (1 − ε)·a₀, ε = %1").arg(style::percent(eps, eps * 100 < 1 ? 1 : 0)));
    requestReplot();
}

void GaConvergencePlot::appendGeneration(const Generation& g) {
    pending_.push_back({g.index, g.bestFitness, g.meanFitness, g.feasibleFraction});
    if (!redrawTimer_->isActive()) redrawTimer_->start();
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
        best_->addData(r.generation, r.best);
        mean_->addData(r.generation, r.mean);
        feasible_->addData(r.generation, r.feasible);
        history_.push_back(r);
    }
}

void GaConvergencePlot::setGenerations(const std::vector<Generation>& generations) {
    clear();
    for (const Generation& g : generations)
        pending_.push_back({g.index, g.bestFitness, g.meanFitness, g.feasibleFraction});
    flushPending();
}

void GaConvergencePlot::clear() {
    redrawTimer_->stop();
    pending_.clear();
    history_.clear();
    for (QCPGraph* g : {best_, mean_, feasible_}) g->data()->clear();
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

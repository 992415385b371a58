#include "widgets/plots/accuracy_curve_plot.h"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/types/statistics.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

AccuracyCurvePlot::AccuracyCurvePlot(QWidget* parent) : PlotView(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(customPlot());
    QCustomPlot* plot = customPlot();
    style::styleAxisRect(plot->axisRect());
    plot->xAxis->setLabel(tr("prunable parameters removed (%)"));
    plot->yAxis->setLabel(tr("task accuracy"));
    plot->xAxis->setRange(0, 100);

    // The band of acceptable accuracy: a channel fill between the threshold and a0.
    a0Line_ = plot->addGraph();
    a0Line_->setPen(QPen(QColor(90, 90, 90), 1.0, Qt::DotLine));
    a0Line_->setName(tr("dense accuracy a₀"));
    thresholdLine_ = plot->addGraph();
    thresholdLine_->setPen(QPen(QColor(90, 90, 90), 1.0, Qt::DashLine));
    thresholdLine_->setBrush(QColor(120, 120, 120, 40));
    thresholdLine_->setChannelFillGraph(a0Line_);

    // The legend sits in rows of three below the plot: the curves of five
    // methods fall through every corner of the data area at one level or another.
    plot->legend->setVisible(true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setWrap(3);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    updateBand();
    updateRanges();
}

void AccuracyCurvePlot::setBaseline(double a0, double eps) {
    a0_ = a0;
    eps_ = eps;
    haveBaseline_ = true;
    updateBand();
    updateRanges();
    requestReplot();
}

void AccuracyCurvePlot::updateBand() {
    a0Line_->data()->clear();
    thresholdLine_->data()->clear();
    a0Line_->setVisible(haveBaseline_);
    thresholdLine_->setVisible(haveBaseline_);
    if (!haveBaseline_) {
        a0Line_->removeFromLegend();
        thresholdLine_->removeFromLegend();
        return;
    }
    a0Line_->addData({0.0, 100.0}, {a0_, a0_});
    thresholdLine_->addData({0.0, 100.0}, {threshold(), threshold()});
    thresholdLine_->setName(tr("(1 − ε)·a₀, ε = %1").arg(style::percent(eps_, eps_ * 100 < 1 ? 1 : 0)));
    a0Line_->removeFromLegend();  // the band's entry says it all; a short legend fits a column
    thresholdLine_->addToLegend();
}

QCPGraph* AccuracyCurvePlot::curveFor(const CurveKey& key) {
    auto it = curves_.find(key);
    if (it != curves_.end()) return it->second;
    QCPGraph* g = customPlot()->addGraph();
    const QColor color = style::methodColor(key.method);
    if (key.int8) {
        // The same method with 8-bit factors: its colour and marker, dashed
        // and hollow, so the pair reads together and apart.
        g->setName(tr("%1, 8-bit factors").arg(style::methodLabel(key.method)));
        g->setPen(QPen(color, 1.4, Qt::DashLine));
        g->setScatterStyle(
            QCPScatterStyle(style::methodMarker(key.method), QPen(color, 1.2), Qt::NoBrush, 6));
    } else {
        g->setName(style::methodLabel(key.method));  // curves are uniform sweeps; the GA is a point
        g->setPen(QPen(color, 1.8));
        g->setScatterStyle(QCPScatterStyle(style::methodMarker(key.method), color, Qt::white, 5));
    }
    curves_[key] = g;
    return g;
}

QCPGraph* AccuracyCurvePlot::gaGraphFor(const QString& method) {
    auto it = gaBest_.find(method);
    if (it != gaBest_.end()) return it->second;
    QCPGraph* g = customPlot()->addGraph();
    g->setName(tr("%1 + GA").arg(style::methodLabel(method)));
    g->setLineStyle(QCPGraph::lsNone);
    // A star in the method's own colour: each method's GA point is told apart.
    const QColor color = style::methodColor(method);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(color, 2.0), Qt::NoBrush, 12));
    g->setPen(QPen(color, 2.0));
    gaBest_[method] = g;
    return g;
}

QCPGraph* AccuracyCurvePlot::heldOutGraphFor(const QString& method) {
    auto it = heldOut_.find(method);
    if (it != heldOut_.end()) return it->second;
    const QColor color = style::methodColor(method);
    QCPGraph* link = customPlot()->addGraph();
    link->setPen(QPen(color, 1.2, Qt::DotLine));
    link->removeFromLegend();
    heldOutLink_[method] = link;
    QCPGraph* g = customPlot()->addGraph();
    g->setName(tr("%1 + GA, held-out").arg(style::methodLabel(method)));
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color, 2.0), Qt::white, 10));
    heldOut_[method] = g;
    return g;
}

void AccuracyCurvePlot::setHeldOut(const QString& method, double removedFraction, double accuracy) {
    heldOutPoints_[method] = QPointF(removedFraction * 100.0, accuracy);
    QCPGraph* g = heldOutGraphFor(method);
    g->data()->clear();
    g->addData(removedFraction * 100.0, accuracy);
    updateHeldOutLink(method);
    updateRanges();
    requestReplot();
}

// The dotted line from the GA star (search accuracy) to its held-out circle.
void AccuracyCurvePlot::updateHeldOutLink(const QString& method) {
    const auto link = heldOutLink_.find(method);
    if (link == heldOutLink_.end()) return;
    link->second->data()->clear();
    const auto held = heldOutPoints_.find(method);
    const auto ga = gaIndividuals_.find(method);
    if (held == heldOutPoints_.end() || ga == gaIndividuals_.end()) return;
    // Only when both belong to the same chromosome (same share removed).
    if (std::abs(ga->second.removedFraction * 100.0 - held->second.x()) > 1e-6) return;
    link->second->addData({held->second.x(), held->second.x()}, {ga->second.accuracy, held->second.y()});
}

QVector<QPointF> AccuracyCurvePlot::heldOutData() const {
    QVector<QPointF> out;
    for (const auto& [m, p] : heldOutPoints_) out.push_back(p);
    return out;
}

QColor AccuracyCurvePlot::gaColor(const QString& method) const {
    const auto it = gaBest_.find(method);
    return it == gaBest_.end() ? QColor() : it->second->scatterStyle().pen().color();
}

void AccuracyCurvePlot::addUniformPoint(const QString& method, const UniformPoint& point, bool int8Factors) {
    const CurveKey key{method, int8Factors};
    auto& pts = points_[key];
    auto same = std::find_if(pts.begin(), pts.end(),
                             [&](const UniformPoint& p) { return std::abs(p.level - point.level) < 1e-12; });
    if (same != pts.end())
        *same = point;
    else
        pts.push_back(point);
    std::sort(pts.begin(), pts.end(), [](const UniformPoint& a, const UniformPoint& b) {
        return a.paramsRemovedFraction < b.paramsRemovedFraction;
    });
    redrawCurve(key);
}

void AccuracyCurvePlot::redrawCurve(const CurveKey& key) {
    QCPGraph* g = curveFor(key);
    g->data()->clear();
    for (const UniformPoint& p : points_[key]) g->addData(p.paramsRemovedFraction * 100.0, p.accuracy);
    updateErrorBars();
    updateRanges();
    requestReplot();
}

void AccuracyCurvePlot::setUniformResult(const UniformResult& result) {
    const QString method = QString::fromStdString(result.method);
    points_[{method, false}].clear();
    for (const UniformPoint& p : result.points) addUniformPoint(method, p);
    if (result.points.empty()) curveFor({method, false})->data()->clear();
    const CurveKey int8{method, true};
    if (result.int8) {
        points_[int8].clear();
        for (const UniformPoint& p : result.int8->points) addUniformPoint(method, p, true);
    } else if (curves_.count(int8)) {  // a new sweep without 8-bit factors replaces the old curve
        if (bars_.count(curves_[int8])) {
            customPlot()->removePlottable(bars_[curves_[int8]]);
            bars_.erase(curves_[int8]);
        }
        customPlot()->removeGraph(curves_[int8]);
        curves_.erase(int8);
        points_.erase(int8);
        updateRanges();
        requestReplot();
    }
}

void AccuracyCurvePlot::setLoraRuns(const std::vector<LoraRun>& runs) {
    for (auto& [key, g] : lora_) customPlot()->removeGraph(g);
    lora_.clear();
    loraPoints_.clear();
    // One series per method and factor precision: "sieve" and "sieve|int8".
    for (const LoraRun& r : runs)
        loraPoints_[loraKey(QString::fromStdString(r.method), r.int8Factors)].push_back(
            {r.removedFraction * 100.0, r.searchAfter});
    for (auto& [key, points] : loraPoints_) {
        std::sort(points.begin(), points.end(),
                  [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
        const bool int8 = key.endsWith(QStringLiteral("|int8"));
        const QString method = int8 ? key.chopped(5) : key;
        QCPGraph* g = customPlot()->addGraph();
        g->setName(int8 ? tr("%1, 8-bit factors + LoRA").arg(style::methodLabel(method))
                        : tr("%1 + LoRA").arg(style::methodLabel(method)));
        const QColor color = style::methodColor(method);
        g->setPen(QPen(color, 1.6, int8 ? Qt::DotLine : Qt::DashDotLine));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(color, 1.6), Qt::white, 9));
        for (const QPointF& p : points) g->addData(p.x(), p.y());
        lora_[key] = g;
    }
    updateRanges();
    requestReplot();
}

QString AccuracyCurvePlot::loraKey(const QString& method, bool int8Factors) {
    return int8Factors ? method + QStringLiteral("|int8") : method;
}

QVector<QPointF> AccuracyCurvePlot::loraData(const QString& method, bool int8Factors) const {
    const auto it = loraPoints_.find(loraKey(method, int8Factors));
    return it == loraPoints_.end() ? QVector<QPointF>()
                                   : QVector<QPointF>(it->second.begin(), it->second.end());
}

void AccuracyCurvePlot::setGaBest(const QString& method, const Individual& best) {
    gaIndividuals_[method] = best;
    QCPGraph* g = gaGraphFor(method);
    g->data()->clear();
    g->addData(best.removedFraction * 100.0, best.accuracy);
    updateHeldOutLink(method);
    updateErrorBars();
    updateRanges();
    requestReplot();
}

void AccuracyCurvePlot::setExamples(int64_t examples, bool proportionMetric) {
    examples_ = std::max<int64_t>(0, examples);
    proportionMetric_ = proportionMetric;
    updateErrorBars();
    updateRanges();
    requestReplot();
}

QCPErrorBars* AccuracyCurvePlot::barsFor(QCPGraph* graph) {
    auto it = bars_.find(graph);
    if (it != bars_.end()) return it->second;
    auto* bars = new QCPErrorBars(customPlot()->xAxis, customPlot()->yAxis);
    bars->removeFromLegend();
    bars->setDataPlottable(graph);
    bars->setErrorType(QCPErrorBars::etValueError);
    QColor color = graph->pen().color();
    color.setAlpha(150);
    bars->setPen(QPen(color, 1.0));
    bars->setWhiskerWidth(5);
    bars_[graph] = bars;
    return bars;
}

// Wilson 95 % intervals of every drawn accuracy, on examples_ examples.
void AccuracyCurvePlot::updateErrorBars() {
    const bool draw = proportionMetric_ && examples_ > 0;
    std::vector<QCPGraph*> graphs;
    for (const auto& [m, g] : curves_) graphs.push_back(g);
    for (const auto& [m, g] : gaBest_) graphs.push_back(g);
    for (QCPGraph* g : graphs) {
        QCPErrorBars* bars = barsFor(g);
        bars->data()->clear();
        bars->setVisible(draw);
        if (!draw) continue;
        QVector<double> minus, plus;
        for (auto p = g->data()->constBegin(); p != g->data()->constEnd(); ++p) {
            const Interval ci = wilsonIntervalOf(p->value, examples_);
            minus << p->value - ci.low;
            plus << ci.high - p->value;
        }
        bars->setData(minus, plus);
    }
}

QVector<QPointF> AccuracyCurvePlot::intervalData(const QString& method) const {
    QVector<QPointF> out;
    const auto curve = curves_.find({method, false});
    if (curve == curves_.end()) return out;
    const auto bars = bars_.find(curve->second);
    if (bars == bars_.end() || !bars->second->visible()) return out;
    const auto data = curve->second->data();
    int i = 0;
    for (auto p = data->constBegin(); p != data->constEnd(); ++p, ++i) {
        const QCPErrorBarsData e = bars->second->data()->at(i);
        out.push_back({p->value - e.errorMinus, p->value + e.errorPlus});
    }
    return out;
}

void AccuracyCurvePlot::clear() {
    for (auto& [graph, bars] : bars_) customPlot()->removePlottable(bars);
    bars_.clear();
    for (auto& [method, g] : curves_) customPlot()->removeGraph(g);
    for (auto& [method, g] : gaBest_) customPlot()->removeGraph(g);
    for (auto& [method, g] : heldOut_) customPlot()->removeGraph(g);
    for (auto& [method, g] : heldOutLink_) customPlot()->removeGraph(g);
    for (auto& [method, g] : lora_) customPlot()->removeGraph(g);
    lora_.clear();
    loraPoints_.clear();
    curves_.clear();
    gaBest_.clear();
    heldOut_.clear();
    heldOutLink_.clear();
    heldOutPoints_.clear();
    points_.clear();
    gaIndividuals_.clear();
    examples_ = 0;
    haveBaseline_ = false;
    updateBand();
    updateRanges();
    requestReplot();
}

void AccuracyCurvePlot::updateRanges() {
    double lo = 1.0, hi = 0.0;
    auto include = [&](double y) {
        lo = std::min(lo, y);
        hi = std::max(hi, y);
    };
    if (haveBaseline_) {
        include(a0_);
        include(threshold());
    }
    // With error bars, their ends too (capped: a bar past 0 or 1 is clipped).
    auto includePoint = [&](double accuracy) {
        include(accuracy);
        if (!proportionMetric_ || examples_ <= 0) return;
        const Interval ci = wilsonIntervalOf(accuracy, examples_);
        include(ci.low);
        include(ci.high);
    };
    for (const auto& [m, pts] : points_)
        for (const UniformPoint& p : pts) includePoint(p.accuracy);
    for (const auto& [m, ind] : gaIndividuals_) includePoint(ind.accuracy);
    // Held-out points: other examples (no bars drawn for them).
    for (const auto& [m, p] : heldOutPoints_) include(p.y());
    for (const auto& [m, points] : loraPoints_)
        for (const QPointF& p : points) include(p.y());
    if (hi < lo) {
        lo = 0;
        hi = 1;
    }
    const double pad = std::max(0.04 * (hi - lo), 0.01);
    customPlot()->yAxis->setRange(std::max(0.0, lo - pad),
                                  std::min(1.0, hi + pad) + (hi + pad > 1.0 ? pad : 0.0));
}

QStringList AccuracyCurvePlot::methods() const {
    QStringList out;
    for (const auto& [key, g] : curves_)
        if (!key.int8) out << key.method;
    return out;
}

QVector<QPointF> AccuracyCurvePlot::curveData(const QString& method, bool int8Factors) const {
    QVector<QPointF> out;
    auto it = curves_.find({method, int8Factors});
    if (it == curves_.end()) return out;
    const auto data = it->second->data();
    for (auto p = data->constBegin(); p != data->constEnd(); ++p) out.push_back({p->key, p->value});
    return out;
}

QVector<QPointF> AccuracyCurvePlot::gaBestData() const {
    QVector<QPointF> out;
    for (const auto& [m, g] : gaBest_)
        for (auto p = g->data()->constBegin(); p != g->data()->constEnd(); ++p)
            out.push_back({p->key, p->value});
    return out;
}

QStringList AccuracyCurvePlot::legendLabels() const {
    QStringList out;
    QCPLegend* legend = customPlot()->legend;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            out << item->plottable()->name();
    return out;
}

QString AccuracyCurvePlot::toCsv() const {
    // With intervals, two more columns: the Wilson 95 % interval of each accuracy.
    const bool intervals = proportionMetric_ && examples_ > 0;
    auto interval = [&](double accuracy) {
        if (!intervals) return QString();
        const Interval ci = wilsonIntervalOf(accuracy, examples_);
        return QStringLiteral(",%1,%2").arg(ci.low, 0, 'g', 10).arg(ci.high, 0, 'g', 10);
    };
    QString csv = QStringLiteral("series,method,level,params_removed_percent,accuracy") +
                  (intervals ? QStringLiteral(",ci95_low,ci95_high\n") : QStringLiteral("\n"));
    for (const auto& [key, pts] : points_)
        for (const UniformPoint& p : pts)
            csv += QStringLiteral("%1,%2,%3,%4,%5")
                       .arg(key.int8 ? QStringLiteral("uniform_int8") : QStringLiteral("uniform"))
                       .arg(key.method)
                       .arg(p.level, 0, 'g', 10)
                       .arg(p.paramsRemovedFraction * 100.0, 0, 'g', 10)
                       .arg(p.accuracy, 0, 'g', 10) +
                   interval(p.accuracy) + QLatin1Char('\n');
    for (const auto& [method, ind] : gaIndividuals_)
        csv += QStringLiteral("ga_best,%1,,%2,%3")
                   .arg(method)
                   .arg(ind.removedFraction * 100.0, 0, 'g', 10)
                   .arg(ind.accuracy, 0, 'g', 10) +
               interval(ind.accuracy) + QLatin1Char('\n');
    // Held-out accuracies are on other examples than the intervals' count: none given.
    for (const auto& [method, p] : heldOutPoints_)
        csv += QStringLiteral("ga_best_held_out,%1,,%2,%3")
                   .arg(method)
                   .arg(p.x(), 0, 'g', 10)
                   .arg(p.y(), 0, 'g', 10) +
               (intervals ? QStringLiteral(",,") : QString()) + QLatin1Char('\n');
    for (const auto& [key, points] : loraPoints_) {
        const bool int8 = key.endsWith(QStringLiteral("|int8"));
        for (const QPointF& p : points)
            csv += QStringLiteral("%1,%2,,%3,%4")
                       .arg(int8 ? QStringLiteral("lora_int8") : QStringLiteral("lora"))
                       .arg(int8 ? key.chopped(5) : key)
                       .arg(p.x(), 0, 'g', 10)
                       .arg(p.y(), 0, 'g', 10) +
                   interval(p.y()) + QLatin1Char('\n');
    }
    if (haveBaseline_) {
        csv += QStringLiteral("a0,,,,%1").arg(a0_, 0, 'g', 10) + interval(a0_) + QLatin1Char('\n');
        csv += QStringLiteral("threshold,,,,%1").arg(threshold(), 0, 'g', 10) +
               (intervals ? QStringLiteral(",,") : QString()) + QLatin1Char('\n');
    }
    return csv;
}

}  // namespace sieve::widgets

#include "widgets/plots/compare_view.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plots/heatmap_panel.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

CompareView::CompareView(QWidget* parent) : PlotView(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(customPlot());
    QCustomPlot* plot = customPlot();
    QCPLayoutGrid* grid = plot->plotLayout();
    grid->clear();  // removes the default axis rect
    auto* leftGroup = new QCPMarginGroup(plot);
    for (int row = 0; row < 3; ++row) {
        auto* rect = new QCPAxisRect(plot);
        grid->addElement(row, 0, rect);
        panels_[row] = HeatmapPanel::inLayoutRow(plot, rect, row);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, leftGroup);  // x axes line up across rows
        // Only the bottom panel names the shared x axis.
        if (row < 2) rect->axis(QCPAxis::atBottom)->setLabel(QString());
    }
    panel(Panel::A).setScaleLabel(tr("fraction pruned"));
    panel(Panel::B).setScaleLabel(tr("fraction pruned"));
    panel(Panel::Difference).setGradient(style::differenceGradient());
    panel(Panel::Difference).setScaleLabel(tr("A − B"));
    clear();
    connect(plot, &QCustomPlot::mouseMove, this, &CompareView::onMouseMove);
    connect(plot, &QCustomPlot::mouseRelease, this, &CompareView::onMouseRelease);
}

CompareView::~CompareView() = default;

void CompareView::setComparison(const ModelSummary& summary, const QString& labelA,
                                const std::vector<double>& levelsA, const QString& labelB,
                                const std::vector<double>& levelsB) {
    labelA_ = labelA;
    labelB_ = labelB;
    const size_t n = summary.matrices.size();
    const bool haveA = levelsA.size() == n && n > 0, haveB = levelsB.size() == n && n > 0;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> a = haveA ? levelsA : std::vector<double>(n, kNaN);
    std::vector<double> b = haveB ? levelsB : std::vector<double>(n, kNaN);
    std::vector<double> diff(n, kNaN);
    double maxLevel = 0.9, maxAbsDiff = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (!std::isnan(a[i])) maxLevel = std::max(maxLevel, a[i]);
        if (!std::isnan(b[i])) maxLevel = std::max(maxLevel, b[i]);
        diff[i] = a[i] - b[i];
        if (!std::isnan(diff[i])) maxAbsDiff = std::max(maxAbsDiff, std::abs(diff[i]));
    }
    for (Panel p : {Panel::A, Panel::B, Panel::Difference}) panel(p).setModel(summary);
    panel(Panel::A).setValues(a);
    panel(Panel::B).setValues(b);
    panel(Panel::Difference).setValues(diff);
    // Both sides on one scale, the grid's: equal colours mean equal levels.
    panel(Panel::A).setDataRange(0.0, maxLevel);
    panel(Panel::B).setDataRange(0.0, maxLevel);
    const double span = std::max(maxAbsDiff, 0.1);
    panel(Panel::Difference).setDataRange(-span, span);  // symmetric: white = no difference
    panel(Panel::A).setTitle(haveA ? tr("A: %1").arg(labelA) : emptyTitle(Panel::A));
    panel(Panel::B).setTitle(haveB ? tr("B: %1").arg(labelB) : emptyTitle(Panel::B));
    panel(Panel::Difference)
        .setTitle(haveA && haveB ? tr("A − B (red: A prunes more, blue: B prunes more)")
                                 : emptyTitle(Panel::Difference));
    hasSide_[0] = haveA;
    hasSide_[1] = haveB;
    hasComparison_ = haveA && haveB;
    requestReplot();
}

QString CompareView::emptyTitle(Panel p) {
    switch (p) {
        case Panel::A:
            return tr("A: none pinned yet (View ▸ Pin for Comparison keeps a task's GA best)");
        case Panel::B:
            return tr("B: the current task's GA best (none yet: run a genetic search)");
        case Panel::Difference:
            return tr("A − B: shown once both A and B are there");
    }
    return {};
}

void CompareView::clear() {
    for (Panel p : {Panel::A, Panel::B, Panel::Difference}) panel(p).setModel(ModelSummary{});
    panel(Panel::A).setDataRange(0.0, 0.9);
    panel(Panel::B).setDataRange(0.0, 0.9);
    panel(Panel::Difference).setDataRange(-0.5, 0.5);
    for (Panel p : {Panel::A, Panel::B, Panel::Difference}) panel(p).setTitle(emptyTitle(p));
    hasSide_[0] = hasSide_[1] = false;
    hasComparison_ = false;
    requestReplot();
}

bool CompareView::hasSide(Panel p) const {
    return p == Panel::Difference ? hasComparison_ : hasSide_[static_cast<int>(p)];
}

std::pair<double, double> CompareView::colourRange(Panel p) const {
    const QCPRange range = panel(p).colorMap()->dataRange();
    return {range.lower, range.upper};
}

bool CompareView::showsLayerNumbers() const {
    return panel(Panel::Difference).axisRect()->axis(QCPAxis::atBottom)->tickLabels();
}

QString CompareView::panelTitle(Panel p) const {
    return style::fullText(panel(p).axisRect()->axis(QCPAxis::atTop));
}

double CompareView::cellValue(Panel p, int layer, MatrixType type) const {
    return panel(p).cellValue(layer, static_cast<int>(type));
}

bool CompareView::balanceLayout() {
    QCPLayoutGrid* grid = customPlot()->plotLayout();
    int outer = 0, margins = 0;
    for (const auto& p : panels_) {
        outer += p->axisRect()->outerRect().height();
        margins += p->axisRect()->margins().top() + p->axisRect()->margins().bottom();
    }
    const double cells = double(outer - margins) / 3.0;
    if (cells < 1 || outer <= 0) return false;
    bool changed = false;
    for (int row = 0; row < 3; ++row) {
        const QMargins m = panels_[row]->axisRect()->margins();
        // 1 when every row has the same margins.
        const double factor = (cells + m.top() + m.bottom()) / (double(outer) / 3.0);
        if (std::abs(grid->rowStretchFactors().value(row, 1.0) - factor) > 0.005) {
            grid->setRowStretchFactor(row, factor);
            changed = true;
        }
    }
    return changed;
}

QRect CompareView::rowRect(Panel p) const {
    return panel(p).axisRect()->outerRect();
}

QRect CompareView::cellsRect(Panel p) const {
    return panel(p).axisRect()->rect();
}

int CompareView::titleHeight(Panel p) const {
    const QCPAxis* top = panel(p).axisRect()->axis(QCPAxis::atTop);
    return QFontMetrics(top->labelFont()).boundingRect(QRect(), Qt::TextDontClip, top->label()).height();
}

int CompareView::matrixAt(Panel p, const QPointF& plotPixel) const {
    return panel(p).matrixAt(plotPixel);
}
QPointF CompareView::cellCenter(Panel p, int matrix) const {
    return panel(p).cellCenterPixel(matrix);
}

int CompareView::matrixAtAny(const QPointF& pixel) const {
    for (const auto& p : panels_)
        if (int m = p->matrixAt(pixel); m >= 0) return m;
    return -1;
}

QString CompareView::toolTipFor(int matrix) const {
    const ModelSummary& model = panel(Panel::A).model();
    if (matrix < 0 || matrix >= static_cast<int>(model.matrices.size())) return {};
    const MatrixInfo& m = model.matrices[matrix];
    auto levelText = [](double v) { return std::isnan(v) ? QStringLiteral("–") : style::percent(v); };
    const double a = panel(Panel::A).values()[matrix];
    const double b = panel(Panel::B).values()[matrix];
    QString text =
        QString::fromStdString(m.name) + QLatin1Char('\n') + tr("shape D × H: %1").arg(shapeText(m));
    text += QLatin1Char('\n') + tr("A (%1): %2 pruned").arg(labelA_, levelText(a));
    text += QLatin1Char('\n') + tr("B (%1): %2 pruned").arg(labelB_, levelText(b));
    if (!std::isnan(a) && !std::isnan(b))
        text += QLatin1Char('\n') + tr("A − B: %1 points").arg((a - b) * 100.0, 0, 'f', 0);
    return text;
}

void CompareView::onMouseMove(QMouseEvent* event) {
    lastToolTip_ = toolTipFor(matrixAtAny(event->position()));
    if (lastToolTip_.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(customPlot()->mapToGlobal(event->position().toPoint()), lastToolTip_,
                           customPlot());
}

void CompareView::onMouseRelease(QMouseEvent* event) {
    const int matrix = matrixAtAny(event->position());
    if (event->button() == Qt::LeftButton && matrix >= 0) Q_EMIT matrixClicked(matrix);
}

QString CompareView::toCsv() const {
    const ModelSummary& model = panel(Panel::A).model();
    QString csv = QStringLiteral("matrix,layer,type,level_a,level_b,difference\n");
    auto num = [](double v) { return std::isnan(v) ? QString() : QString::number(v, 'g', 10); };
    for (size_t i = 0; i < model.matrices.size(); ++i) {
        const MatrixInfo& m = model.matrices[i];
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                   .arg(QString::fromStdString(m.name))
                   .arg(m.layer)
                   .arg(QString::fromLatin1(matrixTypeShortName(m.type)))
                   .arg(num(panel(Panel::A).values()[i]), num(panel(Panel::B).values()[i]),
                        num(panel(Panel::Difference).values()[i]));
    }
    return csv;
}

}  // namespace sieve::widgets

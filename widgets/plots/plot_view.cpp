#include "widgets/plots/plot_view.h"

#include <qcustomplot.h>

#include <algorithm>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

PlotView::PlotView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    plot_->setMouseTracking(true);
    plot_->setMinimumSize(240, 180);
    connect(plot_, &QCustomPlot::afterReplot, this, [this] { ++replots_; });
    connect(plot_, &QCustomPlot::beforeReplot, this, &PlotView::wrapTitles);
    connect(plot_, &QCustomPlot::afterLayout, this, [this] {
        if (balanceLayout()) requestReplot();
    });
}

void PlotView::wrapTitles() {
    // Titles wrap to the viewport less room for the axis labels and a colour
    // scale. Not to the axis rect's width: that is the last layout's, and the
    // layout runs after this (a title's line count sets its rect's top margin;
    // heatmap_panel.cpp keeps the colour scales from freezing those margins).
    QCPLayoutGrid* layout = plot_->plotLayout();
    const double titleWidth = std::max(120, plot_->viewport().width() - 170);
    for (QCPAxisRect* rect : plot_->axisRects())
        for (QCPAxis* axis : rect->axes())
            if (axis->orientation() == Qt::Horizontal && axis->property("sieveFullText").isValid()) {
                const QString wrapped = style::wrapText(style::fullText(axis), axis->labelFont(), titleWidth);
                if (wrapped != axis->label()) axis->setLabel(wrapped);
            }
    for (QCPLayoutElement* element : layout->elements(true))
        if (auto* text = qobject_cast<QCPTextElement*>(element);
            text && text->property("sieveFullText").isValid()) {
            const QString wrapped =
                style::wrapText(style::fullText(text), text->font(), 0.97 * plot_->viewport().width());
            if (wrapped != text->text()) text->setText(wrapped);
        }
}

QWidget* PlotView::plotWidget() const {
    return plot_;
}

void PlotView::requestReplot() {
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sieve::widgets

#include "widgets/plots/plot_view.h"

#include <qcustomplot.h>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

PlotView::PlotView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    plot_->setMouseTracking(true);
    plot_->setMinimumSize(240, 180);
    connect(plot_, &QCustomPlot::afterReplot, this, [this] { ++replots_; });
    connect(plot_, &QCustomPlot::beforeReplot, this, &PlotView::wrapTitles);
}

void PlotView::wrapTitles() {
    // Lay out for the current size first: the widths below must be this replot's.
    QCPLayoutGrid* layout = plot_->plotLayout();
    layout->setOuterRect(plot_->viewport());
    for (auto phase :
         {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
        layout->update(phase);
    for (QCPAxisRect* rect : plot_->axisRects())
        for (QCPAxis* axis : rect->axes())
            if (axis->orientation() == Qt::Horizontal && axis->property("sieveFullText").isValid()) {
                const QString wrapped =
                    style::wrapText(style::fullText(axis), axis->labelFont(), 0.97 * rect->width());
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

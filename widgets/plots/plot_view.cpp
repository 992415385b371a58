#include "widgets/plots/plot_view.h"

#include <qcustomplot.h>

namespace sieve::widgets {

PlotView::PlotView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    plot_->setMouseTracking(true);
    plot_->setMinimumSize(240, 180);
    connect(plot_, &QCustomPlot::afterReplot, this, [this] { ++replots_; });
}

QWidget* PlotView::plotWidget() const {
    return plot_;
}

void PlotView::requestReplot() {
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sieve::widgets

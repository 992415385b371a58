#include "widgets/plots/heatmap_panel.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The colour scale beside a heatmap row. It shares its top and bottom margins
// with the row's axis rect (a margin group), so the bar starts and ends with
// the cells. QCPColorScale reports its *current* margins as the ones it needs,
// and the group takes the largest of its members: once a title had wrapped to
// several lines (the plot before the window was shown, a narrower dock, a
// longer language), the group's margins could never shrink again, and every
// compare row kept ~90 px of blank above its title with ~30 px of cells. This
// one needs no margin of its own: the axis rect decides.
class RowColorScale : public QCPColorScale {
public:
    using QCPColorScale::QCPColorScale;

protected:
    int calculateAutoMargin(QCP::MarginSide side) override {
        return QCP::getMarginValue(minimumMargins(), side);
    }
};
}  // namespace

QString shapeText(const MatrixInfo& m) {
    return QStringLiteral("%1 × %2").arg(m.rows).arg(m.cols);
}

HeatmapPanel::HeatmapPanel(QCustomPlot* plot, QCPAxisRect* rect, QCPColorScale* scale)
    : plot_(plot),
      rect_(rect),
      scale_(scale),
      map_(new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft))) {
    map_->setColorScale(scale_);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    map_->setGradient(style::levelGradient());
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(14);
    scale_->axis()->setSubTicks(false);
    style::styleAxisRect(rect_);
    configureAxes();
    setModel(ModelSummary{});
}

std::unique_ptr<HeatmapPanel> HeatmapPanel::inLayoutRow(QCustomPlot* plot, QCPAxisRect* rect, int row) {
    auto* scale = new RowColorScale(plot);
    plot->plotLayout()->addElement(row, 1, scale);
    auto* group = new QCPMarginGroup(plot);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return std::make_unique<HeatmapPanel>(plot, rect, scale);
}

void HeatmapPanel::configureAxes() {
    QCPAxis* x = rect_->axis(QCPAxis::atBottom);
    QCPAxis* y = rect_->axis(QCPAxis::atLeft);
    x->setLabel(QCoreApplication::translate("sieve::widgets::HeatmapPanel", "layer"));
    auto layerTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    layerTicker->setTickStep(1.0);
    layerTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    x->setTicker(layerTicker);
    x->grid()->setVisible(false);

    auto typeTicker = QSharedPointer<QCPAxisTickerText>::create();
    for (int t = 0; t < kMatrixTypeCount; ++t)
        typeTicker->addTick(t, QString::fromLatin1(matrixTypeShortName(static_cast<MatrixType>(t))));
    y->setTicker(typeTicker);
    y->setRangeReversed(true);  // q at the top, as in the paper's figures
    y->setRange(-0.5, kMatrixTypeCount - 0.5);
    y->grid()->setVisible(false);

    QCPAxis* top = rect_->axis(QCPAxis::atTop);
    top->setVisible(true);
    top->setTicks(false);
    top->setTickLabels(false);
    top->setBasePen(Qt::NoPen);
}

void HeatmapPanel::setModel(const ModelSummary& model) {
    model_ = model;
    layers_ = model.layers;
    for (const MatrixInfo& m : model.matrices) layers_ = std::max(layers_, m.layer + 1);
    cells_.assign(layers_, {});
    for (auto& row : cells_) row.fill(-1);
    for (size_t i = 0; i < model.matrices.size(); ++i) {
        const MatrixInfo& m = model.matrices[i];
        if (m.layer >= 0) cells_[m.layer][static_cast<int>(m.type)] = static_cast<int>(i);
    }
    const int keys = std::max(layers_, 1);
    // Cell centres sit on integer coordinates; a single layer still needs a non-empty key range.
    map_->data()->setSize(keys, kMatrixTypeCount);
    map_->data()->setRange(QCPRange(0, std::max(keys - 1, 1)), QCPRange(0, kMatrixTypeCount - 1));
    if (keys == 1) map_->data()->setKeySize(2);
    rect_->axis(QCPAxis::atBottom)->setRange(-0.5, std::max(layers_, 1) - 0.5);
    // No model yet: no layer numbers (a lone "0" would suggest a one-layer model).
    rect_->axis(QCPAxis::atBottom)->setTickLabels(layers_ > 0);
    rect_->axis(QCPAxis::atLeft)->setTickLabels(layers_ > 0);
    outlined_.clear();
    clearRects(outlineRects_);
    selected_ = -1;
    clearRects(selectionRects_);
    edited_.clear();
    clearRects(editedRects_);
    setValues(std::vector<double>(model.matrices.size(), kNaN));
}

void HeatmapPanel::setValues(const std::vector<double>& perMatrix) {
    values_ = perMatrix;
    values_.resize(model_.matrices.size(), kNaN);
    QCPColorMapData* data = map_->data();
    data->fill(kNaN);
    for (size_t i = 0; i < values_.size(); ++i) {
        const MatrixInfo& m = model_.matrices[i];
        data->setCell(m.layer, static_cast<int>(m.type), values_[i]);
    }
}

void HeatmapPanel::setDataRange(double lower, double upper) {
    if (!(upper > lower)) upper = lower + 1e-9;
    map_->setDataRange(QCPRange(lower, upper));
}

void HeatmapPanel::setGradient(const QCPColorGradient& gradient) {
    map_->setGradient(gradient);
}

void HeatmapPanel::setScaleLabel(const QString& label) {
    scale_->axis()->setLabel(label);
}

void HeatmapPanel::setTitle(const QString& title) {
    style::setWrappingLabel(rect_->axis(QCPAxis::atTop), title);  // broken into lines to fit
}

double HeatmapPanel::cellValue(int layer, int typeIndex) const {
    if (layer < 0 || layer >= layers_ || typeIndex < 0 || typeIndex >= kMatrixTypeCount) return kNaN;
    return map_->data()->cell(layer, typeIndex);
}

int HeatmapPanel::matrixAt(int layer, int typeIndex) const {
    if (layer < 0 || layer >= layers_ || typeIndex < 0 || typeIndex >= kMatrixTypeCount) return -1;
    return cells_[layer][typeIndex];
}

int HeatmapPanel::matrixAt(const QPointF& pixel) const {
    if (!rect_->rect().contains(pixel.toPoint())) return -1;
    const double key = rect_->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x());
    const double value = rect_->axis(QCPAxis::atLeft)->pixelToCoord(pixel.y());
    return matrixAt(static_cast<int>(std::lround(key)), static_cast<int>(std::lround(value)));
}

QPointF HeatmapPanel::cellCenterPixel(int matrix) const {
    if (matrix < 0 || matrix >= static_cast<int>(model_.matrices.size())) return {};
    const MatrixInfo& m = model_.matrices[matrix];
    return {rect_->axis(QCPAxis::atBottom)->coordToPixel(m.layer),
            rect_->axis(QCPAxis::atLeft)->coordToPixel(static_cast<int>(m.type))};
}

QCPItemRect* HeatmapPanel::makeCellRect(int matrix, const QPen& pen, double inset) {
    const MatrixInfo& m = model_.matrices[matrix];
    auto* item = new QCPItemRect(plot_);  // owned by the plot
    item->setClipAxisRect(rect_);
    for (QCPItemPosition* p : {item->topLeft, item->bottomRight}) {
        p->setAxes(rect_->axis(QCPAxis::atBottom), rect_->axis(QCPAxis::atLeft));
        p->setAxisRect(rect_);
    }
    item->topLeft->setCoords(m.layer - 0.5 + inset, static_cast<int>(m.type) - 0.5 + inset);
    item->bottomRight->setCoords(m.layer + 0.5 - inset, static_cast<int>(m.type) + 0.5 - inset);
    item->setPen(pen);
    item->setBrush(Qt::NoBrush);
    item->setSelectable(false);
    return item;
}

void HeatmapPanel::clearRects(std::vector<QCPItemRect*>& rects) {
    for (QCPItemRect* r : rects) plot_->removeItem(r);
    rects.clear();
}

void HeatmapPanel::setOutlined(const std::vector<int>& matrices) {
    clearRects(outlineRects_);
    outlined_.clear();
    for (int i : matrices) {
        if (i < 0 || i >= static_cast<int>(model_.matrices.size())) continue;
        outlined_.push_back(i);
        // Two strokes, so the outline shows on dark and bright cells alike.
        outlineRects_.push_back(makeCellRect(i, QPen(Qt::white, 2.4)));
        outlineRects_.push_back(makeCellRect(i, QPen(QColor("#d00000"), 1.2)));
    }
}

void HeatmapPanel::setEdited(const std::vector<int>& matrices) {
    clearRects(editedRects_);
    edited_.clear();
    for (int i : matrices) {
        if (i < 0 || i >= static_cast<int>(model_.matrices.size())) continue;
        edited_.push_back(i);
        // Inside a bottleneck's outline, so that both show.
        editedRects_.push_back(makeCellRect(i, QPen(Qt::black, 2.0), 0.16));
        editedRects_.push_back(makeCellRect(i, QPen(QColor("#ff8c00"), 2.0, Qt::DashLine), 0.16));
    }
}

void HeatmapPanel::setSelected(int matrix) {
    clearRects(selectionRects_);
    selected_ = (matrix >= 0 && matrix < static_cast<int>(model_.matrices.size())) ? matrix : -1;
    if (selected_ >= 0) {
        selectionRects_.push_back(makeCellRect(selected_, QPen(Qt::black, 2.4)));
        selectionRects_.push_back(makeCellRect(selected_, QPen(QColor("#00e5ff"), 1.2)));
        // The selection is the user's pointer, not a result: exported figures leave it out.
        for (QCPItemRect* r : selectionRects_) r->setProperty("sieveScreenOnly", true);
    }
}

}  // namespace sieve::widgets

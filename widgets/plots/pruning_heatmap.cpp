#include "widgets/plots/pruning_heatmap.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "widgets/plots/heatmap_panel.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

PruningHeatmap::PruningHeatmap(QWidget* parent) : PlotView(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(customPlot());
    QCustomPlot* plot = customPlot();
    panel_ = HeatmapPanel::inLayoutRow(plot, plot->axisRect(), 0);
    panel_->setScaleLabel(tr("fraction pruned"));
    panel_->setDataRange(0.0, 0.9);
    // The colour scale explains the map; a nameless legend row for it would not.
    panel_->colorMap()->removeFromLegend();

    // The legend below the heatmap explains the frames drawn on cells.
    auto key = [plot](const QString& name, const QPen& pen) {
        QCPGraph* g = plot->addGraph();
        g->setName(name);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, pen, Qt::NoBrush, 11));
        g->removeFromLegend();
        return g;
    };
    bottleneckKey_ = key(tr("bottleneck"), QPen(QColor("#d00000"), 1.6));
    editedKey_ = key(tr("changed by you (playground)"), QPen(QColor("#ff8c00"), 1.6, Qt::DashLine));
    selectedKey_ = key(tr("selected matrix"), QPen(QColor("#00b8d4"), 1.6));
    selectedKey_->setProperty("sieveScreenOnly", true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setWrap(1);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->setRowSpacing(0);

    connect(plot, &QCustomPlot::mouseMove, this, &PruningHeatmap::onMouseMove);
    connect(plot, &QCustomPlot::mousePress, this, &PruningHeatmap::onMousePress);
    connect(plot, &QCustomPlot::mouseRelease, this, &PruningHeatmap::onMouseRelease);
    connect(plot, &QCustomPlot::mouseWheel, this, &PruningHeatmap::onMouseWheel);
}

void PruningHeatmap::updateLegend() {
    const auto show = [](QCPGraph* g, bool on) {
        if (on)
            g->addToLegend();
        else
            g->removeFromLegend();
    };
    show(bottleneckKey_, !panel_->outlined().empty());
    show(editedKey_, !panel_->edited().empty());
    show(selectedKey_, panel_->selected() >= 0);
    // The legend row is in the layout only while it has entries (an empty row would keep its margins).
    QCPLegend* legend = customPlot()->legend;
    QCPLayoutGrid* layout = customPlot()->plotLayout();
    const bool wanted = legend->itemCount() > 0;
    const bool placed = layout->rowCount() > 1 && layout->hasElement(1, 0) && layout->element(1, 0) == legend;
    if (wanted && !placed) {
        layout->addElement(1, 0, legend);
        layout->setRowStretchFactor(1, 0.001);
    } else if (!wanted && placed) {
        layout->take(legend);
        layout->simplify();
    }
    legend->setVisible(wanted);
    requestReplot();
}

void PruningHeatmap::setBottlenecks(const std::vector<int>& matrices, const QString& legendText,
                                    const std::map<int, QString>& notes) {
    bottleneckKey_->setName(legendText);
    notes_ = notes;
    setOutlined(matrices);
}

void PruningHeatmap::setEdited(const std::vector<int>& matrices) {
    panel_->setEdited(matrices);
    updateLegend();
}

std::vector<int> PruningHeatmap::edited() const {
    return panel_->edited();
}

QStringList PruningHeatmap::legendLabels() const {
    QStringList out;
    QCPLegend* legend = customPlot()->legend;
    if (!legend->visible()) return out;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            out << item->plottable()->name();
    return out;
}

// (A legend outside the layout is still a QObject child of the plot: deleted with it.)
PruningHeatmap::~PruningHeatmap() = default;

void PruningHeatmap::setModel(const ModelSummary& summary) {
    panel_->setModel(summary);
    notes_.clear();
    updateLegend();
}

void PruningHeatmap::setChromosome(const ModelSummary& summary, const LevelGrid& grid,
                                   const std::vector<int>& genes) {
    if (genes.size() != summary.matrices.size())
        throw InputError("chromosome has " + std::to_string(genes.size()) + " genes but the model has " +
                         std::to_string(summary.matrices.size()) + " matrices");
    std::vector<double> levels(genes.size());
    for (size_t i = 0; i < genes.size(); ++i) {
        if (genes[i] < 0 || genes[i] >= static_cast<int>(grid.size()))
            throw InputError("gene " + std::to_string(i) + " = " + std::to_string(genes[i]) +
                             " is outside the level grid of " + std::to_string(grid.size()) + " levels");
        levels[i] = grid[genes[i]];
    }
    if (!grid.empty()) panel_->setDataRange(0.0, std::max(grid.back(), 1e-6));
    setLevels(summary, levels);
}

void PruningHeatmap::setLevels(const ModelSummary& summary, const std::vector<double>& levels) {
    // Keep outlines and the selection when only the levels change (the GA's best moving on).
    const bool sameModel = summary.matrices.size() == panel_->model().matrices.size() &&
                           summary.layers == panel_->model().layers && summary.path == panel_->model().path;
    if (!sameModel) {
        panel_->setModel(summary);
        notes_.clear();
        updateLegend();
    }
    panel_->setValues(levels);
    requestReplot();
}

void PruningHeatmap::setTitle(const QString& title) {
    panel_->setTitle(title);
    requestReplot();
}

QString PruningHeatmap::title() const {
    return style::fullText(panel_->axisRect()->axis(QCPAxis::atTop));
}

void PruningHeatmap::setOutlined(const std::vector<int>& matrices) {
    panel_->setOutlined(matrices);
    updateLegend();
}

void PruningHeatmap::setSelectedMatrix(int matrix) {
    if (matrix == panel_->selected()) return;
    panel_->setSelected(matrix);
    updateLegend();
}

void PruningHeatmap::clear() {
    panel_->setModel(panel_->model());
    notes_.clear();
    updateLegend();
}

double PruningHeatmap::cellLevel(int layer, MatrixType type) const {
    return panel_->cellValue(layer, static_cast<int>(type));
}

const std::vector<double>& PruningHeatmap::levels() const {
    return panel_->values();
}
std::vector<int> PruningHeatmap::outlined() const {
    return panel_->outlined();
}
int PruningHeatmap::selectedMatrix() const {
    return panel_->selected();
}
int PruningHeatmap::matrixAt(const QPointF& plotPixel) const {
    return panel_->matrixAt(plotPixel);
}
QPointF PruningHeatmap::cellCenter(int matrix) const {
    return panel_->cellCenterPixel(matrix);
}

QString PruningHeatmap::toolTipFor(int matrix) const {
    const ModelSummary& model = panel_->model();
    if (matrix < 0 || matrix >= static_cast<int>(model.matrices.size())) return {};
    const MatrixInfo& m = model.matrices[matrix];
    const double level = panel_->values()[matrix];
    QString text =
        QString::fromStdString(m.name) + QLatin1Char('\n') + tr("shape D × H: %1").arg(shapeText(m));
    if (std::isnan(level)) return text + QLatin1Char('\n') + tr("level: not searched yet");
    const int64_t kept = paramsAtLevel(m.rows, m.cols, level);
    text += QLatin1Char('\n') +
            tr("level: %1 pruned (rank %2)")
                .arg(style::percent(level))
                .arg(level > 0 ? QString::number(rankForLevel(m.rows, m.cols, level)) : tr("dense"));
    text += QLatin1Char('\n') +
            tr("parameters kept: %1 of %2 (%3)")
                .arg(style::compactCount(double(kept)), style::compactCount(double(m.params())),
                     style::percent(double(kept) / double(std::max<int64_t>(m.params(), 1))));
    if (const auto note = notes_.find(matrix); note != notes_.end()) text += QLatin1Char('\n') + note->second;
    if (std::find(panel_->edited().begin(), panel_->edited().end(), matrix) != panel_->edited().end())
        text += QLatin1Char('\n') + tr("changed by you in the playground");
    return text;
}

void PruningHeatmap::onMouseMove(QMouseEvent* event) {
    const int matrix = panel_->matrixAt(event->position());
    if (matrix < 0) {
        lastToolTip_.clear();
        QToolTip::hideText();
        return;
    }
    lastToolTip_ = toolTipFor(matrix);
    QToolTip::showText(customPlot()->mapToGlobal(event->position().toPoint()), lastToolTip_, customPlot());
}

void PruningHeatmap::onMousePress(QMouseEvent* event) {
    pressPos_ = event->position();
    pressMatrix_ = event->button() == Qt::LeftButton ? panel_->matrixAt(pressPos_) : -1;
}

void PruningHeatmap::onMouseRelease(QMouseEvent* event) {
    const bool isClick = (event->position() - pressPos_).manhattanLength() < 5;
    const int matrix = panel_->matrixAt(event->position());
    if (event->button() == Qt::LeftButton && isClick && matrix >= 0 && matrix == pressMatrix_) {
        setSelectedMatrix(matrix);
        Q_EMIT matrixClicked(matrix);
        Q_EMIT levelMenuRequested(matrix, customPlot()->mapToGlobal(event->position().toPoint()));
    }
    pressMatrix_ = -1;
}

void PruningHeatmap::onMouseWheel(QWheelEvent* event) {
    const int matrix = panel_->matrixAt(event->position());
    if (matrix < 0 || std::isnan(panel_->values()[size_t(matrix)])) return;
    // One grid level per notch (120 eighths of a degree); touchpads send less at a time.
    wheelRemainder_ += event->angleDelta().y();
    const int steps = wheelRemainder_ / 120;
    wheelRemainder_ -= steps * 120;
    if (steps != 0) Q_EMIT levelStepRequested(matrix, steps);
    event->accept();
}

QString PruningHeatmap::toCsv() const {
    const ModelSummary& model = panel_->model();
    QString csv = QStringLiteral("matrix,layer,type,rows,cols,level,params_kept,outlined\n");
    const auto& outlined = panel_->outlined();
    for (size_t i = 0; i < model.matrices.size(); ++i) {
        const MatrixInfo& m = model.matrices[i];
        const double level = panel_->values()[i];
        const bool isOutlined = std::find(outlined.begin(), outlined.end(), int(i)) != outlined.end();
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                   .arg(QString::fromStdString(m.name))
                   .arg(m.layer)
                   .arg(QString::fromLatin1(matrixTypeShortName(m.type)))
                   .arg(m.rows)
                   .arg(m.cols)
                   .arg(std::isnan(level) ? QString() : QString::number(level, 'g', 10))
                   .arg(std::isnan(level) ? QString() : QString::number(paramsAtLevel(m.rows, m.cols, level)))
                   .arg(isOutlined ? 1 : 0);
    }
    return csv;
}

}  // namespace sieve::widgets

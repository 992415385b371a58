#pragma once
// Pruning heatmap: layers x matrix types, colour = pruning level (fraction of
// parameters removed) of one chromosome, usually the GA's best so far.
// Hovering a cell shows name, shape, level and parameters kept; clicking a
// cell emits matrixClicked; bottleneck matrices can be outlined.
#include <QPointF>
#include <memory>
#include <vector>

#include "core/types/matrix_info.h"
#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QMouseEvent;

namespace sieve::widgets {

class HeatmapPanel;

class PruningHeatmap : public PlotView {
    Q_OBJECT
public:
    explicit PruningHeatmap(QWidget* parent = nullptr);
    ~PruningHeatmap() override;

    // Geometry only; every cell blank until a chromosome arrives.
    void setModel(const ModelSummary& summary);
    // genes: level index per matrix into grid. Throws InputError when sizes disagree or an index is off the
    // grid.
    void setChromosome(const ModelSummary& summary, const LevelGrid& grid, const std::vector<int>& genes);
    // Per-matrix levels directly (e.g. the mean level over a population).
    void setLevels(const ModelSummary& summary, const std::vector<double>& levels);
    void setTitle(const QString& title);
    void setOutlined(const std::vector<int>& matrices);
    void setSelectedMatrix(int matrix);
    void clear();

    // Read back from the colour map: level at (layer, matrix type), NaN when blank.
    double cellLevel(int layer, MatrixType type) const;
    const std::vector<double>& levels() const;
    std::vector<int> outlined() const;
    int selectedMatrix() const;
    int matrixAt(const QPointF& plotPixel) const;
    QPointF cellCenter(int matrix) const;  // in customPlot() pixels
    // The tooltip text for a matrix (what hovering shows).
    QString toolTipFor(int matrix) const;
    // Text of the last tooltip shown by hovering (empty when none).
    QString lastToolTip() const { return lastToolTip_; }

    QString figureName() const override { return QStringLiteral("pruning_heatmap"); }
    QString toCsv() const override;
    double preferredAspect() const override { return 0.5; }

Q_SIGNALS:
    void matrixClicked(int matrix);

private:
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    std::unique_ptr<HeatmapPanel> panel_;
    QPointF pressPos_;
    int pressMatrix_ = -1;
    QString lastToolTip_;
};

}  // namespace sieve::widgets

#pragma once
// Pruning heatmap: layers x matrix types, colour = pruning level (fraction of
// parameters removed) of one chromosome, usually the GA's best so far.
// Hovering a cell shows name, shape, level and parameters kept; clicking a
// cell emits matrixClicked (and asks for the level menu of the playground),
// the mouse wheel over a cell asks to step its level. Bottleneck matrices
// are outlined in red, cells changed by hand framed in orange; a legend below
// the plot (and in exported figures) says what each mark means.
#include <QPointF>
#include <QStringList>
#include <map>
#include <memory>
#include <vector>

#include "core/types/matrix_info.h"
#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QCPGraph;
class QMouseEvent;
class QWheelEvent;

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
    QString title() const;  // the whole title (the plot breaks it into lines to fit)
    void setOutlined(const std::vector<int>& matrices);
    // Bottlenecks: outlined, explained in the legend (`legendText`) and, per
    // matrix, by a tooltip line (`notes`).
    void setBottlenecks(const std::vector<int>& matrices, const QString& legendText,
                        const std::map<int, QString>& notes);
    // Cells the user changed in the playground (framed; legend entry while any).
    void setEdited(const std::vector<int>& matrices);
    std::vector<int> edited() const;
    // Legend entries shown now, in order (for tests and the paper check).
    QStringList legendLabels() const;
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
    // A click on a cell: where the playground may offer the cell's levels.
    void levelMenuRequested(int matrix, const QPoint& globalPos);
    // The wheel over a cell: `steps` grid levels more (> 0) or less pruning.
    void levelStepRequested(int matrix, int steps);

private:
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    void onMouseWheel(QWheelEvent* event);
    void updateLegend();

    std::unique_ptr<HeatmapPanel> panel_;
    // Legend-only graphs (no data) whose icons show the marks on the cells.
    QCPGraph* bottleneckKey_ = nullptr;
    QCPGraph* editedKey_ = nullptr;
    QCPGraph* selectedKey_ = nullptr;
    std::map<int, QString> notes_;
    int wheelRemainder_ = 0;
    QPointF pressPos_;
    int pressMatrix_ = -1;
    QString lastToolTip_;
};

}  // namespace sieve::widgets

#pragma once
// One layers x matrix-types heatmap inside a QCustomPlot axis rect: x = layer,
// y = matrix type (q at the top, down at the bottom), one cell per prunable
// matrix, with its colour scale. Shared by the pruning, sensitivity and
// compare views so all three have the same geometry. Internal to widgets/.
#include <QPointF>
#include <QString>
#include <array>
#include <memory>
#include <vector>

#include "core/types/matrix_info.h"

class QCustomPlot;
class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;
class QCPColorGradient;
class QCPItemRect;
class QCPRange;
class QColor;
class QPen;

namespace sieve::widgets {

class HeatmapPanel {
public:
    // Draws into `rect` (owned by `plot`) with `scale` as its colour scale.
    HeatmapPanel(QCustomPlot* plot, QCPAxisRect* rect, QCPColorScale* scale);
    // A panel on `rect`, which sits in column 0 of `row` of the plot's layout,
    // with its colour scale beside it in column 1, top and bottom aligned.
    static std::unique_ptr<HeatmapPanel> inLayoutRow(QCustomPlot* plot, QCPAxisRect* rect, int row);

    void setModel(const ModelSummary& model);
    const ModelSummary& model() const { return model_; }
    int layerCount() const { return layers_; }

    // One value per matrix (ModelSummary::matrices order); NaN leaves a cell blank.
    void setValues(const std::vector<double>& perMatrix);
    const std::vector<double>& values() const { return values_; }
    void setDataRange(double lower, double upper);
    void setGradient(const QCPColorGradient& gradient);
    void setScaleLabel(const QString& label);
    void setTitle(const QString& title);  // drawn as the top axis label

    // What the colour map holds at a cell (read back from QCPColorMapData); NaN when blank.
    double cellValue(int layer, int typeIndex) const;
    // Matrix index under a widget pixel, or -1.
    int matrixAt(const QPointF& pixel) const;
    int matrixAt(int layer, int typeIndex) const;
    // Widget pixel at the centre of a matrix's cell (for tests and tooltips).
    QPointF cellCenterPixel(int matrix) const;

    // Rectangles around cells (bottlenecks, selection); replaces the previous set of that kind.
    void setOutlined(const std::vector<int>& matrices);
    const std::vector<int>& outlined() const { return outlined_; }
    void setSelected(int matrix);  // -1 clears
    int selected() const { return selected_; }
    // Cells a user changed by hand (the playground): a dashed orange frame.
    void setEdited(const std::vector<int>& matrices);
    const std::vector<int>& edited() const { return edited_; }

    QCPColorMap* colorMap() const { return map_; }
    QCPAxisRect* axisRect() const { return rect_; }

private:
    void configureAxes();
    QCPItemRect* makeCellRect(int matrix, const QPen& pen, double inset = 0.06);
    void clearRects(std::vector<QCPItemRect*>& rects);

    QCustomPlot* plot_;
    QCPAxisRect* rect_;
    QCPColorScale* scale_;
    QCPColorMap* map_;
    ModelSummary model_;
    int layers_ = 0;
    std::vector<std::array<int, kMatrixTypeCount>> cells_;  // [layer][type] -> matrix index or -1
    std::vector<double> values_;
    std::vector<int> outlined_;
    std::vector<QCPItemRect*> outlineRects_;
    int selected_ = -1;
    std::vector<QCPItemRect*> selectionRects_;
    std::vector<int> edited_;
    std::vector<QCPItemRect*> editedRects_;
};

// "4096 × 11008" (D × H).
QString shapeText(const MatrixInfo& m);

}  // namespace sieve::widgets

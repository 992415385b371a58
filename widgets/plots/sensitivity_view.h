#pragma once
// Bottlenecks: single-matrix sensitivity (each matrix alone pruned to a high
// level, the rest dense) as a heatmap of accuracy drops in the same geometry
// as the pruning heatmap, beside a table ranking the matrices, most sensitive
// first. Fills in live as measurements arrive.
#include <QPointF>
#include <memory>
#include <vector>

#include "core/types/matrix_info.h"
#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QMouseEvent;
class QTableWidget;

namespace sieve::widgets {

class HeatmapPanel;

class SensitivityView : public PlotView {
    Q_OBJECT
public:
    enum Column {
        RankColumn = 0,
        LayerColumn,
        MatrixColumn,
        ShapeColumn,
        AccuracyColumn,
        DropColumn,
        ColumnCount
    };

    explicit SensitivityView(QWidget* parent = nullptr);
    ~SensitivityView() override;

    void setModel(const ModelSummary& summary);
    void setBaseline(double a0);            // dense accuracy; drop = a0 - accuracy
    void setLevel(double level);            // the level each matrix was pruned to (shown in the title)
    void setMethod(const QString& method);  // the projection method (named in the title)
    QString title() const;
    // One measurement (live, from a SensitivityEvent).
    void addMeasurement(int matrix, double accuracy);
    // A finished result (replaces the measurements; uses its ranking).
    void setResult(const SensitivityResult& result);
    void clear();

    // Matrices whose drop is at least minDrop, most sensitive first, at most maxCount.
    std::vector<int> bottlenecks(double minDrop, int maxCount) const;
    // Ranking shown in the table (most sensitive first).
    const std::vector<int>& ranking() const { return ranking_; }
    double cellDrop(int layer, MatrixType type) const;  // read back from the colour map
    QTableWidget* table() const { return table_; }
    int matrixAt(const QPointF& plotPixel) const;
    QPointF cellCenter(int matrix) const;
    QString toolTipFor(int matrix) const;
    QString lastToolTip() const { return lastToolTip_; }
    void selectMatrix(int matrix);

    QString figureName() const override { return QStringLiteral("sensitivity_heatmap"); }
    QString toCsv() const override;
    double preferredAspect() const override { return 0.5; }

Q_SIGNALS:
    void matrixClicked(int matrix);

private:
    void refresh();  // heatmap and table from accuracy_
    void updateTitle();
    void fitTableWidth();
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    std::unique_ptr<HeatmapPanel> panel_;
    QTableWidget* table_;
    ModelSummary model_;
    double a0_ = 0;
    double level_ = 0.9;
    QString method_;
    std::vector<double> accuracy_;  // NaN = not measured yet
    std::vector<int> ranking_;
    bool fixedRanking_ = false;  // a finished result's own ranking
    QString lastToolTip_;
};

}  // namespace sieve::widgets

#pragma once
// Compare two tasks (e.g. two skills of the demo model): their pruning
// heatmaps and the difference A − B (diverging colours) stacked so the same
// layer lines up vertically in all three — where each task keeps its
// knowledge, at a glance.
#include <QPointF>
#include <QRect>
#include <QString>
#include <memory>
#include <utility>
#include <vector>

#include "core/types/matrix_info.h"
#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QMouseEvent;

namespace sieve::widgets {

class HeatmapPanel;

class CompareView : public PlotView {
    Q_OBJECT
public:
    enum class Panel { A = 0, B = 1, Difference = 2 };

    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    // Levels per matrix (fraction pruned) of each task's chromosome. Either
    // side may be empty: its panel then says how to fill it (B is the
    // current task's GA best, A a pinned one).
    void setComparison(const ModelSummary& summary, const QString& labelA, const std::vector<double>& levelsA,
                       const QString& labelB, const std::vector<double>& levelsB);
    void clear();
    // Both sides filled: the difference panel shows A − B.
    bool hasComparison() const { return hasComparison_; }
    bool hasSide(Panel panel) const;
    QString panelTitle(Panel panel) const;
    // The data range of a panel's colour scale (lower, upper).
    std::pair<double, double> colourRange(Panel panel) const;
    // Whether the panels number their layers (not before a model is open).
    bool showsLayerNumbers() const;

    double cellValue(Panel panel, int layer, MatrixType type) const;  // read back from the colour map
    // Where a panel is drawn (customPlot() pixels, as of the last replot): its
    // row (title, cells, tick labels), the cells alone, and the height of its
    // title as wrapped now.
    QRect rowRect(Panel panel) const;
    QRect cellsRect(Panel panel) const;
    int titleHeight(Panel panel) const;
    int matrixAt(Panel panel, const QPointF& plotPixel) const;
    QPointF cellCenter(Panel panel, int matrix) const;
    QString toolTipFor(int matrix) const;
    QString lastToolTip() const { return lastToolTip_; }

    QString figureName() const override { return QStringLiteral("task_comparison"); }
    QString toCsv() const override;
    // Three stacked heatmaps in one journal column: taller than wide, each
    // with room for its seven matrix-type labels at the paper's text size.
    double preferredAspect() const override { return 1.4; }
    // The three heatmaps equally high: each row's share of the height is its
    // cells plus its own margins (the bottom row also holds the layer axis
    // label, a title may wrap to two lines).
    bool balanceLayout() override;

Q_SIGNALS:
    void matrixClicked(int matrix);

private:
    HeatmapPanel& panel(Panel p) const { return *panels_[static_cast<int>(p)]; }
    int matrixAtAny(const QPointF& pixel) const;
    static QString emptyTitle(Panel panel);
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    std::unique_ptr<HeatmapPanel> panels_[3];
    QString labelA_, labelB_;
    bool hasComparison_ = false;
    bool hasSide_[2] = {false, false};
    QString lastToolTip_;
};

}  // namespace sieve::widgets

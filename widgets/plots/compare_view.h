#pragma once
// Compare two tasks (e.g. two skills of the demo model): their pruning
// heatmaps and the difference A − B (diverging colours) stacked so the same
// layer lines up vertically in all three — where each task keeps its
// knowledge, at a glance.
#include <QPointF>
#include <QString>
#include <memory>
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

    // Levels per matrix (fraction pruned) of each task's chromosome.
    void setComparison(const ModelSummary& summary, const QString& labelA, const std::vector<double>& levelsA,
                       const QString& labelB, const std::vector<double>& levelsB);
    void clear();
    bool hasComparison() const { return hasComparison_; }

    double cellValue(Panel panel, int layer, MatrixType type) const;  // read back from the colour map
    int matrixAt(Panel panel, const QPointF& plotPixel) const;
    QPointF cellCenter(Panel panel, int matrix) const;
    QString toolTipFor(int matrix) const;
    QString lastToolTip() const { return lastToolTip_; }

    QString figureName() const override { return QStringLiteral("task_comparison"); }
    QString toCsv() const override;
    double preferredAspect() const override { return 0.72; }
    // Three stacked heatmaps need a full text width.
    double paperWidthInches() const override { return 7.0; }

Q_SIGNALS:
    void matrixClicked(int matrix);

private:
    HeatmapPanel& panel(Panel p) const { return *panels_[static_cast<int>(p)]; }
    int matrixAtAny(const QPointF& pixel) const;
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    std::unique_ptr<HeatmapPanel> panels_[3];
    QString labelA_, labelB_;
    bool hasComparison_ = false;
    QString lastToolTip_;
};

}  // namespace sieve::widgets

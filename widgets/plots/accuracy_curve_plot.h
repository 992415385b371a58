#pragma once
// Accuracy vs % parameters pruned: one curve per projection method (uniform
// pruning), the GA's best chromosome as a star in its method's colour, the
// same chromosome's held-out accuracy as a hollow circle below or above it
// (joined by a dotted line), and the band of acceptable accuracy between
// (1 - eps) a0 and a0. Every mark has a legend entry naming its method.
#include <QColor>
#include <QPointF>
#include <QString>
#include <QVector>
#include <map>

#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QCPGraph;

namespace sieve::widgets {

class AccuracyCurvePlot : public PlotView {
    Q_OBJECT
public:
    explicit AccuracyCurvePlot(QWidget* parent = nullptr);
    // Taller than the default: the legend sits below the axes (up to four rows on paper).
    double preferredAspect() const override { return 0.9; }
    // Up to six methods, their GA points and the band: at most a quarter of the figure.
    double maxLegendShare() const override { return 0.25; }

    void setBaseline(double a0, double eps);
    // Live: one evaluated point of a method's sweep (kept sorted by % pruned).
    void addUniformPoint(const QString& method, const UniformPoint& point);
    // A finished sweep replaces that method's curve.
    void setUniformResult(const UniformResult& result);
    void setGaBest(const QString& method, const Individual& best);
    // The GA best's accuracy on the held-out examples (seen by no search).
    void setHeldOut(const QString& method, double removedFraction, double accuracy);
    // (percent pruned, accuracy) of the held-out points drawn, one per method.
    QVector<QPointF> heldOutData() const;
    // The colour and shape each method's GA point is drawn with (for tests).
    QColor gaColor(const QString& method) const;
    void clear();

    QStringList methods() const;
    // (percent pruned, accuracy) per point, read back from the method's graph.
    QVector<QPointF> curveData(const QString& method) const;
    // (percent pruned, accuracy) of the GA best points drawn, one per method.
    QVector<QPointF> gaBestData() const;
    double threshold() const { return (1.0 - eps_) * a0_; }
    double a0() const { return a0_; }
    // Legend labels in drawing order (for tests and checks of paper readiness).
    QStringList legendLabels() const;

    QString figureName() const override { return QStringLiteral("accuracy_vs_pruning"); }
    QString toCsv() const override;

private:
    QCPGraph* curveFor(const QString& method);
    QCPGraph* gaGraphFor(const QString& method);
    QCPGraph* heldOutGraphFor(const QString& method);
    void updateHeldOutLink(const QString& method);
    void updateBand();
    void updateRanges();

    double a0_ = 0;
    double eps_ = 0.05;
    bool haveBaseline_ = false;
    QCPGraph* a0Line_;
    QCPGraph* thresholdLine_;
    std::map<QString, QCPGraph*> curves_;
    std::map<QString, QCPGraph*> gaBest_;
    std::map<QString, QCPGraph*> heldOut_;      // hollow circle per method
    std::map<QString, QCPGraph*> heldOutLink_;  // dotted line from the star to it (no legend entry)
    std::map<QString, QPointF> heldOutPoints_;
    std::map<QString, std::vector<UniformPoint>> points_;
    std::map<QString, Individual> gaIndividuals_;
};

}  // namespace sieve::widgets

#pragma once
// Accuracy vs % parameters pruned: one curve per projection method (uniform
// pruning), a dashed one beside it for the method with 8-bit factors where
// that was swept ("<method>, 8-bit factors"), the GA's best chromosome as a
// star in its method's colour, the same chromosome's held-out accuracy as a
// hollow circle below or above it (joined by a dotted line), and the band of
// acceptable accuracy between (1 - eps) a0 and a0. Every mark has a legend
// entry naming its method. With the number of examples the accuracies were
// measured on, every curve point and GA best carries its Wilson 95 % interval
// as an error bar: a curve's wiggles and a gap between methods mean something
// only where the bars do not overlap. LoRA recoveries of the session are
// drawn per method as "<method> + LoRA": their search accuracy after
// training, at the share removed (diamonds, joined where there are several
// levels), beside the curve without.
#include <QColor>
#include <QPointF>
#include <QString>
#include <QVector>
#include <map>

#include "core/types/lora.h"
#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QCPGraph;
class QCPErrorBars;

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
    // Live: one evaluated point of a method's sweep (kept sorted by % pruned),
    // of its 8-bit curve with `int8Factors`.
    void addUniformPoint(const QString& method, const UniformPoint& point, bool int8Factors = false);
    // A finished sweep replaces that method's curve and its 8-bit curve
    // (removed when the result has none).
    void setUniformResult(const UniformResult& result);
    void setGaBest(const QString& method, const Individual& best);
    // The GA best's accuracy on the held-out examples (seen by no search).
    void setHeldOut(const QString& method, double removedFraction, double accuracy);
    // (percent pruned, accuracy) of the held-out points drawn, one per method.
    QVector<QPointF> heldOutData() const;
    // The colour and shape each method's GA point is drawn with (for tests).
    QColor gaColor(const QString& method) const;
    // The examples every accuracy was measured on (the search examples) and
    // whether the metric is a proportion of them (acc, exact match, ...):
    // then each point gets its Wilson 95 % interval as an error bar (and the
    // CSV two more columns). 0 examples draws none.
    void setExamples(int64_t examples, bool proportionMetric);
    // The session's LoRA runs (replacing the ones drawn before).
    void setLoraRuns(const std::vector<LoraRun>& runs);
    // (percent pruned, search accuracy after LoRA) per run of `method` (its
    // 8-bit-factor runs with `int8Factors`), by share removed.
    QVector<QPointF> loraData(const QString& method, bool int8Factors = false) const;
    int64_t examples() const { return proportionMetric_ ? examples_ : 0; }
    void clear();

    QStringList methods() const;
    // (percent pruned, accuracy) per point, read back from the method's graph
    // (its 8-bit curve's with `int8Factors`; empty when there is none).
    QVector<QPointF> curveData(const QString& method, bool int8Factors = false) const;
    // (percent pruned, accuracy) of the GA best points drawn, one per method.
    QVector<QPointF> gaBestData() const;
    // (low, high) of the error bar at each point of curveData(method), in its
    // order; empty when no bars are drawn.
    QVector<QPointF> intervalData(const QString& method) const;
    double threshold() const { return (1.0 - eps_) * a0_; }
    double a0() const { return a0_; }
    // Legend labels in drawing order (for tests and checks of paper readiness).
    QStringList legendLabels() const;

    QString figureName() const override { return QStringLiteral("accuracy_vs_pruning"); }
    QString toCsv() const override;

private:
    // A method's curve, or its 8-bit curve.
    struct CurveKey {
        QString method;
        bool int8 = false;
        bool operator<(const CurveKey& o) const {
            return method != o.method ? method < o.method : int8 < o.int8;
        }
    };
    QCPGraph* curveFor(const CurveKey& key);
    void redrawCurve(const CurveKey& key);
    QCPGraph* gaGraphFor(const QString& method);
    QCPGraph* heldOutGraphFor(const QString& method);
    void updateHeldOutLink(const QString& method);
    void updateBand();
    void updateRanges();
    void updateErrorBars();
    QCPErrorBars* barsFor(QCPGraph* graph);
    static QString loraKey(const QString& method, bool int8Factors);

    double a0_ = 0;
    double eps_ = 0.05;
    bool haveBaseline_ = false;
    QCPGraph* a0Line_;
    QCPGraph* thresholdLine_;
    std::map<CurveKey, QCPGraph*> curves_;
    std::map<QString, QCPGraph*> gaBest_;
    std::map<QString, QCPGraph*> heldOut_;      // hollow circle per method
    std::map<QString, QCPGraph*> heldOutLink_;  // dotted line from the star to it (no legend entry)
    std::map<QString, QPointF> heldOutPoints_;
    std::map<CurveKey, std::vector<UniformPoint>> points_;
    std::map<QString, Individual> gaIndividuals_;
    std::map<QCPGraph*, QCPErrorBars*> bars_;
    std::map<QString, QCPGraph*> lora_;                   // "<method> + LoRA"
    std::map<QString, std::vector<QPointF>> loraPoints_;  // (percent, accuracy), sorted
    int64_t examples_ = 0;
    bool proportionMetric_ = false;
};

}  // namespace sieve::widgets

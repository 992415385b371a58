#pragma once
// GA convergence: best and mean fitness per generation (left axis), every
// chromosome of every population as a dot, and the fraction of feasible
// chromosomes (right axis), with the feasibility threshold drawn at fitness 0
// (feasible fitness = fraction of parameters removed; infeasible = minus the
// relative accuracy shortfall). A title names the method. Generations are
// appended to a buffer and drawn on a ~15 Hz timer, never once per event, so
// a fast GA cannot flood the event loop (PlotJuggler style). For replaying a
// finished search the plot can stop at any generation (setReplayGeneration).
#include <QPointF>
#include <QVector>
#include <vector>

#include "core/types/results.h"
#include "widgets/plots/plot_view.h"

class QTimer;
class QCPGraph;
class QCPItemStraightLine;
class QCPTextElement;

namespace sieve::widgets {

class GaConvergencePlot : public PlotView {
    Q_OBJECT
public:
    enum class Series { BestFitness, MeanFitness, FeasibleFraction, Population };
    static constexpr int kRedrawIntervalMs = 66;  // ~15 Hz

    explicit GaConvergencePlot(QWidget* parent = nullptr);

    // Buffers one finished generation; the plot catches up at the next timer tick.
    void appendGeneration(const Generation& generation);
    // Replaces everything (a session being opened) and draws at once.
    void setGenerations(const std::vector<Generation>& generations);
    void clear();
    // Shown in the threshold label: "feasible: accuracy ≥ (1 − ε) a0".
    void setEps(double eps);
    double eps() const { return eps_; }
    // The line above the plot ("Genetic search with LLM-Sieve …"); empty hides it.
    void setTitle(const QString& title);
    QString title() const;
    // Draws generations 0..index only and marks `index` (a replay); -1 draws all.
    void setReplayGeneration(int index);
    int replayGeneration() const { return replayGeneration_; }
    // Moves buffered generations into the graphs now (the timer does this by itself).
    void flushPending();

    int generationCount() const { return static_cast<int>(history_.size()); }
    int pendingCount() const { return static_cast<int>(pending_.size()); }
    // What a graph holds, (generation, value) per point, read back from the plot.
    QVector<QPointF> seriesData(Series series) const;

    QString figureName() const override { return QStringLiteral("ga_convergence"); }
    // A title, two y axes and a two-row legend: a little taller than the default.
    double preferredAspect() const override { return 0.85; }
    QString toCsv() const override;

private:
    struct Row {
        int generation;
        double best;
        double mean;
        double feasible;
        std::vector<double> population;  // fitness of every chromosome
    };
    static Row rowOf(const Generation& g);
    void drawRows(const std::vector<Row>& rows);
    void redrawHistory();
    void updateRanges();
    QCPGraph* graph(Series series) const;

    QTimer* redrawTimer_;
    std::vector<Row> pending_;
    std::vector<Row> history_;
    QCPGraph* best_;
    QCPGraph* mean_;
    QCPGraph* feasible_;
    QCPGraph* population_;
    QCPItemStraightLine* threshold_;
    QCPGraph* thresholdKey_;
    QCPItemStraightLine* replayLine_;
    QCPTextElement* title_;
    double eps_ = 0.05;
    int replayGeneration_ = -1;
};

}  // namespace sieve::widgets

#pragma once
// Base of every figure in the workbench: a QWidget around one QCustomPlot,
// which the figure export renders (PDF, SVG, PNG) and whose plotted data the
// view writes as CSV. Headers here forward-declare QCustomPlot so that code
// built with QT_NO_KEYWORDS (the tests) can include them.
#include <QString>
#include <QWidget>

class QCustomPlot;

namespace sieve::widgets {

class PlotView : public QWidget {
    Q_OBJECT
public:
    explicit PlotView(QWidget* parent = nullptr);

    QCustomPlot* customPlot() const { return plot_; }
    // The same plot as a plain QWidget (for code that cannot include qcustomplot.h).
    QWidget* plotWidget() const;
    // File base name of exported figures ("ga_convergence").
    virtual QString figureName() const = 0;
    // The plotted data, as CSV with a header row.
    virtual QString toCsv() const = 0;
    // Exported figure height / width.
    virtual double preferredAspect() const { return 0.68; }
    // Width of the "paper" preset: one column (3.5 in) unless a view needs two.
    virtual double paperWidthInches() const { return 3.5; }
    // The most of an exported figure's height its legend may take.
    virtual double maxLegendShare() const { return 0.34; }
    // After a layout (on screen or on an export's canvas): evens out what the
    // layout alone cannot (the compare view's three heatmaps get equal
    // heights whatever their titles and axis labels take). True when it
    // changed something and the plot must be laid out again.
    virtual bool balanceLayout() { return false; }

    // Number of times the plot has been redrawn (for throttling checks and diagnostics).
    int replotCount() const { return replots_; }

protected:
    // Schedules one redraw at the next event-loop pass (coalesces bursts of updates).
    void requestReplot();

private:
    // Before every redraw: titles set with style::setWrappingLabel/Text are
    // broken into lines that fit the width they have now.
    void wrapTitles();

private:
    QCustomPlot* plot_;  // child widget; subclasses place it in their layout
    int replots_ = 0;
};

}  // namespace sieve::widgets

#pragma once
// Where a running job shows itself: phase, a progress bar, the ETA and the
// latest log line; the full log sits below.
#include <QWidget>

#include "core/types/job.h"
#include "widgets/common/metatypes.h"

class QLabel;
class QProgressBar;
class QPlainTextEdit;

namespace sieve::widgets {

class ElidedLabel;

class ProgressPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProgressPanel(QWidget* parent = nullptr);

    void setProgress(const Progress& progress);
    // Models per generation of the genetic search about to run (for "generation 3 of 15").
    void setGaPopulation(int population) { gaPopulation_ = population; }
    void appendLog(const QString& line);
    void setIdle(const QString& message, bool complete = false);
    QString phaseText() const;
    QString etaText() const;
    QString lastLogLine() const;
    int percent() const;  // -1 when the bar is indeterminate or idle
    QPlainTextEdit* log() const { return log_; }

    static QString formatDuration(double seconds);

private:
    QLabel* phase_;
    QProgressBar* bar_;
    QLabel* eta_;
    ElidedLabel* lastLine_;
    QPlainTextEdit* log_;
    int gaPopulation_ = 1;
};

}  // namespace sieve::widgets

#include "widgets/panels/progress_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTime>
#include <cmath>

#include "widgets/common/elided_label.h"
#include "widgets/panels/progress_text.h"

namespace sieve::widgets {

ProgressPanel::ProgressPanel(QWidget* parent) : QWidget(parent) {
    phase_ = new QLabel(this);
    phase_->setWordWrap(true);  // "Genetic search (LLM-Sieve): generation 12 of 60, …" never cut
    bar_ = new QProgressBar(this);
    bar_->setTextVisible(true);
    eta_ = new QLabel(this);
    eta_->setMinimumWidth(110);
    lastLine_ = new ElidedLabel(this);
    lastLine_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    log_ = new QPlainTextEdit(this);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setPlaceholderText(tr("The log of every job appears here"));
    auto* layout = new QGridLayout(this);
    layout->addWidget(phase_, 0, 0);
    layout->addWidget(bar_, 0, 1);
    layout->addWidget(eta_, 0, 2);
    layout->addWidget(lastLine_, 1, 0, 1, 3);
    layout->addWidget(log_, 2, 0, 1, 3);
    layout->setVerticalSpacing(3);
    log_->setMinimumHeight(40);
    layout->setColumnStretch(0, 3);
    layout->setColumnStretch(1, 2);
    setIdle(tr("Idle"));
}

QString ProgressPanel::formatDuration(double seconds) {
    if (seconds < 0) return QString();
    const int s = static_cast<int>(std::lround(seconds));
    if (s < 60) return tr("%1 s").arg(s);
    if (s < 3600) return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

void ProgressPanel::setProgress(const Progress& p) {
    const ProgressText text = describeProgress(p, gaPopulation_);
    phase_->setText(text.phase);
    phase_->setToolTip(text.phase);
    if (p.total > 0) {
        bar_->setRange(0, 1000);
        bar_->setValue(static_cast<int>(std::lround(1000.0 * double(p.done) / double(p.total))));
        bar_->setFormat(text.bar);
    } else {
        bar_->setRange(0, 0);  // busy indicator
    }
    eta_->setText(p.etaSeconds >= 0 ? tr("ETA %1").arg(formatDuration(p.etaSeconds))
                                    : tr("elapsed %1").arg(formatDuration(p.elapsedSeconds)));
    // A known phase says everything in its line; only an unknown one needs the
    // engine's detail (which would otherwise go stale: "level 0.6" during the GA).
    if (!text.known && !p.detail.empty()) lastLine_->setFullText(QString::fromStdString(p.detail));
}

void ProgressPanel::appendLog(const QString& line) {
    lastLine_->setFullText(line);
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void ProgressPanel::setIdle(const QString& message, bool complete) {
    phase_->setText(message);
    bar_->setRange(0, 1000);
    bar_->setValue(complete ? 1000 : 0);
    bar_->setFormat(QString());
    eta_->clear();
}

QString ProgressPanel::phaseText() const {
    return phase_->text();
}
QString ProgressPanel::etaText() const {
    return eta_->text();
}
QString ProgressPanel::lastLogLine() const {
    return lastLine_->fullText();
}
int ProgressPanel::percent() const {
    if (bar_->maximum() == 0) return -1;
    return static_cast<int>(std::lround(100.0 * bar_->value() / bar_->maximum()));
}

}  // namespace sieve::widgets

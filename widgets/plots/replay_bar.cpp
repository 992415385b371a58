#include "widgets/plots/replay_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QToolButton>

namespace sieve::widgets {

ReplayBar::ReplayBar(QWidget* parent) : QWidget(parent), timer_(new QTimer(this)) {
    setObjectName(QStringLiteral("replayBar"));
    play_ = new QToolButton(this);
    play_->setObjectName(QStringLiteral("replayPlay"));
    play_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    play_->setToolTip(tr("Replay the genetic search from its first generation"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("replaySlider"));
    slider_->setToolTip(
        tr("Generation of the genetic search to show: the convergence plot stops there and "
           "the heatmap shows the best chromosome found by then"));
    slider_->setPageStep(1);
    label_ = new QLabel(this);
    auto* title = new QLabel(tr("Replay the search:"), this);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(title);
    layout->addWidget(play_);
    layout->addWidget(slider_, 1);
    layout->addWidget(label_);
    timer_->setInterval(kPlayIntervalMs);
    connect(timer_, &QTimer::timeout, this, &ReplayBar::step);
    connect(play_, &QToolButton::clicked, this, [this] { isPlaying() ? stop() : play(); });
    connect(slider_, &QSlider::valueChanged, this, &ReplayBar::onSlider);
    setGenerationCount(0);
}

void ReplayBar::setGenerationCount(int count) {
    const bool atEnd = generation() < 0;
    count_ = std::max(0, count);
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, count_ - 1));
    if (atEnd) slider_->setValue(slider_->maximum());
    setEnabled(count_ > 1);
    if (count_ <= 1) stop();
    updateLabel();
}

int ReplayBar::generation() const {
    if (count_ == 0 || slider_->value() >= slider_->maximum()) return -1;
    return slider_->value();
}

void ReplayBar::setGeneration(int index) {
    slider_->setValue(index < 0 ? slider_->maximum() : index);
}

bool ReplayBar::isPlaying() const {
    return timer_->isActive();
}

void ReplayBar::play() {
    if (count_ <= 1) return;
    if (generation() < 0) setGeneration(0);  // from the start
    timer_->start();
    updateLabel();
}

void ReplayBar::stop() {
    timer_->stop();
    updateLabel();
}

void ReplayBar::step() {
    if (slider_->value() >= slider_->maximum()) {
        stop();
        return;
    }
    slider_->setValue(slider_->value() + 1);
}

void ReplayBar::onSlider(int) {
    updateLabel();
    Q_EMIT generationChosen(generation());
}

void ReplayBar::updateLabel() {
    play_->setText(isPlaying() ? tr("Pause") : tr("Play"));
    if (count_ == 0)
        label_->setText(tr("no generations yet"));
    else if (generation() < 0)
        label_->setText(tr("generation %1 of %2 (latest)").arg(count_ - 1).arg(count_ - 1));
    else
        label_->setText(tr("generation %1 of %2").arg(generation()).arg(count_ - 1));
}

}  // namespace sieve::widgets

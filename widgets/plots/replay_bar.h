#pragma once
// Replays a finished genetic search from the session, generation by
// generation: a slider (and Play) chooses a generation; the window redraws
// the convergence plot up to it, its population, and the heatmap with the
// best chromosome found by then. At the right end the views show the result
// as it is (live while a search runs).
#include <QWidget>

class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace sieve::widgets {

class ReplayBar : public QWidget {
    Q_OBJECT
public:
    static constexpr int kPlayIntervalMs = 500;

    explicit ReplayBar(QWidget* parent = nullptr);

    // Generations the session holds (0 hides nothing but disables the bar);
    // keeps the position unless it was at the end.
    void setGenerationCount(int count);
    int generationCount() const { return count_; }
    // The generation shown; -1 = the latest (no replay).
    int generation() const;
    void setGeneration(int index);  // -1 = the latest
    bool isPlaying() const;
    void play();
    void stop();
    QSlider* slider() const { return slider_; }
    QToolButton* playButton() const { return play_; }

Q_SIGNALS:
    // The generation to show (-1 = the latest).
    void generationChosen(int index);

private:
    void onSlider(int value);
    void step();
    void updateLabel();

    QToolButton* play_;
    QSlider* slider_;
    QLabel* label_;
    QTimer* timer_;
    int count_ = 0;
};

}  // namespace sieve::widgets

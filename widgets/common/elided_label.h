#pragma once
// A one-line label for text that may be longer than any window (log lines
// with file paths): it takes the width the layout gives it, ends the text
// with "…" when it does not fit, and shows all of it as its tooltip. A plain
// QLabel would instead demand its whole text's width and push the window
// wider than the screen.
#include <QLabel>

namespace sieve::widgets {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return full_; }
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();
    QString full_;
};

}  // namespace sieve::widgets

#pragma once
// One look for every figure: colour maps, method colours and labels, axis
// styling. Internal to widgets/ (it includes qcustomplot.h).
#include <qcustomplot.h>
#include <QColor>
#include <QString>

#include "widgets/plots/text_wrap.h"

namespace sieve::widgets::style {

// Sequential map for pruning levels: dark = dense, bright = heavily pruned (viridis).
QCPColorGradient levelGradient();
// Sequential map for accuracy drops: white = harmless, dark red = bottleneck.
QCPColorGradient dropGradient();
// Diverging map for differences: blue < 0 < red, white at 0.
QCPColorGradient differenceGradient();

// A stable colour and marker per projection method, so every figure agrees.
QColor methodColor(const QString& method);
QCPScatterStyle::ScatterShape methodMarker(const QString& method);
// Human label of a method for legends ("LLM-Sieve", "Weight SVD", ...), and
// its one-line description, translated.
QString methodLabel(const QString& method);
QString methodDescription(const QString& method);

// Grid, tick and label styling shared by all axes.
void styleAxisRect(QCPAxisRect* rect);

// Titles that wrap between words to the width they have (on screen by
// PlotView before every replot, in exported figures by the preset): the full
// text is kept on the axis or text element, the shown one is broken into lines.
void setWrappingLabel(QCPAxis* axis, const QString& text);
void setWrappingText(QCPTextElement* element, const QString& text);
QString fullText(const QCPAxis* axis);
QString fullText(const QCPTextElement* element);

// "42 %" with no more digits than needed.
QString percent(double fraction, int decimals = 0);
// "16.8 M", "524 k".
QString compactCount(double count);

}  // namespace sieve::widgets::style

#pragma once
// Line breaking for figure titles and notes, apart from plot_style.h so that
// code built without Qt keywords (the tests) can use it without qcustomplot.h.
#include <QFont>
#include <QString>

namespace sieve::widgets::style {

// `text` broken between words into lines no wider than `width` pixels of
// `font`. Units, dashes and relations stay with their numbers: "5 %",
// "ε = 5 %", "≥ 0.950", "2 ×" are never split across lines.
QString wrapText(const QString& text, const QFont& font, double width);

}  // namespace sieve::widgets::style

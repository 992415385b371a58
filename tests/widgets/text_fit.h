#pragma once
// Which texts of a window are cut: every visible label, button, check box,
// tab, table header and cell, group box and dock title, combo box, spin box
// and marked line edit is measured with QFontMetrics against the room its
// widget has. Widgets that shorten text on purpose (an ElidedLabel with the
// full text as its tooltip, a table of free-text prompts) carry the property
// "sieveMayElide" or "sieveCellsMayElide" and are skipped. Each finding
// names the widget, its text, and the pixels it needs and has.
#include <QStringList>

class QCustomPlot;
class QWidget;

namespace sieve::test {

QStringList cutTexts(QWidget* root);
// The names a plot's legend shows, and how many free text items it draws
// (tests of plots read them here: only this file includes qcustomplot.h).
QStringList legendNames(QCustomPlot* plot);
int textItems(QCustomPlot* plot);

}  // namespace sieve::test

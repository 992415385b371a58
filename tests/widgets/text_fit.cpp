// qcustomplot.h needs Qt's signals/slots keywords, which the tests turn off
// (QT_NO_KEYWORDS): this file reads plot texts, includes no torch, and so
// turns them back on before any Qt header.
#undef QT_NO_KEYWORDS
#include <qcustomplot.h>

#include "text_fit.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QStyleOptionSpinBox>
#include <QTabBar>
#include <QTableWidget>
#include <QTextDocument>
#include <QToolButton>
#include <QTreeWidget>
#include <functional>

#include "widgets/plots/plot_view.h"

namespace sieve::test {

namespace {

QString name(const QWidget* w) {
    QString n = QString::fromLatin1(w->metaObject()->className());
    if (!w->objectName().isEmpty()) n += QLatin1Char('#') + w->objectName();
    return n;
}

QString plain(QString text) {
    return text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
}

int widest(const QFontMetrics& fm, const QString& text) {
    int w = 0;
    for (const QString& line : text.split(QLatin1Char('\n'))) w = std::max(w, fm.horizontalAdvance(line));
    return w;
}

// Shown (not on a hidden tab, not in a hidden dock) and inside the window.
bool visibleIn(const QWidget* w, const QWidget* root) {
    if (w != root && !w->isVisibleTo(root)) return false;
    if (w->width() <= 0 || w->height() <= 0) return false;
    const QRect inRoot(w->mapTo(root, QPoint(0, 0)), w->size());
    return inRoot.intersects(root->rect());
}

void report(QStringList& out, const QWidget* w, const QString& what, const QString& text, int needs,
            int has) {
    out << QStringLiteral("%1 %2 \"%3\": needs %4 px, has %5 px")
               .arg(name(w), what, text)
               .arg(needs)
               .arg(has);
}

void checkLabel(QLabel* label, QStringList& out) {
    if (label->text().isEmpty() || label->property("sieveMayElide").toBool() || !label->pixmap().isNull())
        return;
    QString text = label->text();
    if (Qt::mightBeRichText(text)) {
        QTextDocument doc;
        doc.setHtml(text);
        text = doc.toPlainText();
    }
    text = label->buddy() ? plain(text) : text;
    const QRect room =
        label->contentsRect().adjusted(label->margin(), label->margin(), -label->margin(), -label->margin());
    if (label->wordWrap()) {
        const int needs = label->heightForWidth(label->width());
        if (needs > label->height() + 1)
            report(out, label, QStringLiteral("(wrapped) height"), text, needs, label->height());
        return;
    }
    const int needs = widest(label->fontMetrics(), text) + label->indent() * (label->indent() > 0 ? 1 : 0);
    if (needs > room.width()) report(out, label, QStringLiteral("label"), text, needs, room.width());
}

void checkButton(QAbstractButton* button, QStringList& out) {
    if (button->text().isEmpty()) return;
    if (qobject_cast<QToolButton*>(button) && button->parentWidget() &&
        qobject_cast<QTabBar*>(button->parentWidget()))
        return;  // a tab bar's scroll arrows (checked with the tab bar)
    const int needs = button->sizeHint().width();
    if (needs > button->width())
        report(out, button, QStringLiteral("button"), plain(button->text()), needs, button->width());
}

void checkTabBar(QTabBar* bar, QStringList& out) {
    const QFontMetrics fm = bar->fontMetrics();
    for (int i = 0; i < bar->count(); ++i) {
        const QRect r = bar->tabRect(i);
        const int needs = fm.horizontalAdvance(plain(bar->tabText(i))) +
                          2 * bar->style()->pixelMetric(QStyle::PM_TabBarTabHSpace, nullptr, bar) / 2;
        if (needs > r.width()) report(out, bar, QStringLiteral("tab"), bar->tabText(i), needs, r.width());
        if (r.right() > bar->width())
            report(out, bar, QStringLiteral("tab beyond the bar"), bar->tabText(i), r.right(), bar->width());
    }
}

void checkHeader(QHeaderView* header, QStringList& out) {
    if (header->orientation() != Qt::Horizontal || !header->model()) return;
    const QFontMetrics fm = header->fontMetrics();
    const int margin = 2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c)) continue;
        const QString text = header->model()->headerData(c, Qt::Horizontal).toString();
        const int needs = fm.horizontalAdvance(text) + margin;
        if (needs > header->sectionSize(c))
            report(out, header, QStringLiteral("column header"), text, needs, header->sectionSize(c));
    }
}

void checkTable(QTableWidget* table, QStringList& out) {
    if (table->property("sieveCellsMayElide").toBool()) return;
    const QFontMetrics fm = table->fontMetrics();
    const int padding = 2 * table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table) + 2;
    for (int row = 0; row < table->rowCount(); ++row)
        for (int c = 0; c < table->columnCount(); ++c)
            if (const QTableWidgetItem* item = table->item(row, c)) {
                const int needs = fm.horizontalAdvance(item->text()) + padding;
                if (needs > table->columnWidth(c)) {
                    report(out, table, QStringLiteral("cell"), item->text(), needs, table->columnWidth(c));
                    return;  // one finding per table is enough
                }
            }
}

void checkTree(QTreeWidget* tree, QStringList& out) {
    const QFontMetrics fm = tree->fontMetrics();
    const int padding = 2 * tree->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, tree) + 2;
    // Collapsed rows too: they are cut the moment the user expands them.
    std::function<void(QTreeWidgetItem*, int)> visit = [&](QTreeWidgetItem* item, int depth) {
        for (int c = 0; c < tree->columnCount(); ++c) {
            int needs = fm.horizontalAdvance(item->text(c)) + padding;
            if (c == 0) needs += tree->indentation() * (depth + 1);
            if (needs > tree->columnWidth(c)) {
                report(out, tree, QStringLiteral("cell"), item->text(c), needs, tree->columnWidth(c));
                return;
            }
        }
        for (int i = 0; i < item->childCount(); ++i) visit(item->child(i), depth + 1);
    };
    for (int i = 0; i < tree->topLevelItemCount(); ++i) visit(tree->topLevelItem(i), 0);
}

void checkCombo(QComboBox* combo, QStringList& out) {
    QStyleOptionComboBox option;
    option.initFrom(combo);
    option.editable = combo->isEditable();
    const QRect field =
        combo->style()->subControlRect(QStyle::CC_ComboBox, &option, QStyle::SC_ComboBoxEditField, combo);
    const int needs = combo->fontMetrics().horizontalAdvance(combo->currentText());
    if (needs > field.width())
        report(out, combo, QStringLiteral("combo box"), combo->currentText(), needs, field.width());
}

void checkSpinBox(QAbstractSpinBox* spin, QStringList& out) {
    const QLineEdit* edit = spin->findChild<QLineEdit*>();
    if (!edit) return;
    const int needs = spin->fontMetrics().horizontalAdvance(spin->text()) + 4;
    if (needs > edit->width())
        report(out, spin, QStringLiteral("spin box"), spin->text(), needs, edit->width());
}

void checkLineEdit(QLineEdit* edit, QStringList& out) {
    if (!edit->property("sieveMustFit").toBool()) return;
    const QRect room = edit->contentsRect().marginsRemoved(edit->textMargins());
    const int needs = edit->fontMetrics().horizontalAdvance(edit->text()) + 8;  // the frame's inner padding
    if (needs > room.width())
        report(out, edit, QStringLiteral("line edit"), edit->text(), needs, room.width());
}

void checkGroupBox(QGroupBox* box, QStringList& out) {
    const int needs = box->fontMetrics().horizontalAdvance(plain(box->title())) + 16;
    if (needs > box->width())
        report(out, box, QStringLiteral("group title"), box->title(), needs, box->width());
}

void checkDock(QDockWidget* dock, QStringList& out) {
    const int buttons = 2 * dock->style()->pixelMetric(QStyle::PM_TitleBarButtonSize, nullptr, dock) + 16;
    const int needs = dock->fontMetrics().horizontalAdvance(dock->windowTitle()) + buttons;
    if (needs > dock->width())
        report(out, dock, QStringLiteral("dock title"), dock->windowTitle(), needs, dock->width());
}

// Plot titles and axis labels are drawn by QCustomPlot, which never elides:
// a long one runs past its axis rect (or the plot) instead.
void checkPlot(widgets::PlotView* view, QStringList& out) {
    QCustomPlot* plot = view->customPlot();
    if (!visibleIn(plot, view->window())) return;
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            if (!axis->visible() || axis->label().isEmpty()) continue;
            const QFontMetrics fm(axis->labelFont());
            const bool horizontal = axis->orientation() == Qt::Horizontal;
            const int needs = widest(fm, axis->label());
            const int has = horizontal ? rect->width() : rect->height();
            if (needs > has) report(out, plot, QStringLiteral("axis label"), axis->label(), needs, has);
        }
    if (plot->legend && plot->legend->visible() && plot->legend->layout())
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = plot->legend->item(i)) {
                const int needs = item->minimumOuterSizeHint().width();
                if (item->outerRect().right() > plot->width() || needs > plot->width())
                    report(out, plot, QStringLiteral("legend entry"),
                           qobject_cast<QCPPlottableLegendItem*>(item)
                               ? qobject_cast<QCPPlottableLegendItem*>(item)->plottable()->name()
                               : QString(),
                           std::max(needs, item->outerRect().right()), plot->width());
            }
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
            if (text->visible() && widest(QFontMetrics(text->font()), text->text()) > plot->width())
                report(out, plot, QStringLiteral("plot title"), text->text(),
                       widest(QFontMetrics(text->font()), text->text()), plot->width());
}

}  // namespace

QStringList cutTexts(QWidget* root) {
    QStringList out;
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(root);
    for (QWidget* w : widgets) {
        if (!visibleIn(w, root)) continue;
        if (auto* label = qobject_cast<QLabel*>(w))
            checkLabel(label, out);
        else if (auto* button = qobject_cast<QAbstractButton*>(w))
            checkButton(button, out);
        else if (auto* bar = qobject_cast<QTabBar*>(w))
            checkTabBar(bar, out);
        else if (auto* header = qobject_cast<QHeaderView*>(w))
            checkHeader(header, out);
        else if (auto* table = qobject_cast<QTableWidget*>(w))
            checkTable(table, out);
        else if (auto* tree = qobject_cast<QTreeWidget*>(w))
            checkTree(tree, out);
        else if (auto* combo = qobject_cast<QComboBox*>(w))
            checkCombo(combo, out);
        else if (auto* spin = qobject_cast<QAbstractSpinBox*>(w))
            checkSpinBox(spin, out);
        else if (auto* edit = qobject_cast<QLineEdit*>(w)) {
            if (!qobject_cast<QAbstractSpinBox*>(edit->parentWidget()) &&
                !qobject_cast<QComboBox*>(edit->parentWidget()))
                checkLineEdit(edit, out);
        } else if (auto* box = qobject_cast<QGroupBox*>(w))
            checkGroupBox(box, out);
        else if (auto* dock = qobject_cast<QDockWidget*>(w))
            checkDock(dock, out);
        if (auto* view = qobject_cast<widgets::PlotView*>(w)) checkPlot(view, out);
    }
    return out;
}

QStringList legendNames(QCustomPlot* plot) {
    QStringList out;
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i)))
            out << item->plottable()->name();
    return out;
}

int textItems(QCustomPlot* plot) {
    int count = 0;
    for (int i = 0; i < plot->itemCount(); ++i) count += qobject_cast<QCPItemText*>(plot->item(i)) ? 1 : 0;
    return count;
}

}  // namespace sieve::test

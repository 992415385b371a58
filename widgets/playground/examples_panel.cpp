#include "widgets/playground/examples_panel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "widgets/common/result_summary.h"
#include "widgets/playground/playground.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

namespace {
QTableWidgetItem* cell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    item->setToolTip(text);
    return item;
}
}  // namespace

ExamplesPanel::ExamplesPanel(Playground* playground, QWidget* parent)
    : QWidget(parent), playground_(playground) {
    setObjectName(QStringLiteral("examplesPanel"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("playgroundSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    undo_ = new QPushButton(tr("Undo"), this);
    undo_->setToolTip(tr("Undo the last level change (Ctrl+Z)"));
    redo_ = new QPushButton(tr("Redo"), this);
    redo_->setToolTip(tr("Redo the level change undone last (Ctrl+Shift+Z)"));
    evaluate_ = new QPushButton(tr("Show examples"), this);
    evaluate_->setToolTip(tr("Score the chromosome shown, example by example (without changing a level)"));
    resetBase_ = new QPushButton(tr("Reset to the GA best"), this);
    resetDense_ = new QPushButton(tr("Reset to dense"), this);
    resetDense_->setToolTip(tr("Reset every level to 0 %: the unpruned model"));
    auto* buttons = new QGridLayout;
    buttons->setSpacing(4);
    buttons->addWidget(undo_, 0, 0);
    buttons->addWidget(redo_, 0, 1);
    buttons->addWidget(evaluate_, 0, 2);
    buttons->addWidget(resetBase_, 1, 0, 1, 2);
    buttons->addWidget(resetDense_, 1, 2);
    buttons->setColumnStretch(3, 1);

    show_ = new QComboBox(this);
    show_->addItem(tr("Flipped by pruning"), int(Show::Flipped));
    show_->addItem(tr("Failing (pruned)"), int(Show::Failing));
    show_->addItem(tr("All examples"), int(Show::All));
    show_->setToolTip(tr("Flipped: right with one model and wrong with the other"));
    tag_ = new QComboBox(this);
    tag_->setToolTip(tr("Only the examples of one skill (the task file's \"tag\")"));
    count_ = new QLabel(this);
    count_->setWordWrap(true);
    auto* filters = new QGridLayout;
    filters->addWidget(new QLabel(tr("Show:"), this), 0, 0);
    filters->addWidget(show_, 0, 1);
    filters->addWidget(new QLabel(tr("Skill:"), this), 1, 0);
    filters->addWidget(tag_, 1, 1);
    filters->addWidget(count_, 0, 2, 2, 1);
    filters->setColumnStretch(2, 1);

    table_ = new QTableWidget(this);
    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels(
        {tr("Split"), tr("Skill"), tr("Prompt"), tr("Expected"), tr("Dense"), tr("Pruned")});
    table_->verticalHeader()->setVisible(false);
    table_->setWordWrap(false);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(PromptColumn, QHeaderView::Stretch);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setToolTip(tr("Red: the pruned model gets it wrong; green: only the pruned model gets it right"));
    // Prompts and answers are free text: a long one is cut, and its cell's tooltip shows all of it.
    table_->setProperty("sieveCellsMayElide", true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(summary_);
    layout->addLayout(buttons);
    layout->addLayout(filters);
    layout->addWidget(table_, 1);

    QUndoStack* stack = playground_->undoStack();
    connect(undo_, &QPushButton::clicked, stack, &QUndoStack::undo);
    connect(redo_, &QPushButton::clicked, stack, &QUndoStack::redo);
    connect(resetBase_, &QPushButton::clicked, playground_, [this] { playground_->resetToBase(); });
    connect(resetDense_, &QPushButton::clicked, playground_, [this] { playground_->resetToDense(); });
    connect(evaluate_, &QPushButton::clicked, playground_, [this] { playground_->requestEvaluation(); });
    connect(stack, &QUndoStack::indexChanged, this, &ExamplesPanel::refresh);
    connect(playground_, &Playground::genesChanged, this, &ExamplesPanel::refresh);
    connect(playground_, &Playground::evaluationChanged, this, &ExamplesPanel::refresh);
    connect(playground_, &Playground::engineBusyChanged, this, &ExamplesPanel::refresh);
    connect(show_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExamplesPanel::refreshTable);
    connect(tag_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExamplesPanel::refreshTable);
    refresh();
}

QPushButton* ExamplesPanel::button(Button which) const {
    switch (which) {
        case Button::Undo:
            return undo_;
        case Button::Redo:
            return redo_;
        case Button::ResetToBase:
            return resetBase_;
        case Button::ResetToDense:
            return resetDense_;
        case Button::Evaluate:
            return evaluate_;
    }
    return undo_;
}

void ExamplesPanel::setShow(Show show) {
    show_->setCurrentIndex(show_->findData(int(show)));
}

void ExamplesPanel::setTag(const QString& tag) {
    const int index = tag.isEmpty() ? 0 : tag_->findData(tag);
    if (index >= 0) tag_->setCurrentIndex(index);
}

QString ExamplesPanel::summaryText() const {
    return summary_->text();
}

QString ExamplesPanel::countText() const {
    return count_->text();
}

void ExamplesPanel::refresh() {
    const Playground& p = *playground_;
    const bool ready = p.hasBase() && !p.engineBusy();
    undo_->setEnabled(ready && p.undoStack()->canUndo());
    redo_->setEnabled(ready && p.undoStack()->canRedo());
    resetBase_->setEnabled(ready && p.genes() != p.baseGenes());
    resetDense_->setEnabled(ready &&
                            std::any_of(p.genes().begin(), p.genes().end(), [](int g) { return g != 0; }));
    evaluate_->setEnabled(ready && !p.evaluation() && !p.isEvaluating());
    resetBase_->setToolTip(
        tr("Reset every level to %1").arg(p.baseName().isEmpty() ? tr("the GA best") : p.baseName()));

    QString text;
    if (!p.hasBase()) {
        text =
            tr("Playground: once a genetic search has run, scroll on a heatmap cell (or click it and pick a "
               "level) to change that matrix's level; the task is evaluated again at once.");
    } else {
        const int changed = int(p.changedMatrices().size());
        text = changed == 0 ? tr("Shown: %1 (%2), %3 removed.")
                                  .arg(p.baseName(), style::methodLabel(p.method()),
                                       style::percent(p.removedFraction(), 1))
                            : tr("%n matrices changed from %1 (%2): %3 removed.", "", changed)
                                  .arg(p.baseName(), style::methodLabel(p.method()),
                                       style::percent(p.removedFraction(), 1));
        if (const auto& e = p.evaluation()) {
            const double searchNeeds = (1.0 - e->eps) * e->denseSearchAccuracy;
            const double heldNeeds = (1.0 - e->eps) * e->denseHeldOutAccuracy;
            const bool searchLow = e->searchAccuracy < searchNeeds - 1e-12;
            const bool heldLow = e->heldOutExamples > 0 && e->heldOutAccuracy < heldNeeds - 1e-12;
            text += QLatin1Char(' ') +
                    tr("Search accuracy %1 (dense %2, needs ≥ %3)%4")
                        .arg(accuracyText(e->searchAccuracy), accuracyText(e->denseSearchAccuracy),
                             accuracyText(searchNeeds), searchLow ? tr(" ⚠ below") : QString());
            if (e->heldOutExamples > 0)
                text += QStringLiteral("; ") +
                        tr("held-out %1 (dense %2, needs ≥ %3)%4")
                            .arg(accuracyText(e->heldOutAccuracy), accuracyText(e->denseHeldOutAccuracy),
                                 accuracyText(heldNeeds), heldLow ? tr(" ⚠ below") : QString());
            text += QLatin1Char('.');
        } else if (p.isEvaluating()) {
            text += QLatin1Char(' ') + tr("Evaluating…");
        } else if (!p.lastError().isEmpty()) {
            text += QLatin1Char(' ') + p.lastError();
        } else {
            text += QLatin1Char(' ') +
                    tr("Scroll on a heatmap cell (or click it and pick a level) to change it, or "
                       "press Show examples to see how this one does.");
        }
    }
    summary_->setText(text);

    // Skills present in the evaluation.
    QStringList tags;
    if (const auto& e = p.evaluation())
        for (const ExampleComparison& o : e->examples)
            if (!o.tag.empty() && !tags.contains(QString::fromStdString(o.tag)))
                tags << QString::fromStdString(o.tag);
    tags.sort();
    QStringList current;
    for (int i = 1; i < tag_->count(); ++i) current << tag_->itemData(i).toString();
    if (current != tags || tag_->count() == 0) {
        const QString chosen = tag_->currentData().toString();
        const QSignalBlocker block(tag_);
        tag_->clear();
        tag_->addItem(tags.isEmpty() ? tr("(no skill tags)") : tr("All skills"), QString());
        for (const QString& t : tags) tag_->addItem(t, t);
        tag_->setCurrentIndex(std::max(0, tag_->findData(chosen)));
    }
    tag_->setEnabled(!tags.isEmpty());
    refreshTable();
}

void ExamplesPanel::refreshTable() {
    const auto& e = playground_->evaluation();
    const Show show = Show(show_->currentData().toInt());
    const std::string tag = tag_->currentData().toString().toStdString();
    table_->setRowCount(0);
    if (!e) {
        count_->clear();
        return;
    }
    int shown = 0, flippedWrong = 0, flippedRight = 0;
    for (const ExampleComparison& o : e->examples) {
        if (o.flipped()) (o.prunedCorrect ? flippedRight : flippedWrong) += 1;
        if (!tag.empty() && o.tag != tag) continue;
        if (show == Show::Flipped && !o.flipped()) continue;
        if (show == Show::Failing && o.prunedCorrect) continue;
        const int row = table_->rowCount();
        table_->insertRow(row);
        table_->setItem(row, SplitColumn,
                        cell(o.split == ExampleSplit::Search ? tr("search") : tr("held-out")));
        table_->setItem(row, TagColumn, cell(QString::fromStdString(o.tag)));
        auto* prompt = cell(QString::fromStdString(o.prompt));
        prompt->setToolTip(tr("line %1: %2").arg(o.line).arg(QString::fromStdString(o.prompt)));
        table_->setItem(row, PromptColumn, prompt);
        table_->setItem(row, ExpectedColumn, cell(QString::fromStdString(o.reference)));
        table_->setItem(row, DenseColumn, cell(QString::fromStdString(o.denseAnswer)));
        table_->setItem(row, PrunedColumn, cell(QString::fromStdString(o.prunedAnswer)));
        const QColor tint = !o.prunedCorrect ? QColor(255, 205, 205)
                            : o.flipped()    ? QColor(205, 240, 205)
                                             : QColor();
        if (tint.isValid())
            for (int c = 0; c < ColumnCount; ++c) table_->item(row, c)->setBackground(tint);
        ++shown;
    }
    count_->setText(tr("%1 of %2 examples shown; pruning broke %3 and fixed %4")
                        .arg(shown)
                        .arg(e->examples.size())
                        .arg(flippedWrong)
                        .arg(flippedRight));
}

}  // namespace sieve::widgets

#pragma once
// Beside the pruning heatmap: what the current pruned model (the GA best, or
// the student's edit of it) does to the task, example by example. Its search
// and held-out accuracy against the dense model, undo/redo and the resets,
// and a table of the examples that flipped (or fail, or all), filterable by
// skill tag: prompt, expected answer, dense answer, pruned answer.
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace sieve::widgets {

class Playground;

class ExamplesPanel : public QWidget {
    Q_OBJECT
public:
    enum class Show { Flipped = 0, Failing = 1, All = 2 };
    enum Column {
        SplitColumn = 0,
        TagColumn,
        PromptColumn,
        ExpectedColumn,
        DenseColumn,
        PrunedColumn,
        ColumnCount
    };
    enum class Button { Undo, Redo, ResetToBase, ResetToDense, Evaluate };

    explicit ExamplesPanel(Playground* playground, QWidget* parent = nullptr);

    void setShow(Show show);
    void setTag(const QString& tag);  // empty: every skill
    QTableWidget* table() const { return table_; }
    QComboBox* showBox() const { return show_; }
    QComboBox* tagBox() const { return tag_; }
    QPushButton* button(Button which) const;
    QString summaryText() const;
    QString countText() const;

private:
    void refresh();       // summary, buttons, tags and table from the playground
    void refreshTable();  // rows for the current filters

    Playground* playground_;
    QLabel* summary_;
    QLabel* count_;
    QComboBox* show_;
    QComboBox* tag_;
    QTableWidget* table_;
    QPushButton* undo_;
    QPushButton* redo_;
    QPushButton* resetBase_;
    QPushButton* resetDense_;
    QPushButton* evaluate_;
};

}  // namespace sieve::widgets

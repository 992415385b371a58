#pragma once
// The model panel: layers, each with its prunable matrices (shape D × H and
// parameter count). Selecting a matrix emits matrixSelected; selectMatrix
// follows clicks made elsewhere (the heatmaps) without echoing them back.
#include <QTreeWidget>

#include "core/types/matrix_info.h"

namespace sieve::widgets {

class ModelPanel : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { NameColumn = 0, ShapeColumn, ParamsColumn, ColumnCount };

    explicit ModelPanel(QWidget* parent = nullptr);

    void setModel(const ModelSummary& summary);
    void selectMatrix(int matrix);
    int selectedMatrix() const;  // -1 when a layer or nothing is selected
    int matrixCount() const { return static_cast<int>(items_.size()); }

Q_SIGNALS:
    void matrixSelected(int matrix);

private:
    void fitColumns();
    std::vector<QTreeWidgetItem*> items_;  // per matrix index; owned by the tree
};

}  // namespace sieve::widgets

#include "widgets/panels/model_panel.h"

#include <QHeaderView>
#include <QSignalBlocker>
#include <QStyle>
#include <map>

#include "widgets/plots/heatmap_panel.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

ModelPanel::ModelPanel(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Matrix"), tr("D × H"), tr("Parameters")});
    setSelectionMode(QAbstractItemView::SingleSelection);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(ShapeColumn, QHeaderView::Fixed);
    header()->setSectionResizeMode(ParamsColumn, QHeaderView::Fixed);
    setToolTip(tr("Prunable matrices of the open model; select one to find it on the heatmaps"));
    fitColumns();
    connect(this, &QTreeWidget::itemSelectionChanged, this, [this] {
        const int matrix = selectedMatrix();
        if (matrix >= 0) Q_EMIT matrixSelected(matrix);
    });
}

void ModelPanel::setModel(const ModelSummary& summary) {
    const QSignalBlocker block(this);
    clear();
    items_.assign(summary.matrices.size(), nullptr);
    std::map<int, QTreeWidgetItem*> layers;
    std::map<int, int64_t> layerParams;
    for (size_t i = 0; i < summary.matrices.size(); ++i) {
        const MatrixInfo& m = summary.matrices[i];
        QTreeWidgetItem*& layer = layers[m.layer];
        if (!layer) {
            layer = new QTreeWidgetItem(this);
            layer->setText(NameColumn, tr("layer %1").arg(m.layer));
            layer->setData(NameColumn, Qt::UserRole, -1);
        }
        auto* item = new QTreeWidgetItem(layer);
        item->setText(NameColumn, QString::fromLatin1(matrixTypeName(m.type)));
        item->setToolTip(NameColumn, QString::fromStdString(m.name));
        item->setText(ShapeColumn, shapeText(m));
        item->setText(ParamsColumn, style::compactCount(double(m.params())));
        item->setTextAlignment(ParamsColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(NameColumn, Qt::UserRole, static_cast<int>(i));
        items_[i] = item;
        layerParams[m.layer] += m.params();
    }
    for (auto& [layer, item] : layers) {
        item->setText(ParamsColumn, style::compactCount(double(layerParams[layer])));
        item->setTextAlignment(ParamsColumn, Qt::AlignRight | Qt::AlignVCenter);
    }
    fitColumns();
}

// The shape and parameter columns as wide as their widest text, counting the
// matrices of collapsed layers too (resizeColumnToContents sees only the
// expanded rows, and cut "128 × 384" to "128…").
void ModelPanel::fitColumns() {
    const QFontMetrics metrics(font());
    const int padding = 2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, this) + 12;
    for (int column : {int(ShapeColumn), int(ParamsColumn)}) {
        int width = header()->sectionSizeHint(column);
        for (int i = 0; i < topLevelItemCount(); ++i) {
            const QTreeWidgetItem* layer = topLevelItem(i);
            width = std::max(width, metrics.horizontalAdvance(layer->text(column)) + padding);
            for (int c = 0; c < layer->childCount(); ++c)
                width = std::max(width, metrics.horizontalAdvance(layer->child(c)->text(column)) + padding);
        }
        header()->resizeSection(column, width);
    }
    // Room for "layer 29" + "gate_proj" indented, beside the two fitted columns.
    const int name = metrics.horizontalAdvance(QStringLiteral("gate_proj")) + indentation() * 2 + 24;
    setMinimumWidth(name + header()->sectionSize(ShapeColumn) + header()->sectionSize(ParamsColumn) +
                    style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this) + 2 * frameWidth());
}

void ModelPanel::selectMatrix(int matrix) {
    if (matrix < 0 || matrix >= static_cast<int>(items_.size()) || matrix == selectedMatrix()) return;
    const QSignalBlocker block(this);
    clearSelection();
    QTreeWidgetItem* item = items_[matrix];
    item->parent()->setExpanded(true);
    item->setSelected(true);
    setCurrentItem(item);
    scrollToItem(item);
}

int ModelPanel::selectedMatrix() const {
    const auto selected = selectedItems();
    if (selected.isEmpty()) return -1;
    return selected.first()->data(NameColumn, Qt::UserRole).toInt();
}

}  // namespace sieve::widgets

#include "widgets/plots/sensitivity_view.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "widgets/plots/heatmap_panel.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QTableWidgetItem* readOnlyItem(const QString& text, const QVariant& sortValue = {}) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (sortValue.isValid()) item->setData(Qt::UserRole, sortValue);
    return item;
}
}  // namespace

SensitivityView::SensitivityView(QWidget* parent) : PlotView(parent), table_(new QTableWidget(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(customPlot());
    splitter->addWidget(table_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    QCustomPlot* plot = customPlot();
    panel_ = HeatmapPanel::inLayoutRow(plot, plot->axisRect(), 0);
    panel_->setGradient(style::dropGradient());
    panel_->setScaleLabel(tr("accuracy drop"));
    setLevel(level_);

    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels(
        {tr("Rank"), tr("Layer"), tr("Matrix"), tr("D × H"), tr("Accuracy"), tr("Drop")});
    table_->verticalHeader()->setVisible(false);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setWordWrap(false);
    // Every column as wide as its contents: "o_proj" and "q_proj" are never cut to "…".
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setToolTip(
        tr("Matrices ranked by the accuracy lost when each alone is pruned; "
           "the top ones are the task's bottlenecks"));
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = table_->selectionModel()->selectedRows();
        if (rows.isEmpty()) return;
        const int matrix = table_->item(rows.first().row(), MatrixColumn)->data(Qt::UserRole).toInt();
        panel_->setSelected(matrix);
        requestReplot();
        Q_EMIT matrixClicked(matrix);
    });
    connect(plot, &QCustomPlot::mouseMove, this, &SensitivityView::onMouseMove);
    connect(plot, &QCustomPlot::mouseRelease, this, &SensitivityView::onMouseRelease);
    fitTableWidth();
}

SensitivityView::~SensitivityView() = default;

void SensitivityView::setModel(const ModelSummary& summary) {
    model_ = summary;
    panel_->setModel(summary);
    accuracy_.assign(summary.matrices.size(), kNaN);
    fixedRanking_ = false;
    refresh();
}

void SensitivityView::setBaseline(double a0) {
    a0_ = a0;
    refresh();
}

void SensitivityView::setLevel(double level) {
    level_ = level;
    updateTitle();
}

void SensitivityView::setMethod(const QString& method) {
    method_ = method;
    updateTitle();
}

void SensitivityView::updateTitle() {
    panel_->setTitle(method_.isEmpty()
                         ? tr("Accuracy drop with each matrix alone pruned to %1").arg(style::percent(level_))
                         : tr("Accuracy drop with each matrix alone pruned to %1 (%2)")
                               .arg(style::percent(level_), style::methodLabel(method_)));
    requestReplot();
}

QString SensitivityView::title() const {
    return style::fullText(panel_->axisRect()->axis(QCPAxis::atTop));
}

void SensitivityView::addMeasurement(int matrix, double accuracy) {
    if (matrix < 0 || matrix >= static_cast<int>(accuracy_.size())) return;
    accuracy_[matrix] = accuracy;
    fixedRanking_ = false;
    refresh();
}

void SensitivityView::setResult(const SensitivityResult& result) {
    accuracy_ = result.accuracy;
    accuracy_.resize(model_.matrices.size(), kNaN);
    // a0 = accuracy + drop for any measured matrix.
    if (!result.accuracy.empty() && result.drop.size() == result.accuracy.size())
        a0_ = result.accuracy.front() + result.drop.front();
    method_ = QString::fromStdString(result.method);
    setLevel(result.level);
    ranking_ = result.ranking;
    fixedRanking_ = !ranking_.empty();
    refresh();
}

void SensitivityView::clear() {
    setModel(model_);
}

void SensitivityView::refresh() {
    const size_t n = accuracy_.size();
    std::vector<double> drop(n, kNaN);
    double maxDrop = 0;
    for (size_t i = 0; i < n; ++i)
        if (!std::isnan(accuracy_[i])) {
            drop[i] = a0_ - accuracy_[i];
            maxDrop = std::max(maxDrop, drop[i]);
        }
    if (!fixedRanking_) {
        ranking_.clear();
        for (size_t i = 0; i < n; ++i)
            if (!std::isnan(drop[i])) ranking_.push_back(static_cast<int>(i));
        std::stable_sort(ranking_.begin(), ranking_.end(), [&](int a, int b) { return drop[a] > drop[b]; });
    }
    panel_->setValues(drop);
    panel_->setDataRange(0.0, std::max(maxDrop, 0.01));

    const QSignalBlocker block(table_);
    table_->setRowCount(static_cast<int>(ranking_.size()));
    for (int row = 0; row < static_cast<int>(ranking_.size()); ++row) {
        const int i = ranking_[row];
        const MatrixInfo& m = model_.matrices[i];
        table_->setItem(row, RankColumn, readOnlyItem(QString::number(row + 1)));
        auto* layer = readOnlyItem(QString::number(m.layer));
        layer->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(row, LayerColumn, layer);
        auto* name = readOnlyItem(QString::fromLatin1(matrixTypeName(m.type)));
        name->setToolTip(QString::fromStdString(m.name));
        name->setData(Qt::UserRole, i);
        table_->setItem(row, MatrixColumn, name);
        table_->setItem(row, ShapeColumn, readOnlyItem(shapeText(m)));
        table_->setItem(row, AccuracyColumn, readOnlyItem(QString::number(accuracy_[i], 'f', 3)));
        table_->setItem(row, DropColumn, readOnlyItem(QString::number(drop[i], 'f', 3)));
    }
    fitTableWidth();
    requestReplot();
}

// The table is as wide as its columns (the splitter gives the rest to the
// heatmap), so no cell is cut short.
void SensitivityView::fitTableWidth() {
    QHeaderView* header = table_->horizontalHeader();
    const QFontMetrics metrics(table_->font());
    const int padding = 2 * table_->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table_) + 10;
    int width = 0;
    for (int c = 0; c < ColumnCount; ++c) {
        int column = header->sectionSizeHint(c);
        for (int row = 0; row < table_->rowCount(); ++row)
            if (const QTableWidgetItem* item = table_->item(row, c))
                column = std::max(column, metrics.horizontalAdvance(item->text()) + padding);
        width += column;
    }
    const int scrollBar = table_->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, table_);
    table_->setMinimumWidth(width + 2 * table_->frameWidth() + scrollBar + 4);
}

std::vector<int> SensitivityView::bottlenecks(double minDrop, int maxCount) const {
    std::vector<int> out;
    for (int i : ranking_) {
        if (static_cast<int>(out.size()) >= maxCount) break;
        if (i < 0 || i >= static_cast<int>(accuracy_.size()) || std::isnan(accuracy_[i])) continue;
        if (a0_ - accuracy_[i] >= minDrop) out.push_back(i);
    }
    return out;
}

double SensitivityView::cellDrop(int layer, MatrixType type) const {
    return panel_->cellValue(layer, static_cast<int>(type));
}

int SensitivityView::matrixAt(const QPointF& plotPixel) const {
    return panel_->matrixAt(plotPixel);
}
QPointF SensitivityView::cellCenter(int matrix) const {
    return panel_->cellCenterPixel(matrix);
}

QString SensitivityView::toolTipFor(int matrix) const {
    if (matrix < 0 || matrix >= static_cast<int>(model_.matrices.size())) return {};
    const MatrixInfo& m = model_.matrices[matrix];
    QString text =
        QString::fromStdString(m.name) + QLatin1Char('\n') + tr("shape D × H: %1").arg(shapeText(m));
    if (std::isnan(accuracy_[matrix])) return text + QLatin1Char('\n') + tr("not measured yet");
    const auto rank = std::find(ranking_.begin(), ranking_.end(), matrix) - ranking_.begin();
    text += QLatin1Char('\n') + tr("alone at %1: accuracy %2 (drop %3)")
                                    .arg(style::percent(level_))
                                    .arg(accuracy_[matrix], 0, 'f', 3)
                                    .arg(a0_ - accuracy_[matrix], 0, 'f', 3);
    text += QLatin1Char('\n') + tr("rank %1 of %2").arg(rank + 1).arg(ranking_.size());
    return text;
}

void SensitivityView::selectMatrix(int matrix) {
    panel_->setSelected(matrix);
    requestReplot();
    const QSignalBlocker block(table_);
    table_->clearSelection();
    for (int row = 0; row < table_->rowCount(); ++row)
        if (table_->item(row, MatrixColumn)->data(Qt::UserRole).toInt() == matrix) {
            table_->selectRow(row);
            table_->scrollToItem(table_->item(row, MatrixColumn));
        }
}

void SensitivityView::onMouseMove(QMouseEvent* event) {
    const int matrix = panel_->matrixAt(event->position());
    lastToolTip_ = toolTipFor(matrix);
    if (lastToolTip_.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(customPlot()->mapToGlobal(event->position().toPoint()), lastToolTip_,
                           customPlot());
}

void SensitivityView::onMouseRelease(QMouseEvent* event) {
    const int matrix = panel_->matrixAt(event->position());
    if (event->button() != Qt::LeftButton || matrix < 0) return;
    selectMatrix(matrix);
    Q_EMIT matrixClicked(matrix);
}

QString SensitivityView::toCsv() const {
    QString csv = QStringLiteral("rank,matrix,layer,type,rows,cols,level,accuracy,drop\n");
    for (size_t r = 0; r < ranking_.size(); ++r) {
        const int i = ranking_[r];
        const MatrixInfo& m = model_.matrices[i];
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                   .arg(r + 1)
                   .arg(QString::fromStdString(m.name))
                   .arg(m.layer)
                   .arg(QString::fromLatin1(matrixTypeShortName(m.type)))
                   .arg(m.rows)
                   .arg(m.cols)
                   .arg(level_, 0, 'g', 10)
                   .arg(accuracy_[i], 0, 'g', 10)
                   .arg(a0_ - accuracy_[i], 0, 'g', 10);
    }
    return csv;
}

}  // namespace sieve::widgets

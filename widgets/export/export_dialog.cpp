#include "widgets/export/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include "widgets/plots/plot_view.h"

namespace sieve::widgets {

namespace {
enum PresetIndex { PaperPreset = 0, SlidePreset = 1, CustomPreset = 2 };
}

ExportDialog::ExportDialog(const PlotView& view, const QString& directory, QWidget* parent)
    : QDialog(parent), view_(view) {
    setWindowTitle(tr("Export Figure"));
    format_ = new QComboBox(this);
    format_->addItem(tr("PDF (vector)"), int(FigureFormat::Pdf));
    format_->addItem(tr("SVG (vector)"), int(FigureFormat::Svg));
    format_->addItem(tr("PNG (raster)"), int(FigureFormat::Png));
    format_->addItem(tr("CSV (plotted data)"), int(FigureFormat::Csv));
    preset_ = new QComboBox(this);
    preset_->addItem(tr("Paper (one column, 8 pt)"));
    preset_->addItem(tr("Slide (large fonts)"));
    preset_->addItem(tr("Custom"));
    preset_->setToolTip(
        tr("Paper: printed size of a journal column with 8 pt text; Slide: 8 in wide with 18 pt text"));
    width_ = new QDoubleSpinBox(this);
    height_ = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {width_, height_}) {
        box->setRange(1.0, 40.0);
        box->setDecimals(2);
        box->setSingleStep(0.25);
        box->setSuffix(tr(" in"));
    }
    font_ = new QSpinBox(this);
    font_->setRange(5, 48);
    font_->setSuffix(tr(" pt"));
    dpi_ = new QSpinBox(this);
    dpi_->setRange(50, 2400);
    dpi_->setSingleStep(50);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setToolTip(tr("Resolution of PNG files; PDF and SVG are vector and need none"));
    path_ = new QLineEdit(QDir(directory).filePath(view.figureName() + QStringLiteral(".pdf")), this);
    path_->setMinimumWidth(360);
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_);
    pathRow->addWidget(browseButton);
    sizeNote_ = new QLabel(this);

    auto* form = new QFormLayout;
    form->addRow(tr("&Format:"), format_);
    form->addRow(tr("&Preset:"), preset_);
    form->addRow(tr("&Width:"), width_);
    form->addRow(tr("&Height:"), height_);
    form->addRow(tr("F&ont size:"), font_);
    form->addRow(tr("&Resolution:"), dpi_);
    // A row that is a layout gets no buddy from addRow, and its "&" would show: name the buddy here.
    auto* fileLabel = new QLabel(tr("F&ile:"), this);
    fileLabel->setBuddy(path_);
    form->addRow(fileLabel, pathRow);
    form->addRow(QString(), sizeNote_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::applyPreset);
    connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::onFormatChanged);
    for (QDoubleSpinBox* box : {width_, height_})
        connect(box, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &ExportDialog::markCustom);
    for (QSpinBox* box : {font_, dpi_})
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &ExportDialog::markCustom);
    applyPreset(PaperPreset);
    onFormatChanged();
}

void ExportDialog::applyPreset(int index) {
    if (index == CustomPreset) return;
    const ExportPreset p = index == SlidePreset ? slidePreset(view_) : paperPreset(view_);
    applyingPreset_ = true;
    width_->setValue(p.widthInches);
    height_->setValue(p.heightInches);
    font_->setValue(p.fontPoints);
    dpi_->setValue(p.dpi);
    applyingPreset_ = false;
    updateSizeNote();
}

void ExportDialog::markCustom() {
    if (!applyingPreset_) {
        const QSignalBlocker block(preset_);
        preset_->setCurrentIndex(CustomPreset);
    }
    updateSizeNote();
}

void ExportDialog::onFormatChanged() {
    const auto format = FigureFormat(format_->currentData().toInt());
    const bool figure = format != FigureFormat::Csv;
    for (QWidget* w : std::initializer_list<QWidget*>{preset_, width_, height_, font_}) w->setEnabled(figure);
    dpi_->setEnabled(format == FigureFormat::Png);
    QFileInfo info(path_->text());
    path_->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + suffixFor(format)));
    updateSizeNote();
}

void ExportDialog::updateSizeNote() {
    const ExportRequest r = request();
    if (r.format == FigureFormat::Png) {
        const QSize px = pngPixels(r.preset);
        sizeNote_->setText(tr("%1 × %2 pixels").arg(px.width()).arg(px.height()));
    } else if (r.format == FigureFormat::Csv) {
        sizeNote_->setText(tr("The data drawn in the figure, one row per point or cell"));
    } else {
        sizeNote_->setText(tr("%1 × %2 cm")
                               .arg(r.preset.widthInches * 2.54, 0, 'f', 1)
                               .arg(r.preset.heightInches * 2.54, 0, 'f', 1));
    }
}

void ExportDialog::browse() {
    const auto format = FigureFormat(format_->currentData().toInt());
    const QString filter =
        format_->currentText() + QStringLiteral(" (*.") + suffixFor(format) + QLatin1Char(')');
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Figure"), path_->text(), filter);
    if (!path.isEmpty()) path_->setText(path);
}

ExportRequest ExportDialog::request() const {
    ExportRequest r;
    r.path = path_->text();
    r.format = FigureFormat(format_->currentData().toInt());
    const int index = preset_->currentIndex();
    r.preset.name = index == PaperPreset   ? QStringLiteral("paper")
                    : index == SlidePreset ? QStringLiteral("slide")
                                           : QStringLiteral("custom");
    r.preset.widthInches = width_->value();
    r.preset.heightInches = height_->value();
    r.preset.fontPoints = font_->value();
    r.preset.dpi = dpi_->value();
    return r;
}

void ExportDialog::setRequest(const ExportRequest& r) {
    format_->setCurrentIndex(format_->findData(int(r.format)));
    preset_->setCurrentIndex(r.preset.name == QLatin1String("paper")   ? PaperPreset
                             : r.preset.name == QLatin1String("slide") ? SlidePreset
                                                                       : CustomPreset);
    if (preset_->currentIndex() == CustomPreset) {
        applyingPreset_ = true;
        width_->setValue(r.preset.widthInches);
        height_->setValue(r.preset.heightInches);
        font_->setValue(r.preset.fontPoints);
        dpi_->setValue(r.preset.dpi);
        applyingPreset_ = false;
    }
    if (!r.path.isEmpty()) path_->setText(r.path);
    updateSizeNote();
}

}  // namespace sieve::widgets

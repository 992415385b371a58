#include "widgets/panels/open_model_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace sieve::widgets {

namespace {
const char* kDeviceKey = "model/device";
}

OpenModelDialog::OpenModelDialog(const QString& automaticDevice, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open Model"));
    setObjectName(QStringLiteral("openModelDialog"));
    auto* form = new QFormLayout(this);

    path_ = new QLineEdit(this);
    path_->setPlaceholderText(tr("Hugging Face folder, .gguf file or llama2.c .bin"));
    path_->setMinimumWidth(420);
    auto* browse = new QPushButton(tr("&Browse…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("&Model:"), pathRow);

    device_ = new QComboBox(this);
    device_->addItem(
        tr("Automatic (%1)").arg(automaticDevice == QLatin1String("cuda") ? tr("CUDA GPU") : tr("CPU")),
        QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    device_->setToolTip(tr("Where the model runs; Automatic picks a CUDA GPU when there is one"));
    form->addRow(tr("&Device:"), device_);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    form->addRow(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &OpenModelDialog::browse);
    connect(path_, &QLineEdit::textChanged, this, &OpenModelDialog::updateOk);
    setDevice(storedDevice());
    updateOk();
}

QString OpenModelDialog::modelPath() const {
    return path_->text().trimmed();
}

DeviceChoice OpenModelDialog::device() const {
    DeviceChoice d;
    d.device = device_->currentData().toString().toStdString();
    return d;
}

void OpenModelDialog::setModelPath(const QString& path) {
    path_->setText(path);
}

void OpenModelDialog::setDevice(const DeviceChoice& device) {
    const int index = device_->findData(QString::fromStdString(device.device));
    device_->setCurrentIndex(index >= 0 ? index : 0);
}

DeviceChoice OpenModelDialog::storedDevice() {
    DeviceChoice d;
    d.device = QSettings().value(QLatin1String(kDeviceKey), QStringLiteral("auto")).toString().toStdString();
    return d;
}

void OpenModelDialog::storeDevice(const DeviceChoice& device) {
    QSettings().setValue(QLatin1String(kDeviceKey), QString::fromStdString(device.device));
}

void OpenModelDialog::browse() {
    QFileDialog dialog(this, tr("Open Model"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setNameFilters({tr("Models (*.gguf *.bin config.json *.safetensors)"), tr("All files (*)")});
    if (!modelPath().isEmpty()) dialog.setDirectory(QFileInfo(modelPath()).absolutePath());
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    QString path = dialog.selectedFiles().first();
    const QFileInfo info(path);
    // A Hugging Face model is a directory: config.json or a .safetensors file stands for it.
    if (info.fileName() == QLatin1String("config.json") || info.suffix() == QLatin1String("safetensors"))
        path = info.absolutePath();
    path_->setText(path);
}

void OpenModelDialog::updateOk() {
    buttons_->button(QDialogButtonBox::Open)->setEnabled(!modelPath().isEmpty());
}

}  // namespace sieve::widgets

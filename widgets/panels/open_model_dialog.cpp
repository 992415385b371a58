#include "widgets/panels/open_model_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

#include "widgets/engine_client.h"

namespace sieve::widgets {

namespace {
const char* kDeviceKey = "model/device";
const char* kDTypeKey = "model/dtype";
}  // namespace

OpenModelDialog::OpenModelDialog(const QString& automaticDevice, QWidget* parent, const EngineClient* client)
    : QDialog(parent), client_(client) {
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
    // A row of a layout gets no buddy from addRow: the label needs one for its mnemonic.
    auto* pathLabel = new QLabel(tr("&Model:"), this);
    pathLabel->setBuddy(path_);
    form->addRow(pathLabel, pathRow);

    device_ = new QComboBox(this);
    device_->addItem(tr("Automatic (%1)")
                         .arg(automaticDevice.startsWith(QLatin1String("cuda")) ? tr("CUDA GPU") : tr("CPU")),
                     QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    device_->setToolTip(tr("Where the model runs; Automatic picks a CUDA GPU when there is one"));
    form->addRow(tr("&Device:"), device_);

    dtype_ = new QComboBox(this);
    dtype_->addItem(QString(), QStringLiteral("auto"));  // text set by updateAutomaticDType
    dtype_->addItem(QStringLiteral("bfloat16"), QStringLiteral("bfloat16"));
    dtype_->addItem(QStringLiteral("float16"), QStringLiteral("float16"));
    dtype_->addItem(QStringLiteral("float32"), QStringLiteral("float32"));
    form->addRow(tr("Compute d&type:"), dtype_);
    connect(device_, &QComboBox::currentIndexChanged, this, &OpenModelDialog::updateAutomaticDType);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    form->addRow(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &OpenModelDialog::browse);
    connect(path_, &QLineEdit::textChanged, this, &OpenModelDialog::updateOk);
    setDevice(storedDevice());
    updateAutomaticDType();
    updateOk();
}

void OpenModelDialog::updateAutomaticDType() {
    const QString device = device_->currentData().toString();
    const QString resolved = client_ ? client_->automaticDType(device) : QStringLiteral("float32");
    dtype_->setItemText(0, tr("Automatic (%1)").arg(resolved));
    QString tip =
        tr("The dtype weights, activations and factors are kept in; the factorizations are computed "
           "in float64 either way. bfloat16 halves the memory of float32.");
    const QString reason = client_ ? client_->automaticDTypeReason(device) : QString();
    if (!reason.isEmpty()) tip += QStringLiteral("\n") + tr("Automatic here: %1").arg(reason);
    dtype_->setToolTip(tip);
}

QString OpenModelDialog::modelPath() const {
    return path_->text().trimmed();
}

DeviceChoice OpenModelDialog::device() const {
    DeviceChoice d;
    d.device = device_->currentData().toString().toStdString();
    d.dtype = parseDType(dtype_->currentData().toString().toStdString());
    return d;
}

void OpenModelDialog::setModelPath(const QString& path) {
    path_->setText(path);
}

void OpenModelDialog::setDevice(const DeviceChoice& device) {
    const int index = device_->findData(QString::fromStdString(device.device));
    device_->setCurrentIndex(index >= 0 ? index : 0);
    const int dtype = dtype_->findData(QString::fromStdString(dtypeName(device.dtype)));
    dtype_->setCurrentIndex(dtype >= 0 ? dtype : 0);
}

DeviceChoice OpenModelDialog::storedDevice() {
    DeviceChoice d;
    const QSettings settings;
    d.device = settings.value(QLatin1String(kDeviceKey), QStringLiteral("auto")).toString().toStdString();
    try {
        d.dtype = parseDType(
            settings.value(QLatin1String(kDTypeKey), QStringLiteral("auto")).toString().toStdString());
    } catch (const std::exception&) {  // a value from another version: the default
        d.dtype = DType::Auto;
    }
    return d;
}

void OpenModelDialog::storeDevice(const DeviceChoice& device) {
    QSettings settings;
    settings.setValue(QLatin1String(kDeviceKey), QString::fromStdString(device.device));
    settings.setValue(QLatin1String(kDTypeKey), QString::fromStdString(dtypeName(device.dtype)));
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

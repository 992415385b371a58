#pragma once
// File > Open Model: the model (a Hugging Face folder, a .gguf or a llama2.c
// .bin) and where it runs. The device is chosen here, once per model, as the
// CLI's --device does; the choice is remembered for the next model.
#include <QDialog>

#include "core/types/device_choice.h"

class QComboBox;
class QDialogButtonBox;
class QLineEdit;

namespace sieve::widgets {

class OpenModelDialog : public QDialog {
    Q_OBJECT
public:
    // `automaticDevice` is what "Automatic" resolves to here ("cpu", "cuda").
    OpenModelDialog(const QString& automaticDevice, QWidget* parent = nullptr);

    QString modelPath() const;
    DeviceChoice device() const;
    void setModelPath(const QString& path);
    void setDevice(const DeviceChoice& device);

    // The device last chosen in this dialog (QSettings), "auto" at first.
    static DeviceChoice storedDevice();
    static void storeDevice(const DeviceChoice& device);

    QComboBox* deviceBox() const { return device_; }
    QLineEdit* pathEdit() const { return path_; }

private:
    void browse();
    void updateOk();

    QLineEdit* path_;
    QComboBox* device_;
    QDialogButtonBox* buttons_;
};

}  // namespace sieve::widgets

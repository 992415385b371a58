#pragma once
// File > Open Model: the model (a Hugging Face folder, a .gguf or a llama2.c
// .bin), where it runs and in which dtype. Both are chosen here, once per
// model, as the CLI's --device and --dtype do; the choice is remembered for
// the next model. "Automatic" dtype is bfloat16 on a GPU and, on the CPU,
// whatever the engine finds this processor multiplies fastest.
#include <QDialog>

#include "core/types/device_choice.h"

class QComboBox;
class QDialogButtonBox;
class QLineEdit;

namespace sieve::widgets {

class EngineClient;

class OpenModelDialog : public QDialog {
    Q_OBJECT
public:
    // `automaticDevice` is what "Automatic" resolves to here ("cpu", "cuda");
    // `client` (optional) says what the automatic dtype resolves to per device.
    OpenModelDialog(const QString& automaticDevice, QWidget* parent = nullptr,
                    const EngineClient* client = nullptr);

    QString modelPath() const;
    DeviceChoice device() const;
    void setModelPath(const QString& path);
    void setDevice(const DeviceChoice& device);

    // The device and dtype last chosen in this dialog (QSettings), "auto" at first.
    static DeviceChoice storedDevice();
    static void storeDevice(const DeviceChoice& device);

    QComboBox* deviceBox() const { return device_; }
    QComboBox* dtypeBox() const { return dtype_; }
    QLineEdit* pathEdit() const { return path_; }

private:
    void browse();
    void updateOk();
    void updateAutomaticDType();

    const EngineClient* client_;
    QLineEdit* path_;
    QComboBox* device_;
    QComboBox* dtype_;
    QDialogButtonBox* buttons_;
};

}  // namespace sieve::widgets

#pragma once
// Asks where and how to export the current figure: format, preset (paper,
// slide, custom), size, font size, DPI. The presets fill in the fields; any
// edit switches to "custom".
#include <QDialog>

#include "widgets/export/figure_export.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLineEdit;
class QLabel;

namespace sieve::widgets {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(const PlotView& view, const QString& directory, QWidget* parent = nullptr);

    ExportRequest request() const;
    void setRequest(const ExportRequest& request);  // for restoring the last choice and for tests

private:
    void applyPreset(int index);
    void onFormatChanged();
    void markCustom();
    void updateSizeNote();
    void browse();

    const PlotView& view_;
    QComboBox* format_;
    QComboBox* preset_;
    QDoubleSpinBox* width_;
    QDoubleSpinBox* height_;
    QSpinBox* font_;
    QSpinBox* dpi_;
    QLineEdit* path_;
    QLabel* sizeNote_;
    bool applyingPreset_ = false;
};

}  // namespace sieve::widgets

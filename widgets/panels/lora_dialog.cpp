#include "widgets/panels/lora_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QVBoxLayout>

#include "widgets/common/result_summary.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

LoraDialog::LoraDialog(const QStringList& results, const LevelGrid& grid, const QString& method,
                       QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Recover with LoRA"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    target_ = new QComboBox(this);
    target_->setObjectName(QStringLiteral("loraTarget"));
    // Item data: the result ("ga", "uniform:METHOD"), or the level as a number.
    for (const QString& r : results) target_->addItem(resultLabel(r), r);
    for (double level : grid)
        if (level > 0)
            target_->addItem(
                tr("Every matrix at %1 % (%2)").arg(level * 100.0, 0, 'g', 3).arg(style::methodLabel(method)),
                level);
    target_->setToolTip(tr("The pruned model the adapters are trained for"));
    form->addRow(tr("&Pruned model:"), target_);

    const LoraSettings defaults;
    rank_ = new QSpinBox(this);
    rank_->setObjectName(QStringLiteral("loraRank"));
    rank_->setRange(1, 4096);
    rank_->setValue(defaults.rank);
    rank_->setToolTip(tr("Rank r of every adapter (PEFT's r)"));
    form->addRow(tr("&Rank:"), rank_);
    alpha_ = new QDoubleSpinBox(this);
    alpha_->setObjectName(QStringLiteral("loraAlpha"));
    alpha_->setRange(0.01, 1e6);
    alpha_->setValue(defaults.alpha);
    alpha_->setToolTip(tr("lora_alpha: the adapters' output is scaled by alpha / r"));
    form->addRow(tr("&Alpha:"), alpha_);
    steps_ = new QSpinBox(this);
    steps_->setObjectName(QStringLiteral("loraSteps"));
    steps_->setRange(1, 1000000);
    steps_->setValue(defaults.steps);
    form->addRow(tr("&Steps:"), steps_);
    learningRate_ = new QDoubleSpinBox(this);
    learningRate_->setObjectName(QStringLiteral("loraLearningRate"));
    learningRate_->setDecimals(6);
    learningRate_->setRange(1e-6, 0.5);
    learningRate_->setSingleStep(1e-4);
    learningRate_->setValue(defaults.learningRate);
    learningRate_->setToolTip(tr("AdamW's learning rate (no weight decay)"));
    form->addRow(tr("&Learning rate:"), learningRate_);
    batch_ = new QSpinBox(this);
    batch_->setObjectName(QStringLiteral("loraBatch"));
    batch_->setRange(1, 4096);
    batch_->setValue(defaults.batchSize);
    batch_->setToolTip(tr("Calibration examples per step"));
    form->addRow(tr("&Batch:"), batch_);
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

LoraRequest LoraDialog::request() const {
    LoraRequest r;
    const QVariant data = target_->currentData();
    if (data.typeId() == QMetaType::Double)
        r.level = data.toDouble();
    else
        r.result = data.toString();
    r.lora.rank = rank_->value();
    r.lora.alpha = alpha_->value();
    r.lora.steps = steps_->value();
    r.lora.learningRate = learningRate_->value();
    r.lora.batchSize = batch_->value();
    return r;
}

}  // namespace sieve::widgets

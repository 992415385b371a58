#include "widgets/panels/run_panel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "core/common/error.h"
#include "core/types/method_registry.h"
#include "widgets/panels/memory_plan_view.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

RunPanel::RunPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    auto* methodsBox = new QGroupBox(tr("Projection methods"), this);
    auto* methodsLayout = new QVBoxLayout(methodsBox);
    for (const MethodInfo& info : methodRegistry()) {
        const QString method = QString::fromStdString(info.name);
        auto* box = new QCheckBox(style::methodLabel(method), methodsBox);
        box->setObjectName(QStringLiteral("method_") + method);
        box->setToolTip(style::methodDescription(method));
        methodsLayout->addWidget(box);
        methods_.emplace_back(method, box);
    }
    int8_ = new QCheckBox(tr("Also with &8-bit factors"), methodsBox);
    int8_->setObjectName(QStringLiteral("int8Factors"));
    int8_->setToolTip(
        tr("Sweep each method again with its low-rank factors quantized to 8 bits (int8, one scale per "
           "factor row) and plot that curve beside the float one. Wanda keeps masks, not factors: it gets no "
           "8-bit curve."));
    methodsLayout->addWidget(int8_);
    layout->addWidget(methodsBox);

    auto* searchBox = new QGroupBox(tr("Search"), this);
    auto* form = new QFormLayout(searchBox);
    eps_ = new QDoubleSpinBox(searchBox);
    eps_->setRange(0.1, 50.0);
    eps_->setDecimals(1);
    eps_->setSingleStep(0.5);
    eps_->setSuffix(tr(" %"));
    eps_->setValue(5.0);
    eps_->setToolTip(tr("Allowed accuracy loss ε: a pruned model must keep accuracy ≥ (1 − ε)·a₀"));
    form->addRow(tr("&Accuracy loss ε:"), eps_);
    grid_ = new QLineEdit(gridText(defaultLevelGrid()), searchBox);
    grid_->setToolTip(
        tr("Pruning levels a matrix may take (fraction of its parameters removed), "
           "ascending, starting at 0 (dense)"));
    // The grid is the longest value: on its own row, the full width of the panel.
    auto* gridLabel = new QLabel(tr("&Level grid (fractions removed):"), searchBox);
    gridLabel->setBuddy(grid_);
    form->addRow(gridLabel);
    form->addRow(grid_);
    grid_->setProperty("sieveMustFit", true);  // the layout tests check that all of it shows
    population_ = new QSpinBox(searchBox);
    population_->setRange(2, 10000);
    population_->setToolTip(tr("Chromosomes per GA generation"));
    form->addRow(tr("GA &population:"), population_);
    generations_ = new QSpinBox(searchBox);
    generations_->setRange(1, 10000);
    generations_->setToolTip(
        tr("Most GA generations (the search stops early when the best stops improving)"));
    form->addRow(tr("GA &generations:"), generations_);
    seed_ = new QSpinBox(searchBox);
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip(tr("Random seed: the same seed reproduces the same search"));
    form->addRow(tr("&Seed:"), seed_);
    sensitivityLevel_ = new QDoubleSpinBox(searchBox);
    sensitivityLevel_->setRange(1, 99);
    sensitivityLevel_->setDecimals(0);
    sensitivityLevel_->setSuffix(tr(" %"));
    sensitivityLevel_->setToolTip(tr("Level each matrix is pruned to, alone, when measuring sensitivity"));
    form->addRow(tr("Sensiti&vity level:"), sensitivityLevel_);
    layout->addWidget(searchBox);

    auto* buttons = new QGridLayout;
    buttons->addWidget(
        addButton(Action::Calibrate, tr("Calibrate"),
                  tr("Measure a₀ and accumulate the Gram matrices on the task's calibration split")),
        0, 0);
    buttons->addWidget(addButton(Action::Uniform, tr("Uniform sweep"),
                                 tr("Prune every matrix to the same level; find the largest feasible level")),
                       0, 1);
    buttons->addWidget(addButton(Action::Genetic, tr("Genetic search"),
                                 tr("Search one level per matrix with the genetic algorithm")),
                       1, 0);
    buttons->addWidget(addButton(Action::Sensitivity, tr("Sensitivity"),
                                 tr("Prune each matrix alone to find the bottlenecks")),
                       1, 1);
    auto* runAll = addButton(Action::RunAll, tr("Run all"),
                             tr("Calibrate, sweep, search and measure sensitivity, in that order (F5)"));
    runAll->setDefault(true);
    buttons->addWidget(runAll, 2, 0);
    buttons->addWidget(
        addButton(Action::Stop, tr("Stop"), tr("Cancel the running job; the model is left dense (Esc)")), 2,
        1);
    buttons->addWidget(addButton(Action::Lora, tr("Recover with LoRA…"),
                                 tr("Train LoRA adapters for a pruned model on the task's calibration split "
                                    "and score it before and after")),
                       3, 0, 1, 2);
    layout->addLayout(buttons);
    memoryPlan_ = new MemoryPlanView(this);
    layout->addWidget(memoryPlan_);
    layout->addStretch(1);

    for (const auto& [method, box] : methods_)
        connect(box, &QCheckBox::toggled, this, &RunPanel::settingsChanged);
    connect(grid_, &QLineEdit::textChanged, this, &RunPanel::settingsChanged);
    connect(int8_, &QCheckBox::toggled, this, &RunPanel::settingsChanged);
    setSettings(RunSettings{});
    setBusy(false);
}

QPushButton* RunPanel::addButton(Action action, const QString& text, const QString& tip) {
    auto* button = new QPushButton(text, this);
    button->setToolTip(tip);
    connect(button, &QPushButton::clicked, this, [this, action] { Q_EMIT actionRequested(action); });
    buttons_[action] = button;
    return button;
}

QCheckBox* RunPanel::methodBox(const QString& method) const {
    for (const auto& [name, box] : methods_)
        if (name == method) return box;
    return nullptr;
}

void RunPanel::setBusy(bool busy) {
    busy_ = busy;
    for (auto& [action, button] : buttons_) button->setEnabled(action == Action::Stop ? busy : !busy);
}

LevelGrid RunPanel::parseGrid(const QString& text) {
    LevelGrid grid;
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok) throw InputError(tr("level grid entry '%1' is not a number").arg(part).toStdString());
        grid.push_back(v);
    }
    validateLevelGrid(grid);
    return grid;
}

QString RunPanel::gridText(const LevelGrid& grid) {
    QStringList parts;
    for (double v : grid) parts << QString::number(v, 'g', 6);
    return parts.join(QStringLiteral(", "));
}

bool RunPanel::settings(RunSettings* out, QString* error) const {
    RunSettings s;
    s.methods.clear();
    for (const auto& [method, box] : methods_)
        if (box->isChecked()) s.methods.push_back(method.toStdString());
    if (s.methods.empty()) {
        if (error) *error = tr("Choose at least one projection method");
        return false;
    }
    s.eps = eps_->value() / 100.0;
    try {
        s.grid = parseGrid(grid_->text());
    } catch (const InputError& e) {
        if (error) *error = tr("Level grid: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
    s.ga.population = population_->value();
    s.ga.generations = generations_->value();
    s.ga.seed = static_cast<uint64_t>(seed_->value());
    s.sensitivityLevel = sensitivityLevel_->value() / 100.0;
    s.int8Factors = int8_->isChecked();
    try {
        validateRunSettings(s);  // the engine's own rules, so the message matches the CLI's
    } catch (const InputError& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    *out = s;
    return true;
}

void RunPanel::setSettings(const RunSettings& s) {
    for (auto& [method, box] : methods_)
        box->setChecked(std::find(s.methods.begin(), s.methods.end(), method.toStdString()) !=
                        s.methods.end());
    eps_->setValue(s.eps * 100.0);
    grid_->setText(gridText(s.grid));
    grid_->setCursorPosition(0);
    population_->setValue(s.ga.population);
    generations_->setValue(s.ga.generations);
    seed_->setValue(static_cast<int>(s.ga.seed));
    int8_->setChecked(s.int8Factors);
    // < 0 means the grid's highest level.
    sensitivityLevel_->setValue((s.sensitivityLevel < 0 ? s.grid.back() : s.sensitivityLevel) * 100.0);
}

}  // namespace sieve::widgets

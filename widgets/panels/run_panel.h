#pragma once
// The run panel: what to run (methods, eps, level grid, GA settings) and the
// buttons that start it. While a job runs only Stop is enabled. It fills
// core's RunSettings; the methods it offers are the method registry's, in
// its order. (The device is chosen when a model is opened.)
#include <QWidget>
#include <map>
#include <utility>
#include <vector>

#include "core/types/run_settings.h"

class QCheckBox;
class QDoubleSpinBox;
class QSpinBox;
class QLineEdit;
class QPushButton;

namespace sieve::widgets {

class MemoryPlanView;

class RunPanel : public QWidget {
    Q_OBJECT
public:
    enum class Action { Calibrate, Uniform, Genetic, Sensitivity, RunAll, Stop, Lora };

    explicit RunPanel(QWidget* parent = nullptr);

    // The settings as chosen; returns false with a message naming the field when one is invalid.
    bool settings(RunSettings* out, QString* error) const;
    void setSettings(const RunSettings& settings);
    void setBusy(bool busy);
    bool isBusy() const { return busy_; }
    QPushButton* button(Action action) const { return buttons_.at(action); }
    QCheckBox* methodBox(const QString& method) const;
    // Uniform sweeps also with 8-bit factors (RunSettings::int8Factors).
    QCheckBox* int8Box() const { return int8_; }
    // Shows the memory plan of the settings (the window fills it: MainWindow::refreshMemoryPlan).
    MemoryPlanView* memoryPlanView() const { return memoryPlan_; }

    // "0, 0.1, 0.2" <-> grid; parseGrid throws InputError naming the bad entry.
    static LevelGrid parseGrid(const QString& text);
    static QString gridText(const LevelGrid& grid);

Q_SIGNALS:
    void actionRequested(sieve::widgets::RunPanel::Action action);
    // Any setting changed (the memory plan depends on them).
    void settingsChanged();

private:
    QPushButton* addButton(Action action, const QString& text, const QString& tip);

    std::vector<std::pair<QString, QCheckBox*>> methods_;  // registry order
    QCheckBox* int8_;
    QDoubleSpinBox* eps_;
    QLineEdit* grid_;
    QSpinBox* population_;
    QSpinBox* generations_;
    QSpinBox* seed_;
    QDoubleSpinBox* sensitivityLevel_;
    std::map<Action, QPushButton*> buttons_;
    MemoryPlanView* memoryPlan_;
    bool busy_ = false;
};

}  // namespace sieve::widgets

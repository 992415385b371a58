#pragma once
// Asks what to recover with LoRA and how: a result of the session (the GA
// best, a sweep's optimum) or every matrix at one grid level, and the
// adapters' rank, alpha and training (steps, learning rate, batch). The
// defaults are LoraSettings'; the engine checks the numbers again.
#include <QDialog>
#include <QStringList>

#include "core/types/lora.h"
#include "core/types/results.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace sieve::widgets {

struct LoraRequest {
    QString result;     // "ga" or "uniform:METHOD"; empty with a level
    double level = -1;  // > 0: every matrix at this grid level, with `method`
    LoraSettings lora;
};

class LoraDialog : public QDialog {
    Q_OBJECT
public:
    // `results`: "ga" and "uniform:METHOD" the session holds; `grid`: the
    // levels a uniform recovery may use with `method` (the search method).
    LoraDialog(const QStringList& results, const LevelGrid& grid, const QString& method,
               QWidget* parent = nullptr);

    LoraRequest request() const;

private:
    QComboBox* target_;
    QSpinBox* rank_;
    QDoubleSpinBox* alpha_;
    QSpinBox* steps_;
    QDoubleSpinBox* learningRate_;
    QSpinBox* batch_;
};

}  // namespace sieve::widgets

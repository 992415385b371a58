#include "widgets/playground/playground.h"

#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

// One undo step: the chromosome before and after. Consecutive wheel steps on
// one matrix merge into one step, so scrolling three notches undoes at once.
class SetGenesCommand : public QUndoCommand {
public:
    SetGenesCommand(Playground* playground, std::vector<int> before, std::vector<int> after,
                    const QString& text, int mergeMatrix)
        : QUndoCommand(text),
          playground_(playground),
          before_(std::move(before)),
          after_(std::move(after)),
          mergeMatrix_(mergeMatrix) {}
    void undo() override { playground_->applyGenes(before_); }
    void redo() override { playground_->applyGenes(after_); }
    int id() const override { return mergeMatrix_ >= 0 ? 1 : -1; }
    bool mergeWith(const QUndoCommand* other) override {
        const auto* next = static_cast<const SetGenesCommand*>(other);
        if (next->mergeMatrix_ != mergeMatrix_) return false;
        after_ = next->after_;
        setText(next->text());
        return true;
    }

private:
    Playground* playground_;
    std::vector<int> before_, after_;
    int mergeMatrix_;
};

Playground::Playground(QObject* parent) : QObject(parent), stack_(new QUndoStack(this)) {}

Playground::~Playground() {
    stack_->clear();  // the commands refer to this object
}

void Playground::setBase(const ModelSummary& model, const LevelGrid& grid, const QString& method,
                         const std::vector<int>& genes, const QString& baseName) {
    const bool same = genes == genes_ && genes == base_ && grid == grid_ && method == method_ &&
                      model.matrices.size() == model_.matrices.size() && model.path == model_.path;
    model_ = model;
    grid_ = grid;
    method_ = method;
    baseName_ = baseName;
    stack_->clear();
    base_ = genes;
    if (same) return;  // the evaluation (if any) still belongs to these genes
    genes_ = genes;
    evaluation_.reset();
    error_.clear();
    dirty_ = false;
    Q_EMIT genesChanged();
    Q_EMIT evaluationChanged();
}

void Playground::clear() {
    stack_->clear();
    model_ = ModelSummary{};
    grid_.clear();
    method_.clear();
    base_.clear();
    genes_.clear();
    evaluation_.reset();
    error_.clear();
    dirty_ = false;
    Q_EMIT genesChanged();
    Q_EMIT evaluationChanged();
}

std::vector<int> Playground::changedMatrices() const {
    std::vector<int> changed;
    for (size_t i = 0; i < genes_.size() && i < base_.size(); ++i)
        if (genes_[i] != base_[i]) changed.push_back(int(i));
    return changed;
}

double Playground::removedFraction() const {
    double removed = 0, total = 0;
    for (size_t i = 0; i < genes_.size() && i < model_.matrices.size(); ++i) {
        const MatrixInfo& m = model_.matrices[i];
        const double level = grid_.at(size_t(genes_[i]));
        total += double(m.params());
        removed += double(m.params() - paramsAtLevel(m.rows, m.cols, level));
    }
    return total > 0 ? removed / total : 0.0;
}

bool Playground::push(std::vector<int> after, const QString& text, int mergeMatrix) {
    if (base_.empty() || engineBusy_ || after == genes_) return false;
    stack_->push(new SetGenesCommand(this, genes_, std::move(after), text, mergeMatrix));
    return true;
}

bool Playground::setLevel(int matrix, int gene) {
    if (matrix < 0 || matrix >= int(genes_.size()) || gene < 0 || gene >= int(grid_.size())) return false;
    std::vector<int> after = genes_;
    after[size_t(matrix)] = gene;
    return push(after, tr("Set %1 to %2 pruned")
                           .arg(QString::fromStdString(model_.matrices[size_t(matrix)].name),
                                style::percent(grid_[size_t(gene)])));
}

bool Playground::stepLevel(int matrix, int steps) {
    if (matrix < 0 || matrix >= int(genes_.size()) || grid_.empty()) return false;
    const int gene = std::clamp(genes_[size_t(matrix)] + steps, 0, int(grid_.size()) - 1);
    std::vector<int> after = genes_;
    after[size_t(matrix)] = gene;
    return push(after,
                tr("Set %1 to %2 pruned")
                    .arg(QString::fromStdString(model_.matrices[size_t(matrix)].name),
                         style::percent(grid_[size_t(gene)])),
                matrix);
}

bool Playground::resetToBase() {
    return push(base_, tr("Reset to %1").arg(baseName_));
}

bool Playground::resetToDense() {
    return push(std::vector<int>(genes_.size(), 0), tr("Reset to the dense model"));
}

void Playground::applyGenes(const std::vector<int>& genes) {
    genes_ = genes;
    if (evaluation_ && evaluation_->genes != genes_) evaluation_.reset();
    error_.clear();
    dirty_ = !evaluation_;
    Q_EMIT genesChanged();
    Q_EMIT evaluationChanged();
    askIfPossible();
}

void Playground::requestEvaluation() {
    if (genes_.empty() || (evaluation_ && evaluation_->genes == genes_)) return;
    dirty_ = true;
    error_.clear();
    Q_EMIT evaluationChanged();
    askIfPossible();
}

void Playground::setEngineBusy(bool busy) {
    const bool changed = busy != engineBusy_;
    engineBusy_ = busy;
    if (changed) Q_EMIT engineBusyChanged(busy);  // the buttons that edit follow it
    askIfPossible();
}

void Playground::askIfPossible() {
    if (!dirty_ || inFlight_ || engineBusy_ || genes_.empty()) return;
    dirty_ = false;
    inFlight_ = true;
    Q_EMIT evaluationNeeded(genes_);
}

void Playground::onEvaluated(const ChromosomeEvaluation& evaluation) {
    if (evaluation.genes != genes_) return;  // the user moved on while it ran
    evaluation_ = evaluation;
    dirty_ = false;
    Q_EMIT evaluationChanged();
}

void Playground::onJobFinished(bool ok, const QString& message) {
    inFlight_ = false;
    if (!ok) {
        error_ = message;
        dirty_ = false;  // no retry loop on a refusal; the next edit asks again
    }
    Q_EMIT evaluationChanged();
    askIfPossible();  // ask for what is shown now
}

}  // namespace sieve::widgets

#pragma once
// The playground's state: a chromosome a student edits cell by cell (one
// grid level per matrix), starting from a base (the GA best, or the best of
// a replayed generation), with undo and redo (QUndoStack), and the engine's
// evaluation of the current chromosome. The window keeps no results of its
// own: this is only what the user is pointing at. It asks the engine through
// evaluationNeeded and never evaluates anything itself; while the engine is
// busy it waits, and it asks only for the chromosome shown last.
#include <QObject>
#include <QString>
#include <optional>
#include <vector>

#include "core/types/chromosome_evaluation.h"
#include "core/types/matrix_info.h"
#include "core/types/results.h"

class QUndoStack;

namespace sieve::widgets {

class Playground : public QObject {
    Q_OBJECT
public:
    explicit Playground(QObject* parent = nullptr);
    ~Playground() override;

    // The chromosome edits start from; clears the undo history. `baseName`
    // names it in undo texts and titles ("the GA best").
    void setBase(const ModelSummary& model, const LevelGrid& grid, const QString& method,
                 const std::vector<int>& genes, const QString& baseName);
    void clear();  // nothing to play with (no model or no search yet)
    bool hasBase() const { return !base_.empty(); }
    const ModelSummary& model() const { return model_; }
    const LevelGrid& grid() const { return grid_; }
    QString method() const { return method_; }
    QString baseName() const { return baseName_; }

    const std::vector<int>& genes() const { return genes_; }
    const std::vector<int>& baseGenes() const { return base_; }
    std::vector<int> changedMatrices() const;  // where genes() differ from the base
    // Share of the prunable parameters the current chromosome removes.
    double removedFraction() const;
    QUndoStack* undoStack() const { return stack_; }

    // Undoable edits; false (and nothing pushed) when there is no base, the
    // matrix or level is off the model or grid, or nothing would change.
    bool setLevel(int matrix, int gene);
    bool stepLevel(int matrix, int steps);  // clamped to the grid
    bool resetToBase();
    bool resetToDense();

    // Whether another job (a run, not an evaluation of ours) is running: no
    // edits and no requests then.
    void setEngineBusy(bool busy);
    bool engineBusy() const { return engineBusy_; }
    // Evaluate the current chromosome even without an edit (the examples of the GA best).
    void requestEvaluation();

    // The engine's evaluation of genes(), when it has one.
    const std::optional<ChromosomeEvaluation>& evaluation() const { return evaluation_; }
    bool isEvaluating() const { return inFlight_ || dirty_; }
    QString lastError() const { return error_; }
    // The engine's answers (the window forwards them): the evaluation, then
    // the end of the job that made it (only then may the next one start).
    void onEvaluated(const ChromosomeEvaluation& evaluation);
    void onJobFinished(bool ok, const QString& message);
    bool hasRequestInFlight() const { return inFlight_; }

Q_SIGNALS:
    void genesChanged();                                   // redraw the heatmap
    void evaluationNeeded(const std::vector<int>& genes);  // ask the engine
    void evaluationChanged();           // evaluation(), isEvaluating() or lastError() changed
    void engineBusyChanged(bool busy);  // edits are refused (busy) or allowed again

private:
    friend class SetGenesCommand;
    void applyGenes(const std::vector<int>& genes);  // the commands' one way to change genes
    bool push(std::vector<int> after, const QString& text, int mergeMatrix = -1);
    void askIfPossible();

    QUndoStack* stack_;
    ModelSummary model_;
    LevelGrid grid_;
    QString method_;
    QString baseName_;
    std::vector<int> base_;
    std::vector<int> genes_;
    std::optional<ChromosomeEvaluation> evaluation_;
    QString error_;
    bool dirty_ = false;     // genes_ changed since the engine was last asked
    bool inFlight_ = false;  // an evaluation request is running
    bool engineBusy_ = false;
};

}  // namespace sieve::widgets

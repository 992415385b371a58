#pragma once
#include <QObject>

// The playground (a matrix's level set on the heatmap, the task evaluated
// again by the engine, undo and redo, the examples that flipped) and the
// replay of a finished genetic search.
class TestPlayground : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void wheelSetsALevelAndTheEngineEvaluatesIt();
    void clickOffersTheLevels();
    void undoRedoAndResets();
    void examplesAreFilteredByTag();
    void noEditsWhileARunIsGoing();
    void replayRedrawsFromTheSession();
};

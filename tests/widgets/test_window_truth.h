#pragma once
#include <QObject>

// Issue 19's "the window tells the truth": what a result is, which method
// made it, how it does on held-out examples, what each mark means.
class TestWindowTruth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void anotherTaskNeverWritesIntoTheOpenFile();
    void methodIsNamedEverywhere();
    void gaPointsOfTwoMethodsDiffer();
    void heldOutIsShownAndWarned();
    void smallSearchSetIsWarned();
    void compareViewWithoutPin();
    void bottleneckOutlinesAreExplained();
    void manyBottlenecksOutlineTheWorstDozen();
    void progressTextIsReadable();
    void earlyStopIsLogged();
    void demoOpensAtEveryStart();
    void openTaskStartsInTheDemoTasks();
    void saveSuggestsTaskAndModel();
    void recentShowsFolders();
    void exportDialogShowsNoAmpersand();
    void paperFiguresFitOneColumn();
    void paperFiguresKeepTheirLabels();
};

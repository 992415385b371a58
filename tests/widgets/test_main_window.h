#pragma once
#include <QObject>

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openDemoFillsModelPanel();
    void geneticSearchThroughButton();
    void windowStaysResponsiveWhileRunning();
    void stopMidRunLeavesUiUsable();
    void heatmapClickSelectsInModelPanel();
    void runAllFillsEveryView();
    void saveAndReopenReproducesPlots();
    void exportFromWindow();
    void menusAndShortcuts();
    void badSettingsAreReported();
    void searchUsesTheFirstMethodOfTheRegistry();
    void deviceIsChosenWhenOpeningAModel();
    void newSessionClearsTheViewsAndSavesEmpty();
    void evaluateResultOnAnotherTask();
    void exportPrunedModelFromWindow();
    void recoverWithLoraFromWindow();
    void screenshots();
};

#pragma once
#include <QObject>

class TestPlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void convergenceHasOnePointPerGeneration();
    void convergenceRedrawsAreThrottled();
    void convergenceExplainsTheThresholdInTheLegend();
    void heatmapCellsEqualChromosome_data();
    void heatmapCellsEqualChromosome();
    void heatmapRejectsBadChromosome();
    void heatmapHoverShowsMatrixDetails();
    void heatmapClickEmitsMatrix();
    void heatmapOutlinesBottlenecks();
    void sensitivityRanksAndDrops();
    void sensitivityLiveMeasurements();
    void accuracyCurvesPerMethod();
    void accuracyCurvesCarryWilsonIntervals();
    void int8CurveIsItsOwnSeries();
    void compareShowsDifference();
    void renderEveryView();
};

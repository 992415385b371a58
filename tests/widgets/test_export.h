#pragma once
#include <QObject>

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void exportsEveryFormat_data();
    void exportsEveryFormat();
    void pngSizeFollowsPreset_data();
    void pngSizeFollowsPreset();
    void pdfPageIsPresetSize();
    void exportLeavesScreenFontsAlone();
    void longTitleWrapsOnPaper();
    void paperFiguresAreNotClipped();
    void csvHoldsPlottedData();
    void badRequestsFailWithMessage();
    void dialogPresetsFillFields();
};

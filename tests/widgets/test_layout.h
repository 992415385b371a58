#pragma once
#include <QObject>

class TestLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void nothingIsCut_data();
    void nothingIsCut();
    void smallScreenDoesNotOverlap();
    void wrappedTextKeepsNumbersWithTheirRelations();
};

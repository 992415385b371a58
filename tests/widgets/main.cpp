// One executable for the widget tests: each test class runs in turn under
// the offscreen platform, with a private settings folder.
#include <QApplication>
#include <QTemporaryDir>
#include <QtTest>

#include "test_export.h"
#include "test_layout.h"
#include "test_main_window.h"
#include "test_playground.h"
#include "test_plots.h"
#include "test_window_truth.h"

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QTemporaryDir settingsDir;
    qputenv("XDG_CONFIG_HOME", settingsDir.path().toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SieveTest"));
    QApplication::setApplicationName(QStringLiteral("test_widgets"));
    int status = 0;
    {
        TestPlots t;
        status |= QTest::qExec(&t, argc, argv);
    }
    {
        TestExport t;
        status |= QTest::qExec(&t, argc, argv);
    }
    {
        TestMainWindow t;
        status |= QTest::qExec(&t, argc, argv);
    }
    {
        TestWindowTruth t;
        status |= QTest::qExec(&t, argc, argv);
    }
    {
        TestPlayground t;
        status |= QTest::qExec(&t, argc, argv);
    }
    {
        TestLayout t;
        status |= QTest::qExec(&t, argc, argv);
    }
    return status;
}

#pragma once
// Shared helpers of the widget tests: output folders, mouse events.
#include <QDir>
#include <QMouseEvent>
#include <QString>
#include <QWidget>
#include <QtTest>

namespace sieve::test {

// Where renders of each view go (inside the build tree).
inline QString outputDir() {
    const QString dir = QStringLiteral(SIEVE_BINARY_DIR "/test-output/widgets");
    QDir().mkpath(dir);
    return dir;
}

// docs/screenshots when SIEVE_WRITE_SCREENSHOTS=1 (run by hand to refresh the committed ones), else empty.
inline QString screenshotDir() {
    if (qEnvironmentVariableIntValue("SIEVE_WRITE_SCREENSHOTS") != 1) return {};
    const QString dir = QStringLiteral(SIEVE_SOURCE_DIR "/docs/screenshots");
    QDir().mkpath(dir);
    return dir;
}

inline void hover(QWidget* w, QPointF pos) {
    QMouseEvent move(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &move);
}

// Saves a grab of a widget under the test output dir (and docs/screenshots when asked).
inline void saveGrab(QWidget* w, const QString& name) {
    const QPixmap pixmap = w->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(outputDir() + QLatin1Char('/') + name + QStringLiteral(".png")));
    const QString shots = screenshotDir();
    if (!shots.isEmpty()) QVERIFY(pixmap.save(shots + QLatin1Char('/') + name + QStringLiteral(".png")));
}

}  // namespace sieve::test

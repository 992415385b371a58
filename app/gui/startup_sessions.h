#pragma once
// What `sieve-workbench a.h5 b.h5 --screenshots DIR` does after the window
// shows: opens the sessions one after the other (two sessions of different
// tasks fill the compare view), then optionally saves a picture of every view
// (window grabs and paper-preset PNG/PDF figures) and quits. The figures in
// docs/screenshots are made this way (scripts/make_screenshots.sh).
#include <QObject>
#include <QStringList>

namespace sieve::widgets {
class EngineClient;
class MainWindow;
}  // namespace sieve::widgets

namespace sieve::app {

class StartupSessions : public QObject {
    Q_OBJECT
public:
    StartupSessions(widgets::MainWindow* window, widgets::EngineClient* client, QStringList sessions,
                    QString screenshotDir, QObject* parent = nullptr);
    // Begins with the first session; with a screenshot folder the application
    // quits when done, with exit code 0, or 2 when a session did not open or a
    // picture could not be written.
    void start();

private:
    void openNext();
    void onFinished(bool ok, const QString& message);
    void saveScreenshots();
    void quit(int code);

    widgets::MainWindow* window_;
    widgets::EngineClient* client_;
    QStringList sessions_;
    QString screenshotDir_;
    int next_ = 0;
    bool failed_ = false;
};

}  // namespace sieve::app

#include "app/gui/startup_sessions.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>
#include <iterator>

#include "widgets/engine_client.h"
#include "widgets/main_window.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/plot_view.h"

namespace sieve::app {

namespace {
// File stems of the views, in MainWindow::Tab order.
const char* const kViewNames[] = {"ga_convergence", "pruning_heatmap", "bottlenecks", "accuracy_vs_pruning",
                                  "task_comparison"};
static_assert(std::size(kViewNames) == widgets::MainWindow::TabCount);

// Runs the event loop for a while: a newly shown tab lays out and replots.
void settle(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}
}  // namespace

StartupSessions::StartupSessions(widgets::MainWindow* window, widgets::EngineClient* client,
                                 QStringList sessions, QString screenshotDir, QObject* parent)
    : QObject(parent),
      window_(window),
      client_(client),
      sessions_(std::move(sessions)),
      screenshotDir_(std::move(screenshotDir)) {}

void StartupSessions::start() {
    connect(client_, &widgets::EngineClient::finished, this, &StartupSessions::onFinished);
    // From the event loop: quitting before QApplication::exec() runs would be lost.
    QTimer::singleShot(0, this, &StartupSessions::openNext);
}

void StartupSessions::openNext() {
    if (next_ < sessions_.size()) {
        window_->openSessionFile(sessions_.at(next_++));
        return;
    }
    disconnect(client_, nullptr, this, nullptr);
    if (screenshotDir_.isEmpty()) return;
    saveScreenshots();
    quit(failed_ ? 2 : 0);
}

void StartupSessions::onFinished(bool ok, const QString& message) {
    if (!ok) {
        QTextStream(stderr) << message << '\n';
        failed_ = true;
    }
    // Let the window handle the results queued before `finished`.
    QTimer::singleShot(0, this, &StartupSessions::openNext);
}

void StartupSessions::saveScreenshots() {
    QTextStream err(stderr);
    if (!QDir().mkpath(screenshotDir_)) {
        err << tr("cannot create the folder %1").arg(screenshotDir_) << '\n';
        failed_ = true;
        return;
    }
    const QDir dir(screenshotDir_);
    window_->convergencePlot()->flushPending();
    for (int tab = 0; tab < widgets::MainWindow::TabCount; ++tab) {
        window_->tabs()->setCurrentIndex(tab);
        settle(200);
        const QString name = QString::fromLatin1(kViewNames[tab]);
        if (!window_->grab().save(dir.filePath("window_" + name + ".png"))) {
            err << tr("cannot write %1").arg(dir.filePath("window_" + name + ".png")) << '\n';
            failed_ = true;
        }
        widgets::PlotView* view = window_->plotView(widgets::MainWindow::Tab(tab));
        if (!view) continue;
        for (widgets::FigureFormat format : {widgets::FigureFormat::Png, widgets::FigureFormat::Pdf}) {
            widgets::ExportRequest request;
            request.format = format;
            request.preset = widgets::paperPreset(*view);
            request.path = dir.filePath(name + "." + widgets::suffixFor(format));
            QString error;
            if (!window_->exportFigure(widgets::MainWindow::Tab(tab), request, &error)) {
                err << error << '\n';
                failed_ = true;
            }
        }
    }
}

void StartupSessions::quit(int code) {
    window_->setPromptOnClose(false);
    QCoreApplication::exit(code);
}

}  // namespace sieve::app

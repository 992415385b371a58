// sieve-workbench: the Qt desktop workbench.
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/engine_bridge.h"
#include "app/gui/startup_sessions.h"
#include "core/common/heap_reuse.h"
#include "sieve/version.h"
#include "widgets/common/language.h"
#include "widgets/common/metatypes.h"
#include "widgets/main_window.h"

int main(int argc, char** argv) {
    sieve::reuseFreedHeapMemory();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Sieve Workbench"));
    QApplication::setOrganizationName(QStringLiteral("Sieve"));
    QApplication::setApplicationVersion(QStringLiteral(SIEVE_VERSION_STRING));
    // The language chosen in settings (View > Language), else the system's;
    // QSettings is readable now that the organisation and application are named.
    const QString language = sieve::widgets::storedLanguage();
    const QLocale locale = sieve::widgets::localeForLanguage(language);
    if (!language.isEmpty()) QLocale::setDefault(locale);  // numbers and dates follow the choice too
    sieve::widgets::installTranslators(app, locale);
    sieve::widgets::registerMetaTypes();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "sieve::app::CommandLine",
        "Task-specific pruning of large language models (LLM-Sieve): calibration, projections, "
        "uniform and genetic searches, live plots."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("sessions"),
        QApplication::translate("sieve::app::CommandLine",
                                "Session files (.h5) to open; two sessions of different tasks fill the "
                                "compare view."),
        QStringLiteral("[session.h5...]"));
    const QCommandLineOption screenshots(
        QStringLiteral("screenshots"),
        QApplication::translate("sieve::app::CommandLine",
                                "Once the sessions are open, save every view (window PNGs, paper "
                                "PNG and PDF figures) into <dir> and quit."),
        QStringLiteral("dir"));
    parser.addOption(screenshots);
    parser.process(app);

    sieve::app::EngineBridge engine;  // core jobs on a worker thread
    sieve::widgets::MainWindow window(&engine);
    window.show();
    const QStringList sessions = parser.positionalArguments();
    sieve::app::StartupSessions startup(&window, &engine, sessions, parser.value(screenshots));
    if (sessions.isEmpty() && !parser.isSet(screenshots))
        window.openDemoAtStart();
    else
        startup.start();
    return app.exec();
}

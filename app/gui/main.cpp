// sieve-workbench: the Qt desktop workbench.
#include <QApplication>

#include "app/gui/engine_bridge.h"
#include "sieve/version.h"
#include "widgets/common/language.h"
#include "widgets/common/metatypes.h"
#include "widgets/main_window.h"

int main(int argc, char** argv) {
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

    sieve::app::EngineBridge engine;  // core jobs on a worker thread
    sieve::widgets::MainWindow window(&engine);
    window.show();
    window.openDemoOnFirstStart();
    return app.exec();
}

// sieve-workbench: the Qt desktop workbench.
#include <QApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "app/gui/engine_bridge.h"
#include "sieve/version.h"
#include "widgets/common/metatypes.h"
#include "widgets/main_window.h"

namespace {

void installTranslators(QApplication& app) {
    // Qt's own strings (dialog buttons) and ours, following the system locale.
    auto* qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    auto* ours = new QTranslator(&app);
    const QStringList places = {
        QStringLiteral(":/translations"),
        QApplication::applicationDirPath() + QStringLiteral("/../share/sieve-workbench/translations"),
        QApplication::applicationDirPath() + QStringLiteral("/translations")};
    for (const QString& dir : places)
        if (ours->load(QLocale(), QStringLiteral("sieve_workbench"), QStringLiteral("_"), dir)) {
            QApplication::installTranslator(ours);
            break;
        }
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Sieve Workbench"));
    QApplication::setOrganizationName(QStringLiteral("Sieve"));
    QApplication::setApplicationVersion(QStringLiteral(SIEVE_VERSION_STRING));
    installTranslators(app);
    sieve::widgets::registerMetaTypes();

    sieve::app::EngineBridge engine;  // core jobs on a worker thread
    sieve::widgets::MainWindow window(&engine);
    window.show();
    window.openDemoOnFirstStart();
    return app.exec();
}

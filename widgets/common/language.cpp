#include "widgets/common/language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>
#include <memory>

// The catalogues compiled into sieve_translations (translations/CMakeLists.txt).
// Q_INIT_RESOURCE must be called outside any namespace.
static void initTranslationResource() {
    Q_INIT_RESOURCE(sieve_translations);
}

namespace sieve::widgets {

QList<LanguageChoice> availableLanguages() {
    // Language names stay in their own language so that anyone can find theirs.
    return {{QString(), QCoreApplication::translate("sieve::widgets::Language", "System")},
            {QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("de"), QStringLiteral("Deutsch")}};
}

QString storedLanguage() {
    const QString code = QSettings().value(QLatin1String(kLanguageSettingKey)).toString();
    for (const LanguageChoice& choice : availableLanguages())
        if (choice.code == code) return code;
    return QString();  // a hand-edited or obsolete value falls back to the system
}

void storeLanguage(const QString& code) {
    QSettings().setValue(QLatin1String(kLanguageSettingKey), code);
}

QLocale localeForLanguage(const QString& code) {
    return code.isEmpty() ? QLocale::system() : QLocale(code);
}

QStringList translationSearchPaths() {
    static const bool resourceRegistered = (initTranslationResource(), true);
    Q_UNUSED(resourceRegistered);
    const QString bin = QCoreApplication::applicationDirPath();
    return {QStringLiteral(":/translations"), bin + QStringLiteral("/../share/sieve-workbench/translations"),
            bin + QStringLiteral("/translations")};
}

bool installTranslators(QCoreApplication& app, const QLocale& locale) {
    // A translator that loaded is handed to `app`, which keeps it alive.
    auto install = [&app](std::unique_ptr<QTranslator> translator) {
        translator->setParent(&app);
        QCoreApplication::installTranslator(translator.release());
    };
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        install(std::move(qt));

    // Our strings are written in English: nothing to load for it (and loading
    // would otherwise pick the next language in the locale's UI list).
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) return true;
    auto ours = std::make_unique<QTranslator>();
    for (const QString& dir : translationSearchPaths())
        if (ours->load(locale, QStringLiteral("sieve_workbench"), QStringLiteral("_"), dir)) {
            install(std::move(ours));
            return true;
        }
    return false;
}

}  // namespace sieve::widgets

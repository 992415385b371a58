#pragma once
// The interface language: a choice stored in QSettings ("ui/language": empty
// = follow the system locale, else a language code such as "en" or "de") and
// the translators that make it happen. sieve-workbench calls these before it
// builds any widget; the translation test calls the same code.
#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace sieve::widgets {

// QSettings key of the chosen interface language.
inline constexpr char kLanguageSettingKey[] = "ui/language";

struct LanguageChoice {
    QString code;  // "" for the system language
    QString name;  // shown in the menu, in its own language ("Deutsch")
};

// The languages the menu offers: System, then every language we ship.
QList<LanguageChoice> availableLanguages();

// The stored choice ("" when unset or unknown).
QString storedLanguage();
void storeLanguage(const QString& code);

// The locale the interface uses for a choice: the system's for "".
QLocale localeForLanguage(const QString& code);

// Where sieve_workbench_<lang>.qm is looked for, first match wins: the resource
// compiled into the program, then the installed and the build-tree folders
// next to the executable.
QStringList translationSearchPaths();

// Installs Qt's own catalogue (dialog buttons) and ours for `locale`, owned by
// `app`. Returns whether our catalogue was found; English, the source
// language, needs none and reports true.
bool installTranslators(QCoreApplication& app, const QLocale& locale);

}  // namespace sieve::widgets

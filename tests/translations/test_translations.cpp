// The workbench in German: the window built under a German system locale with
// the translators installed by the same code sieve-workbench runs
// (widgets/common/language.h), the language chosen in settings, and the
// committed catalogue (translations/sieve_workbench_de.ts) read independently
// with QXmlStreamReader as the reference for what the window must show.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFile>
#include <QHash>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QtTest>

#include "widgets/common/language.h"
#include "widgets/common/metatypes.h"
#include "widgets/engine_client.h"
#include "widgets/main_window.h"

using namespace sieve::widgets;

namespace {

const QString kGermanTs = QStringLiteral(SIEVE_SOURCE_DIR "/translations/sieve_workbench_de.ts");
const QString kWindowContext = QStringLiteral("sieve::widgets::MainWindow");

// An engine that never answers: the window only needs someone to talk to.
class SilentEngine : public EngineClient {
public:
    bool isBusy() const override { return false; }
    sieve::SessionData session() const override { return {}; }
    QString sessionPath() const override { return {}; }
    bool hasUnsavedResults() const override { return false; }
    QString automaticDevice() const override { return QStringLiteral("cpu"); }
    void openModel(const QString&, const sieve::DeviceChoice&) override {}
    void openDemoModel(const sieve::DeviceChoice&) override {}
    void openTask(const QString&) override {}
    void calibrate(const sieve::RunSettings&) override {}
    void uniformSweep(const sieve::RunSettings&) override {}
    void geneticSearch(const sieve::RunSettings&) override {}
    void sensitivity(const sieve::RunSettings&) override {}
    void runAll(const sieve::RunSettings&) override {}
    void evaluateOnTask(const QString&, const QString&) override {}
    void stop() override {}
    void newSession() override {}
    void openSession(const QString&, const sieve::DeviceChoice&) override {}
    void saveSession(const QString&) override {}
};

struct TsMessage {
    QString context;
    QString source;
    QString translation;      // a plural message's forms, concatenated
    QStringList pluralForms;  // German: singular, plural (empty when not a %n message)
    QString translationType;  // "unfinished", "vanished", "obsolete" or empty
    bool plural = false;      // a %n message (<message numerus="yes">)
};

// Every message of a .ts file, as written (no Qt Linguist code involved).
QList<TsMessage> readTs(const QString& path, QString* language) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot open %s", qPrintable(path));
        return {};
    }
    QList<TsMessage> messages;
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == QLatin1String("TS")) {
            *language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            message = TsMessage{context, {}, {}, {}, {}};
            message.plural = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            message.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            message.translationType = xml.attributes().value(QLatin1String("type")).toString();
            if (!message.plural) {
                message.translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                messages.append(message);
                continue;
            }
            while (xml.readNextStartElement()) message.pluralForms << xml.readElementText();
            message.translation = message.pluralForms.join(QString());
            messages.append(message);
        }
    }
    if (xml.hasError()) qWarning("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return messages;
}

QString tsTranslation(const QList<TsMessage>& messages, const QString& context, const QString& source) {
    for (const TsMessage& m : messages)
        if (m.context == context && m.source == source) return m.translation;
    return QString();
}

// Undoes installTranslators: the next window is built in the source language.
void removeTranslators() {
    for (QTranslator* translator : qApp->findChildren<QTranslator*>(QString(), Qt::FindDirectChildrenOnly)) {
        QCoreApplication::removeTranslator(translator);
        translator->deleteLater();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

QMenu* menu(const MainWindow& window, const char* objectName) {
    return window.menuBar()->findChild<QMenu*>(QLatin1String(objectName));
}

// "&Open Session…" -> {"Open Session…"}; "%1 of %2" -> {"%1", "%2"}.
QStringList placeholders(const QString& text) {
    QStringList found;
    auto it = QRegularExpression(QStringLiteral("%\\d")).globalMatch(text);
    while (it.hasNext()) found << it.next().captured();
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasAccelerator(const QString& text) {
    return QRegularExpression(QStringLiteral("&[^&\\s]"))
        .match(QString(text).remove(QStringLiteral("&&")))
        .hasMatch();
}

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        registerMetaTypes();
        messages_ = readTs(kGermanTs, &tsLanguage_);
        QVERIFY2(messages_.size() > 100, qPrintable(kGermanTs));
    }
    void init() {
        QSettings().clear();
        removeTranslators();
    }
    void cleanup() { removeTranslators(); }

    void systemLocaleIsGerman() {
        // main() below sets LC_ALL=de_DE.UTF-8 before the application starts.
        QCOMPARE(QLocale::system().language(), QLocale::German);
        QCOMPARE(storedLanguage(), QString());  // nothing chosen: follow the system
        QCOMPARE(localeForLanguage(storedLanguage()).language(), QLocale::German);
    }

    void windowFollowsGermanSystemLocale() {
        QVERIFY(installTranslators(*qApp, localeForLanguage(storedLanguage())));
        SilentEngine engine;
        MainWindow window(&engine);
        window.setPromptOnClose(false);

        QMenu* file = menu(window, "menuFile");
        QVERIFY(file);
        QCOMPARE(file->title(), QStringLiteral("&Datei"));
        QCOMPARE(file->title(), tsTranslation(messages_, kWindowContext, QStringLiteral("&File")));
        // Every top-level menu and the actions in the File menu show the catalogue's text.
        const QList<QPair<const char*, QString>> menus = {{"menuRun", QStringLiteral("&Run")},
                                                          {"menuView", QStringLiteral("&View")},
                                                          {"menuHelp", QStringLiteral("&Help")},
                                                          {"menuLanguage", QStringLiteral("&Language")}};
        for (const auto& [name, english] : menus) {
            QMenu* m = menu(window, name);
            QVERIFY2(m, name);
            const QString expected = tsTranslation(messages_, kWindowContext, english);
            QVERIFY2(!expected.isEmpty() && expected != english, qPrintable(english));
            QCOMPARE(m->title(), expected);
        }
        QAction* save = window.action(QStringLiteral("actionSave"));
        QVERIFY(save);
        QCOMPARE(save->text(), tsTranslation(messages_, kWindowContext, QStringLiteral("&Save Session")));
    }

    void chosenEnglishOverridesGermanSystem() {
        storeLanguage(QStringLiteral("en"));
        QCOMPARE(storedLanguage(), QStringLiteral("en"));
        QVERIFY(installTranslators(*qApp, localeForLanguage(storedLanguage())));
        SilentEngine engine;
        MainWindow window(&engine);
        window.setPromptOnClose(false);
        QCOMPARE(menu(window, "menuFile")->title(), QStringLiteral("&File"));
    }

    void chosenGermanIsTranslated() {
        storeLanguage(QStringLiteral("de"));
        QVERIFY(installTranslators(*qApp, localeForLanguage(storedLanguage())));
        SilentEngine engine;
        MainWindow window(&engine);
        window.setPromptOnClose(false);
        QCOMPARE(menu(window, "menuFile")->title(), QStringLiteral("&Datei"));
    }

    void unknownStoredLanguageFallsBackToSystem() {
        QSettings().setValue(QLatin1String(kLanguageSettingKey), QStringLiteral("xx"));
        QCOMPARE(storedLanguage(), QString());
    }

    void languageMenuStoresTheChoiceForNextStart() {
        SilentEngine engine;
        MainWindow window(&engine);
        window.setPromptOnClose(false);
        QMenu* language = menu(window, "menuLanguage");
        QVERIFY(language);
        const QList<LanguageChoice> choices = availableLanguages();
        QCOMPARE(language->actions().size(), choices.size());
        QAction* system = window.findChild<QAction*>(QStringLiteral("actionLanguage_system"));
        QAction* german = window.findChild<QAction*>(QStringLiteral("actionLanguage_de"));
        QVERIFY(system && german);
        QVERIFY(system->isChecked());  // nothing stored yet
        QCOMPARE(german->text(), QStringLiteral("Deutsch"));

        // Choosing says it applies at the next start: close that message box.
        QString shown;
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->accept();
            }
        });
        closer.start(20);
        german->trigger();
        closer.stop();
        QCOMPARE(storedLanguage(), QStringLiteral("de"));
        QVERIFY(german->isChecked() && !system->isChecked());
        QVERIFY2(shown.contains(QStringLiteral("next time")), qPrintable(shown));
        // The running window stays in the language it started with.
        QCOMPARE(menu(window, "menuFile")->title(), QStringLiteral("&File"));
    }

    void catalogueIsComplete() {
        QCOMPARE(tsLanguage_, QStringLiteral("de_DE"));
        for (const TsMessage& m : messages_) {
            const QString where = m.context + QStringLiteral(": ") + m.source;
            QVERIFY2(m.translationType.isEmpty(),
                     qPrintable(where + QStringLiteral(" is ") + m.translationType));
            QVERIFY2(!m.translation.trimmed().isEmpty(),
                     qPrintable(where + QStringLiteral(" has no translation")));
            QVERIFY2(placeholders(m.translation) == placeholders(m.source),
                     qPrintable(where + QStringLiteral(" -> ") + m.translation +
                                QStringLiteral(": placeholders differ")));
            QVERIFY2(
                hasAccelerator(m.translation) == hasAccelerator(m.source),
                qPrintable(where + QStringLiteral(" -> ") + m.translation + QStringLiteral(": accelerator")));
            // A context lupdate could not resolve would never match tr() at run time.
            QVERIFY2(m.context.startsWith(QStringLiteral("sieve::")), qPrintable(where));
        }
    }

    void embeddedCatalogueMatchesTs() {
        // What the build compiled with lrelease and embedded is the committed .ts.
        QTranslator compiled;
        QVERIFY(compiled.load(QLocale(QLocale::German, QLocale::Germany), QStringLiteral("sieve_workbench"),
                              QStringLiteral("_"), QStringLiteral(":/translations")));
        int checked = 0;
        for (const TsMessage& m : messages_) {
            if (m.translation == m.source) continue;  // lrelease leaves identical texts out
            const QByteArray context = m.context.toUtf8(), source = m.source.toUtf8();
            if (!m.pluralForms.isEmpty()) {
                // German: n = 1 takes the first form, every other n the second.
                QCOMPARE(m.pluralForms.size(), 2);
                QCOMPARE(compiled.translate(context.constData(), source.constData(), nullptr, 1),
                         m.pluralForms[0]);
                QCOMPARE(compiled.translate(context.constData(), source.constData(), nullptr, 3),
                         m.pluralForms[1]);
            } else {
                QCOMPARE(compiled.translate(context.constData(), source.constData()), m.translation);
            }
            ++checked;
        }
        QVERIFY(checked > 100);
    }

private:
    QList<TsMessage> messages_;
    QString tsLanguage_;
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    // A German system: QLocale::system() reads these when the application starts.
    qputenv("LC_ALL", "de_DE.UTF-8");
    qputenv("LANGUAGE", "de_DE:de");
    QTemporaryDir settingsDir;  // private QSettings
    qputenv("XDG_CONFIG_HOME", settingsDir.path().toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SieveTest"));
    QApplication::setApplicationName(QStringLiteral("test_translations"));
    TestTranslations test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_translations.moc"

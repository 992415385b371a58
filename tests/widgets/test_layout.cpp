// The window fits the screen: rendered offscreen at 1280×720, 1366×768 and
// 1920×1080, in English and in German, after a whole run on the fake engine,
// no text of any tab is cut (QFontMetrics against each widget's room, see
// text_fit.h), the window is the size asked for (its minimum fits), and a
// screenshot of every tab is saved for a person to look at.
#include "test_layout.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QScrollArea>
#include <QTabWidget>
#include <QTranslator>
#include <QtTest>

#include "fake_engine_client.h"
#include "test_support.h"
#include "text_fit.h"
#include "widgets/common/language.h"
#include "widgets/main_window.h"
#include "widgets/panels/progress_panel.h"
#include "widgets/panels/run_panel.h"
#include "widgets/playground/playground.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/text_wrap.h"

using namespace sieve;
using namespace sieve::widgets;
using test::FakeEngineClient;

namespace {

void removeTranslators() {
    for (QTranslator* t : qApp->findChildren<QTranslator*>(QString(), Qt::FindDirectChildrenOnly)) {
        QCoreApplication::removeTranslator(t);
        t->deleteLater();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

// A window as a user sees it after Run all and a look at the examples.
struct FilledWindow {
    FakeEngineClient engine{12};
    MainWindow window{&engine};
    explicit FilledWindow(QSize size) {
        window.setPromptOnClose(false);
        window.resize(size);
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
        engine.openDemoModel();
        RunSettings s;
        QString error;
        (void)window.runPanel()->settings(&s, &error);
        s.ga.population = 10;
        s.ga.generations = 4;
        window.runPanel()->setSettings(s);
        window.runAction(RunPanel::Action::RunAll);
        waitUntilIdle();
        window.playground()->stepLevel(3, 2);  // an edit, so that the playground shows its examples
        waitUntilIdle();
    }
    // The spy records the worker's signal at once; the window handles it when the queue reaches it.
    void waitUntilIdle() {
        QElapsedTimer clock;
        clock.start();
        QTest::qWait(20);
        while ((engine.isBusy() || window.runPanel()->isBusy()) && clock.elapsed() < 60000) QTest::qWait(20);
        QTest::qWait(50);
    }
    ~FilledWindow() {
        engine.stop();
        engine.waitForIdle();
        QCoreApplication::processEvents();
    }
};

// The compare view's three stacked heatmaps each get a readable band of
// cells (at least 60 px, room for the seven matrix-type labels), all three
// equally high, and no row keeps blank space above its title beyond the
// title's own padding.
QStringList squeezedCompareRows(MainWindow& window) {
    auto* compare = qobject_cast<CompareView*>(window.plotView(MainWindow::CompareTab));
    if (!compare) return {QStringLiteral("compare view: not found")};
    QStringList found;
    const std::pair<CompareView::Panel, const char*> panels[] = {{CompareView::Panel::A, "A"},
                                                                 {CompareView::Panel::B, "B"},
                                                                 {CompareView::Panel::Difference, "A − B"}};
    for (const auto& [panel, name] : panels) {
        const QRect row = compare->rowRect(panel), cells = compare->cellsRect(panel);
        if (cells.height() < 60)
            found << QStringLiteral("compare view: heatmap %1 only %2 px high (row %3 px)")
                         .arg(QString::fromUtf8(name))
                         .arg(cells.height())
                         .arg(row.height());
        const int first = compare->cellsRect(CompareView::Panel::A).height();
        if (std::abs(cells.height() - first) > 3)
            found << QStringLiteral("compare view: heatmap %1 is %2 px high, A %3 px")
                         .arg(QString::fromUtf8(name))
                         .arg(cells.height())
                         .arg(first);
        const int blank = cells.top() - row.top() - compare->titleHeight(panel);
        if (blank > 20)
            found << QStringLiteral("compare view: %1 px blank above the title of heatmap %2")
                         .arg(blank)
                         .arg(QString::fromUtf8(name));
    }
    return found;
}

}  // namespace

void TestLayout::initTestCase() {
    registerMetaTypes();
}

void TestLayout::cleanup() {
    removeTranslators();
}

void TestLayout::nothingIsCut_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("language");
    for (const QSize size : {QSize(1280, 720), QSize(1366, 768), QSize(1920, 1080)})
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("de")})
            QTest::newRow(
                qPrintable(QStringLiteral("%1x%2 %3").arg(size.width()).arg(size.height()).arg(language)))
                << size << language;
}

void TestLayout::nothingIsCut() {
    QFETCH(QSize, size);
    QFETCH(QString, language);
    removeTranslators();
    if (language == QLatin1String("de"))
        QVERIFY(installTranslators(*qApp, QLocale(QLocale::German, QLocale::Germany)));
    FilledWindow f(size);
    QCOMPARE(f.window.size(), size);  // the window's minimum fits the screen
    QStringList cut;
    const QString stem = QStringLiteral("layout_%1x%2_%3").arg(size.width()).arg(size.height()).arg(language);
    for (int tab = 0; tab < MainWindow::TabCount; ++tab) {
        f.window.tabs()->setCurrentIndex(tab);
        QTest::qWait(120);
        for (const QString& finding : test::cutTexts(&f.window))
            cut << QStringLiteral("tab %1: %2").arg(tab).arg(finding);
        test::saveGrab(&f.window, stem + QStringLiteral("_tab%1").arg(tab));
        if (tab == MainWindow::CompareTab) cut << squeezedCompareRows(f.window);
    }
    // The Model dock shares the right side with Run: look at it too.
    auto* modelDock = f.window.findChild<QDockWidget*>(QStringLiteral("modelDock"));
    QVERIFY(modelDock);
    modelDock->raise();
    QTest::qWait(80);
    for (const QString& finding : test::cutTexts(&f.window))
        cut << QStringLiteral("model dock: %1").arg(finding);
    test::saveGrab(&f.window, stem + QStringLiteral("_model"));
    cut.removeDuplicates();
    QVERIFY2(cut.isEmpty(), qPrintable(QStringLiteral("\n") + cut.join(QLatin1Char('\n'))));
}

// Below the supported size the window still never overlaps its parts: the
// run panel scrolls instead of running into the log.
void TestLayout::smallScreenDoesNotOverlap() {
    FakeEngineClient engine{8};
    MainWindow window{&engine};
    window.setPromptOnClose(false);
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    engine.openDemoModel();
    QTest::qWait(100);
    auto* runDock = window.findChild<QDockWidget*>(QStringLiteral("runDock"));
    auto* progressDock = window.findChild<QDockWidget*>(QStringLiteral("progressDock"));
    QVERIFY(runDock && progressDock);
    const QRect run(runDock->mapTo(&window, QPoint(0, 0)), runDock->size());
    const QRect progress(progressDock->mapTo(&window, QPoint(0, 0)), progressDock->size());
    QVERIFY2(!run.intersects(progress), "the Run panel overlaps the progress panel");
    auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("runScroll"));
    QVERIFY(scroll);
    QCOMPARE(scroll->widget(), static_cast<QWidget*>(window.runPanel()));
    test::saveGrab(&window, QStringLiteral("layout_1024x700_en"));
}

// Titles and notes wrap between words, but never inside "ε = 5 %" or
// "≥ 0.950": at every width from one word to the whole text, no line starts
// or ends with a relation or starts with a unit, and no word is lost.
void TestLayout::wrappedTextKeepsNumbersWithTheirRelations() {
    const QString text = QStringLiteral(
        "GA best with LLM-Sieve: search accuracy 1.000 (needs ≥ 0.950) at ε = 5 % "
        "and 66.6 % removed, 2 × faster, 0.2 – 0.3 of them ≤ 0.5");
    const QFont font(QStringLiteral("DejaVu Sans"), 9);
    const QFontMetricsF metrics(font);
    const QStringList words = text.split(QLatin1Char(' '));
    const auto isRelation = [](const QString& w) {
        return w == QStringLiteral("=") || w == QStringLiteral("≥") || w == QStringLiteral("≤") ||
               w == QStringLiteral("×");
    };
    int wrapped = 0;
    for (double width = 20.0; width <= metrics.horizontalAdvance(text) + 10.0; width += 7.0) {
        const QStringList lines = style::wrapText(text, font, width).split(QLatin1Char('\n'));
        wrapped += lines.size() > 1 ? 1 : 0;
        QCOMPARE(lines.join(QLatin1Char(' ')).split(QLatin1Char(' ')), words);
        for (const QString& line : lines) {
            const QStringList w = line.split(QLatin1Char(' '));
            QVERIFY2(!isRelation(w.front()) && !isRelation(w.back()), qPrintable(line));
            QVERIFY2(w.front() != QStringLiteral("%") && w.front() != QStringLiteral("–"), qPrintable(line));
        }
        // "ε = 5 %" stays whole on one line whatever the width.
        QVERIFY2(std::any_of(lines.begin(), lines.end(),
                             [](const QString& l) { return l.contains(QStringLiteral("ε = 5 %")); }),
                 qPrintable(lines.join(QStringLiteral(" | "))));
    }
    QVERIFY(wrapped > 10);  // the widths above really made it wrap
}

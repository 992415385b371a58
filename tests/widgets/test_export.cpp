// Figure export: every view to PDF, SVG, PNG and CSV; files checked with
// independent readers (PDF header and MediaBox, an XML parser, QImage).
#include "test_export.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <functional>
#include <memory>

#include "synthetic_workload.h"
#include "test_support.h"
#include "widgets/export/export_dialog.h"
#include "widgets/export/figure_export.h"
#include "widgets/plots/accuracy_curve_plot.h"
#include "widgets/plots/compare_view.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/sensitivity_view.h"

using namespace sieve;
using namespace sieve::widgets;

namespace {

struct Views {
    test::Workload w = test::runWorkload(8, 16, 6, 3);
    GaConvergencePlot convergence;
    PruningHeatmap heatmap;
    SensitivityView sensitivity;
    AccuracyCurvePlot accuracy;
    CompareView compare;

    Views() {
        convergence.setGenerations(w.generations);
        heatmap.setChromosome(w.model, w.grid, w.ga.best.genes);
        heatmap.setOutlined(w.bottlenecks);
        sensitivity.setModel(w.model);
        sensitivity.setResult(w.sensitivity);
        accuracy.setBaseline(w.a0, w.eps);
        for (const UniformResult& u : w.uniform) accuracy.setUniformResult(u);
        accuracy.setGaBest(QStringLiteral("sieve"), w.ga.best);
        std::vector<double> levels;
        for (int g : w.ga.best.genes) levels.push_back(w.grid[g]);
        std::vector<double> other(levels.rbegin(), levels.rend());
        compare.setComparison(w.model, QStringLiteral("skill A"), levels, QStringLiteral("skill B"), other);
        for (PlotView* v : all()) v->resize(900, 500);
    }
    std::vector<PlotView*> all() { return {&convergence, &heatmap, &sensitivity, &accuracy, &compare}; }
    PlotView* byName(const QString& name) {
        for (PlotView* v : all())
            if (v->figureName() == name) return v;
        return nullptr;
    }
};

std::unique_ptr<Views> views;
std::unique_ptr<QTemporaryDir> tmp;

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

// Exports `view` as a PNG with `preset` into the test folder and reads it back.
QImage exportPng(PlotView& view, const ExportPreset& preset, const QString& name) {
    ExportRequest r;
    r.format = FigureFormat::Png;
    r.preset = preset;
    r.path = tmp->filePath(name);
    if (!exportFigure(view, r, nullptr)) return {};
    return QImage(r.path).convertToFormat(QImage::Format_RGB32);
}

// The first dark pixel in `columns` x `rows` of the image ("" when there is none).
QString inkAt(const QImage& image, const std::vector<int>& columns, int firstRow, int lastRow) {
    for (int y = firstRow; y < lastRow; ++y)
        for (int x : columns)
            if (qGray(image.pixel(x, y)) <= 200) return QStringLiteral("ink at x %1, y %2").arg(x).arg(y);
    return {};
}

// Shows a view, runs `exportIt`, and checks that the screen looks the same after.
void checkScreenUnchanged(PlotView& v, const std::function<void()>& exportIt) {
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    QTest::qWait(50);
    const QImage before = v.plotWidget()->grab().toImage();
    exportIt();
    QTest::qWait(50);
    QCOMPARE(v.plotWidget()->grab().toImage(), before);
    v.hide();
}

}  // namespace

void TestExport::initTestCase() {
    views = std::make_unique<Views>();
    tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp->isValid());
}

void TestExport::cleanupTestCase() {
    views.reset();
    tmp.reset();
}

void TestExport::exportsEveryFormat_data() {
    QTest::addColumn<QString>("view");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("preset");
    const char* names[] = {"ga_convergence", "pruning_heatmap", "sensitivity_heatmap", "accuracy_vs_pruning",
                           "task_comparison"};
    for (const char* name : names)
        for (auto [format, label] : {std::pair{FigureFormat::Pdf, "pdf"}, std::pair{FigureFormat::Svg, "svg"},
                                     std::pair{FigureFormat::Png, "png"}})
            for (const char* preset : {"paper", "slide"})
                QTest::addRow("%s %s %s", name, label, preset)
                    << QString::fromLatin1(name) << int(format) << QString::fromLatin1(preset);
}

void TestExport::exportsEveryFormat() {
    QFETCH(QString, view);
    QFETCH(int, format);
    QFETCH(QString, preset);
    PlotView* v = views->byName(view);
    QVERIFY(v);
    ExportRequest r;
    r.format = FigureFormat(format);
    r.preset = preset == QLatin1String("paper") ? paperPreset(*v) : slidePreset(*v);
    r.path = tmp->filePath(view + QLatin1Char('_') + preset + QLatin1Char('.') + suffixFor(r.format));
    QString error;
    QVERIFY2(exportFigure(*v, r, &error), qPrintable(error));
    const QByteArray bytes = readAll(r.path);
    QVERIFY(bytes.size() > 500);
    switch (r.format) {
        case FigureFormat::Pdf:
            QVERIFY(bytes.startsWith("%PDF-"));
            QVERIFY(bytes.contains("%%EOF"));
            break;
        case FigureFormat::Svg: {
            QXmlStreamReader xml(bytes);
            bool sawSvg = false;
            int texts = 0;
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == QLatin1String("svg")) sawSvg = true;
                if (xml.isStartElement() && xml.name() == QLatin1String("text")) ++texts;
            }
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QVERIFY(sawSvg);
            QVERIFY2(texts > 5, "axis labels are text, not paths");  // vector text stays editable
            break;
        }
        case FigureFormat::Png: {
            QImage image;
            QVERIFY(image.load(r.path));
            QCOMPARE(image.size(), pngPixels(r.preset));
            // Something was drawn: at least 3 % of the pixels are not white.
            int inked = 0;
            for (int y = 0; y < image.height(); y += 2)
                for (int x = 0; x < image.width(); x += 2)
                    if (image.pixel(x, y) != qRgb(255, 255, 255)) ++inked;
            QVERIFY2(inked * 4 > image.width() * image.height() * 3 / 100,
                     qPrintable(QString::number(inked)));
            break;
        }
        case FigureFormat::Csv:
            break;
    }
    // Keep the PNGs for eyes.
    if (r.format == FigureFormat::Png) {
        const QString keep = test::outputDir() + QStringLiteral("/export_") + view + QLatin1Char('_') +
                             preset + QStringLiteral(".png");
        QFile::remove(keep);
        QFile::copy(r.path, keep);
    }
}

void TestExport::pngSizeFollowsPreset_data() {
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("height");
    QTest::addColumn<int>("dpi");
    QTest::newRow("3.5 in at 300 dpi") << 3.5 << 2.4 << 300;
    QTest::newRow("7 in at 600 dpi") << 7.0 << 3.0 << 600;
    QTest::newRow("8 in at 96 dpi") << 8.0 << 4.5 << 96;
}

void TestExport::pngSizeFollowsPreset() {
    QFETCH(double, width);
    QFETCH(double, height);
    QFETCH(int, dpi);
    ExportRequest r;
    r.format = FigureFormat::Png;
    r.preset = {QStringLiteral("custom"), width, height, 9, dpi};
    r.path = tmp->filePath(QStringLiteral("size_%1.png").arg(dpi));
    QVERIFY(exportFigure(views->accuracy, r, nullptr));
    QImage image(r.path);
    QCOMPARE(image.width(), int(std::lround(width * dpi)));
    QCOMPARE(image.height(), int(std::lround(height * dpi)));
    QVERIFY(std::abs(image.dotsPerMeterX() * 0.0254 - dpi) < 1.0);
}

void TestExport::pdfPageIsPresetSize() {
    ExportRequest r;
    r.format = FigureFormat::Pdf;
    r.preset = paperPreset(views->accuracy);
    r.path = tmp->filePath(QStringLiteral("page.pdf"));
    QVERIFY(exportFigure(views->accuracy, r, nullptr));
    const QByteArray pdf = readAll(r.path);
    // 3.5 in = 252 pt wide.
    const QRegularExpression mediaBox(QStringLiteral("/MediaBox \\[\\s*0 0 ([0-9.]+) ([0-9.]+)\\s*\\]"));
    const auto match = mediaBox.match(QString::fromLatin1(pdf));
    QVERIFY2(match.hasMatch(), "no MediaBox");
    QVERIFY(std::abs(match.captured(1).toDouble() - 252.0) < 1.0);
    QVERIFY(std::abs(match.captured(2).toDouble() - 252.0 * views->accuracy.preferredAspect()) < 1.5);
}

void TestExport::exportLeavesScreenFontsAlone() {
    // Export resizes fonts for the preset and puts them back: the on-screen plot looks the same after.
    PlotView& v = views->heatmap;
    checkScreenUnchanged(
        v, [&] { QVERIFY(!exportPng(v, slidePreset(v), QStringLiteral("fonts.png")).isNull()); });
}

void TestExport::longTitleWrapsOnPaper() {
    // A title that fits the window is wider than a one-column figure: the
    // export breaks it into lines instead of clipping it at the canvas edge,
    // and the window keeps its one-line title.
    PruningHeatmap& v = views->heatmap;
    v.setTitle(QStringLiteral("GA best (generation 14, 66.6 % removed, accuracy 1.000, a long title)"));
    checkScreenUnchanged(v, [&] {
        const QImage image = exportPng(v, paperPreset(v), QStringLiteral("long_title.png"));
        QVERIFY(!image.isNull());
        const int edge = std::max(3, image.width() / 100);
        const QString ink =
            inkAt(image, {0, 1, edge - 1, image.width() - edge, image.width() - 1}, 0, image.height());
        QVERIFY2(ink.isEmpty(), qPrintable(ink));
    });
    v.setTitle(QString());
}

void TestExport::paperFiguresAreNotClipped() {
    // Clipped text or a legend wider than the figure touches the canvas edge.
    // The accuracy plot gets every method, so its legend has the longest labels.
    AccuracyCurvePlot everyMethod;
    everyMethod.setBaseline(views->w.a0, views->w.eps);
    for (const UniformResult& u : views->w.uniform) everyMethod.setUniformResult(u);
    UniformResult sequential = views->w.uniform.front();
    sequential.method = "sieve-sequential";
    everyMethod.setUniformResult(sequential);
    everyMethod.setGaBest(QStringLiteral("sieve"), views->w.ga.best);
    everyMethod.resize(900, 500);
    std::vector<PlotView*> all = views->all();
    all.push_back(&everyMethod);
    QImage image;
    for (PlotView* v : all) {
        image = exportPng(*v, paperPreset(*v), v->figureName() + QStringLiteral("_edges.png"));
        QVERIFY(!image.isNull());
        const int w = image.width();
        const QString ink = inkAt(image, {0, 1, 2, w - 3, w - 2, w - 1}, 0, image.height());
        QVERIFY2(ink.isEmpty(), qPrintable(v->figureName() + ": " + ink));
    }
    // The legend rows below the accuracy plot (the last image): a legend too
    // wide for one column is clipped inside its cells, short of the edge, so
    // look at the right 3 % of those rows (a fitted two-column legend never reaches them).
    std::vector<int> right;
    for (int x = image.width() * 97 / 100; x < image.width(); ++x) right.push_back(x);
    const QString ink = inkAt(image, right, image.height() * 4 / 5, image.height());
    QVERIFY2(ink.isEmpty(), qPrintable("the legend reaches the right edge: " + ink));
}

void TestExport::csvHoldsPlottedData() {
    const test::Workload& w = views->w;
    ExportRequest r;
    r.format = FigureFormat::Csv;
    r.path = tmp->filePath(QStringLiteral("accuracy.csv"));
    QVERIFY(exportFigure(views->accuracy, r, nullptr));
    const QStringList lines = QString::fromUtf8(readAll(r.path)).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.first(), QStringLiteral("series,method,level,params_removed_percent,accuracy"));
    int uniformPoints = 0;
    for (const UniformResult& u : w.uniform) uniformPoints += int(u.points.size());
    // uniform points + GA best + a0 + threshold
    QCOMPARE(lines.size(), 1 + uniformPoints + 1 + 2);
    const QStringList ga = lines.filter(QStringLiteral("ga_best,"));
    QCOMPARE(ga.size(), 1);
    const QStringList cells = ga.first().split(QLatin1Char(','));
    QVERIFY(std::abs(cells[3].toDouble() - 100.0 * w.ga.best.removedFraction) < 1e-6);
    QVERIFY(std::abs(cells[4].toDouble() - w.ga.best.accuracy) < 1e-9);

    r.path = tmp->filePath(QStringLiteral("heatmap.csv"));
    QVERIFY(exportFigure(views->heatmap, r, nullptr));
    const QStringList rows = QString::fromUtf8(readAll(r.path)).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(rows.size(), 1 + int(w.model.matrices.size()));
    for (size_t i = 0; i < w.model.matrices.size(); ++i) {
        const QStringList c = rows[int(i) + 1].split(QLatin1Char(','));
        QCOMPARE(c[0], QString::fromStdString(w.model.matrices[i].name));
        QCOMPARE(c[5].toDouble(), w.grid[w.ga.best.genes[i]]);
    }
}

void TestExport::badRequestsFailWithMessage() {
    ExportRequest r;
    r.format = FigureFormat::Pdf;
    r.preset = paperPreset(views->accuracy);
    QString error;
    QVERIFY(!exportFigure(views->accuracy, r, &error));  // no path
    QVERIFY(!error.isEmpty());
    r.path = QStringLiteral("/nonexistent-dir/x/figure.png");
    r.format = FigureFormat::Png;
    error.clear();
    QVERIFY(!exportFigure(views->accuracy, r, &error));
    QVERIFY2(error.contains(r.path), qPrintable(error));
    r.path = tmp->filePath(QStringLiteral("huge.png"));
    r.preset.dpi = 100000;
    error.clear();
    QVERIFY(!exportFigure(views->accuracy, r, &error));
    QVERIFY(error.contains(QStringLiteral("dpi")));
}

void TestExport::dialogPresetsFillFields() {
    ExportDialog dialog(views->heatmap, tmp->path());
    ExportRequest r = dialog.request();
    QCOMPARE(r.preset.name, QStringLiteral("paper"));
    QCOMPARE(r.preset.widthInches, 3.5);
    QCOMPARE(r.preset.fontPoints, 8);
    QVERIFY(r.path.endsWith(QStringLiteral("pruning_heatmap.pdf")));
    auto* preset = dialog.findChildren<QComboBox*>().at(1);
    preset->setCurrentIndex(1);  // slide
    r = dialog.request();
    QCOMPARE(r.preset.name, QStringLiteral("slide"));
    QCOMPARE(r.preset.fontPoints, 18);
    auto* format = dialog.findChildren<QComboBox*>().at(0);
    format->setCurrentIndex(2);  // PNG
    r = dialog.request();
    QCOMPARE(r.format, FigureFormat::Png);
    QVERIFY(r.path.endsWith(QStringLiteral("pruning_heatmap.png")));
}

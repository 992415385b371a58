#include "widgets/export/figure_export.h"

#include <qcustomplot.h>

#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSet>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "widgets/plots/plot_style.h"
#include "widgets/plots/plot_view.h"

namespace sieve::widgets {

namespace {

// Every font and size on a plot that a preset changes, with a way to put it back.
class PresetApplier {
public:
    PresetApplier(QCustomPlot* plot, const ExportPreset& preset) : plot_(plot) {
        const int pt = preset.fontPoints;
        pt_ = pt;
        // Marks of the screen only (the selected cell): not on paper. Taken out
        // of the legend first, so that no font change below refers to their
        // legend items (removing deletes them), and put back last.
        for (int i = 0; i < plot->plottableCount(); ++i) {
            QCPAbstractPlottable* p = plot->plottable(i);
            if (!p->property("sieveScreenOnly").toBool() || !plot->legend->hasItemWithPlottable(p)) continue;
            p->removeFromLegend();
            restore_.push_back([p] { p->addToLegend(); });
        }
        QSet<QCPAxis*> axes;
        std::function<void(QCPLayoutElement*)> visit = [&](QCPLayoutElement* element) {
            if (!element) return;
            if (auto* rect = qobject_cast<QCPAxisRect*>(element)) {
                for (QCPAxis* axis : rect->axes()) axes.insert(axis);
                // Screen minimum margins (15 px) waste a paper figure's space; keep room for half a label.
                const QMargins minimum = rect->minimumMargins();
                restore_.push_back([rect, minimum] { rect->setMinimumMargins(minimum); });
                const int m = pt / 2 + 2;
                rect->setMinimumMargins(QMargins(m, m, m, m));
                // The inset layout holds the legend.
                for (QCPLayoutElement* inset : rect->insetLayout()->elements(false)) visit(inset);
            }
            if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
                axes.insert(scale->axis());
                const int oldWidth = scale->barWidth();
                restore_.push_back([scale, oldWidth] { scale->setBarWidth(oldWidth); });
                scale->setBarWidth(std::max(6, int(std::lround(pt * 1.2))));
                scales_.push_back(scale);
            }
            if (auto* legend = qobject_cast<QCPLegend*>(element)) {
                legends_.push_back(legend);
                for (int i = 0; i < legend->itemCount(); ++i) {
                    QCPAbstractLegendItem* item = legend->item(i);
                    if (!item) continue;  // an empty cell of a wrapped legend
                    swapFont([item] { return item->font(); }, [item](const QFont& f) { item->setFont(f); },
                             pt);
                }
                swapFont([legend] { return legend->font(); },
                         [legend](const QFont& f) { legend->setFont(f); }, pt);
                const QSize icon = legend->iconSize();
                restore_.push_back([legend, icon] { legend->setIconSize(icon); });
                legend->setIconSize(QSize(int(pt * 2.2), int(pt * 1.2)));
                const QMargins margins = legend->margins();
                const int spacing = legend->rowSpacing();
                restore_.push_back([legend, margins, spacing] {
                    legend->setMargins(margins);
                    legend->setRowSpacing(spacing);
                });
                legend->setMargins(QMargins(pt / 3 + 1, pt / 4, pt / 3 + 1, pt / 4));
                legend->setRowSpacing(0);
            }
            if (auto* text = qobject_cast<QCPTextElement*>(element)) {
                swapFont([text] { return text->font(); }, [text](const QFont& f) { text->setFont(f); },
                         pt + 1);
                texts_.push_back(text);
            }
            if (auto* grid = qobject_cast<QCPLayoutGrid*>(element))
                for (QCPLayoutElement* child : grid->elements(false)) visit(child);
        };
        visit(plot->plotLayout());
        resetScaleMargins();
        for (int i = 0; i < plot->itemCount(); ++i) {
            QCPAbstractItem* item = plot->item(i);
            if (!item->property("sieveScreenOnly").toBool() || !item->visible()) continue;
            item->setVisible(false);
            restore_.push_back([item] { item->setVisible(true); });
        }
        axes_.assign(axes.begin(), axes.end());
        for (QCPAxis* axis : axes) {
            swapFont([axis] { return axis->labelFont(); }, [axis](const QFont& f) { axis->setLabelFont(f); },
                     pt);
            swapFont([axis] { return axis->tickLabelFont(); },
                     [axis](const QFont& f) { axis->setTickLabelFont(f); }, pt);
            const int labelPadding = axis->labelPadding();
            const int tickPadding = axis->tickLabelPadding();
            restore_.push_back([axis, labelPadding, tickPadding] {
                axis->setLabelPadding(labelPadding);
                axis->setTickLabelPadding(tickPadding);
            });
            axis->setLabelPadding(std::max(2, pt / 3));
            axis->setTickLabelPadding(std::max(2, pt / 3));
        }
        // Lines and markers drawn for a screen look heavy on a small printed figure: thin them
        // in proportion to the text (8 pt paper text: about 0.6 of the screen widths).
        const double thin = std::clamp(pt / 14.0, 0.4, 1.0);
        for (int i = 0; i < plot->graphCount(); ++i) {
            QCPGraph* graph = plot->graph(i);
            const QPen pen = graph->pen();
            const QCPScatterStyle scatter = graph->scatterStyle();
            restore_.push_back([graph, pen, scatter] {
                graph->setPen(pen);
                graph->setScatterStyle(scatter);
            });
            QPen thinner = pen;
            thinner.setWidthF(std::max(0.5, pen.widthF() * thin));
            graph->setPen(thinner);
            QCPScatterStyle smaller = scatter;
            smaller.setSize(std::max(2.0, scatter.size() * thin));
            if (scatter.isPenDefined()) {
                QPen scatterPen = scatter.pen();
                scatterPen.setWidthF(std::max(0.5, scatterPen.widthF() * thin));
                smaller.setPen(scatterPen);
            }
            graph->setScatterStyle(smaller);
        }
        for (int i = 0; i < plot->itemCount(); ++i)
            if (auto* rect = qobject_cast<QCPItemRect*>(plot->item(i))) {
                const QPen pen = rect->pen();
                restore_.push_back([rect, pen] { rect->setPen(pen); });
                QPen thinner = pen;
                thinner.setWidthF(std::max(0.5, pen.widthF() * thin));
                rect->setPen(thinner);
            } else if (auto* line = qobject_cast<QCPItemStraightLine*>(plot->item(i))) {
                const QPen pen = line->pen();
                restore_.push_back([line, pen] { line->setPen(pen); });
                QPen thinner = pen;
                thinner.setWidthF(std::max(0.5, pen.widthF() * thin));
                line->setPen(thinner);
            }
        for (int i = 0; i < plot->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
                swapFont([text] { return text->font(); }, [text](const QFont& f) { text->setFont(f); },
                         std::max(6, pt - 1));
    }
    ~PresetApplier() {
        for (auto it = restore_.rbegin(); it != restore_.rend(); ++it) (*it)();
        resetScaleMargins();
        plot_->replot();
    }

private:
    // Fonts are sized in pixels of the point-based canvas: independent of any device DPI.
    void swapFont(std::function<QFont()> get, std::function<void(const QFont&)> set, int pixels) {
        const QFont old = get();
        restore_.push_back([set, old] { set(old); });
        QFont f = old;
        f.setPixelSize(pixels);
        set(f);
    }

public:
    // What was laid out for a wide window can be wider than a one-column
    // figure: lay the plot out on the canvas, give row legends fewer columns,
    // and break titles wider than their place (the column of their axis
    // rect, not the whole canvas) between words.
    void fitToCanvas(QSize canvas, double maxLegendShare) {
        QCPLayoutGrid* layout = plot_->plotLayout();
        layout->setOuterRect(QRect(QPoint(0, 0), canvas));
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            layout->update(phase);
        // A legend laid out in rows below the plot loses columns until it fits.
        for (QCPLegend* legend : legends_) {
            const int wrap = legend->wrap();
            if (wrap < 2) continue;
            restore_.push_back([legend, wrap] {
                legend->setWrap(wrap);
                legend->setFillOrder(legend->fillOrder(), true);
            });
            for (int columns = wrap;
                 columns > 1 && legend->minimumOuterSizeHint().width() > canvas.width();) {
                legend->setWrap(--columns);
                legend->setFillOrder(legend->fillOrder(), true);
            }
        }
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            layout->update(phase);
        // A legend below the plot may take at most its share of the figure's
        // height: its text shrinks (to 5 pt at the least) until it does.
        for (QCPLegend* legend : legends_) {
            const double limit = maxLegendShare * canvas.height();
            if (legend->minimumOuterSizeHint().height() <= limit) continue;
            const int originalWrap = legend->wrap();
            restore_.push_back([legend, originalWrap] {
                legend->setWrap(originalWrap);
                legend->setFillOrder(legend->fillOrder(), true);
            });
            for (int step = 0; step < 6 && legend->minimumOuterSizeHint().height() > limit; ++step) {
                for (int i = 0; i < legend->itemCount(); ++i)
                    if (QCPAbstractLegendItem* item = legend->item(i)) {
                        QFont f = item->font();
                        if (f.pixelSize() <= 5) continue;
                        f.setPixelSize(f.pixelSize() - 1);
                        item->setFont(f);  // the fonts were swapped in the constructor: restored with them
                    }
                legend->setIconSize(
                    QSize(legend->iconSize().width() * 9 / 10, legend->iconSize().height() * 9 / 10));
                // Narrower entries may fit one more column.
                const int wrap = legend->wrap();
                legend->setWrap(wrap + 1);
                legend->setFillOrder(legend->fillOrder(), true);
                if (legend->minimumOuterSizeHint().width() > canvas.width()) {
                    legend->setWrap(wrap);
                    legend->setFillOrder(legend->fillOrder(), true);
                }
            }
        }
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            layout->update(phase);
        // A title wraps to its place and may take at most a sixth of the
        // figure's height (two lines always): its text shrinks (to 6 pt at
        // the least) until it does. (A one-column figure of a long window
        // title came out with four lines of title over a squeezed plot.)
        const double titleLimit = std::max(0.16 * canvas.height(), 2.8 * (pt_ + 1));
        for (QCPTextElement* text : texts_) {
            if (!text->visible()) continue;
            const int width = std::min(text->outerRect().width(), canvas.width());
            for (;;) {
                wrapToWidth(text->text(), style::fullText(text), text->font(), width,
                            [text](const QString& t) { text->setText(t); });
                QFont f = text->font();
                if (textHeight(f, text->text()) <= titleLimit || f.pixelSize() <= 6) break;
                f.setPixelSize(f.pixelSize() - 1);  // the original font comes back with the others
                text->setFont(f);
            }
        }
        // Horizontal axes' labels (the heatmaps draw their titles as the top axis label).
        for (QCPAxis* axis : axes_)
            if (axis->orientation() == Qt::Horizontal && axis->visible() && !axis->label().isEmpty()) {
                const int width = std::min(axis->axisRect()->width(), canvas.width());
                for (;;) {
                    wrapToWidth(axis->label(), style::fullText(axis), axis->labelFont(), width,
                                [axis](const QString& t) { axis->setLabel(t); });
                    QFont f = axis->labelFont();
                    if (textHeight(f, axis->label()) <= titleLimit || f.pixelSize() <= 6) break;
                    f.setPixelSize(f.pixelSize() - 1);
                    axis->setLabelFont(f);
                }
            }
        // Vertical axes' labels break between words where they are longer
        // than their axis is high (they were cut at both ends).
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            layout->update(phase);
        for (QCPAxis* axis : axes_)
            if (axis->orientation() == Qt::Vertical && axis->visible() && !axis->label().isEmpty() &&
                axis->axisRect())
                wrapToWidth(axis->label(), style::fullText(axis), axis->labelFont(),
                            std::min(axis->axisRect()->height(), canvas.height()),
                            [axis](const QString& t) { axis->setLabel(t); });
        // Notes drawn inside a plot (the GA's feasibility line) break to its width.
        for (int i = 0; i < plot_->itemCount(); ++i)
            if (auto* note = qobject_cast<QCPItemText*>(plot_->item(i));
                note && note->visible() && note->clipAxisRect() && !note->text().isEmpty())
                wrapToWidth(note->text(), note->text(), note->font(),
                            int(0.9 * note->clipAxisRect()->width()),
                            [note](const QString& t) { note->setText(t); });
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            layout->update(phase);
    }

    void relayout() {
        for (auto phase :
             {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            plot_->plotLayout()->update(phase);
    }

    // Where things went (after fitToCanvas), for FigureLayout.
    void describe(FigureLayout& out) const {
        out.plots.clear();
        out.titles.clear();
        out.cutAxisLabels.clear();
        for (QCPAxisRect* rect : plot_->axisRects()) {
            out.plots << rect->rect();
            for (QCPAxis* axis : rect->axes())
                if (axis->visible() && axis->orientation() == Qt::Vertical && !axis->label().isEmpty() &&
                    textWidth(axis->labelFont(), axis->label()) > rect->rect().height())
                    out.cutAxisLabels << axis->label();
        }
        for (QCPTextElement* text : texts_)
            if (text->visible()) out.titles << text->outerRect();
    }

private:
    static double textHeight(const QFont& font, const QString& text) {
        return QFontMetricsF(font).boundingRect(QRectF(), Qt::TextDontClip, text).height();
    }
    static double textWidth(const QFont& font, const QString& text) {
        return QFontMetricsF(font).boundingRect(QRectF(), Qt::TextDontClip, text).width();
    }

    // The full text broken between words to the figure's width (the screen's
    // line breaks do not apply on paper); `shown` comes back afterwards.
    void wrapToWidth(const QString& shown, const QString& full, const QFont& font, int available,
                     const std::function<void(const QString&)>& set) {
        const QString wrapped = style::wrapText(full, font, 0.95 * available);
        if (wrapped == shown) return;
        restore_.push_back([set, shown] { set(shown); });
        set(wrapped);
    }

    // A colour scale in a margin group reports its current margins as its automatic
    // ones, so group margins never shrink by themselves: start them from zero.
    void resetScaleMargins() {
        for (QCPColorScale* scale : scales_) scale->setMargins(QMargins());
    }

    QCustomPlot* plot_;
    int pt_ = 8;  // the preset's text size
    std::vector<QCPColorScale*> scales_;
    std::vector<QCPTextElement*> texts_;
    std::vector<QCPLegend*> legends_;
    std::vector<QCPAxis*> axes_;
    std::vector<std::function<void()>> restore_;
};

QString failure(const QString& path, const QString& why) {
    return QCoreApplication::translate("sieve::widgets::FigureExport", "Could not write %1: %2")
        .arg(path, why);
}

bool writePdf(QCustomPlot* plot, const QString& path, QSize canvas, QString* error) {
    QPdfWriter writer(path);
    writer.setResolution(72);  // one device unit = one point
    writer.setPageSize(QPageSize(QSizeF(canvas), QPageSize::Point, QString(), QPageSize::ExactMatch));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setCreator(QStringLiteral("Sieve Workbench"));
    writer.setTitle(QFileInfo(path).completeBaseName());
    QCPPainter painter;
    if (!painter.begin(&writer)) {
        if (error)
            *error = failure(path, QCoreApplication::translate("sieve::widgets::FigureExport",
                                                               "cannot open a PDF painter"));
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    plot->toPainter(&painter, canvas.width(), canvas.height());
    painter.end();
    return true;
}

bool writeSvg(QCustomPlot* plot, const QString& path, QSize canvas, QString* error) {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(canvas);
    generator.setViewBox(QRect(QPoint(0, 0), canvas));
    generator.setResolution(72);
    generator.setTitle(QFileInfo(path).completeBaseName());
    generator.setDescription(QStringLiteral("Sieve Workbench figure"));
    QCPPainter painter;
    if (!painter.begin(&generator)) {
        if (error)
            *error = failure(path, QCoreApplication::translate("sieve::widgets::FigureExport",
                                                               "cannot open an SVG painter"));
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    plot->toPainter(&painter, canvas.width(), canvas.height());
    painter.end();
    return true;
}

bool writePng(QCustomPlot* plot, const QString& path, const ExportPreset& preset, QString* error) {
    const QSize canvas = canvasPoints(preset);
    QImage image(pngPixels(preset), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    const int dotsPerMeter = int(std::lround(preset.dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        painter.scale(double(image.width()) / canvas.width(), double(image.height()) / canvas.height());
        plot->toPainter(&painter, canvas.width(), canvas.height());
    }
    if (!image.save(path, "PNG")) {
        if (error)
            *error = failure(
                path, QCoreApplication::translate("sieve::widgets::FigureExport", "the PNG writer failed"));
        return false;
    }
    return true;
}

bool writeCsv(const PlotView& view, const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = failure(path, file.errorString());
        return false;
    }
    file.write(view.toCsv().toUtf8());
    if (!file.commit()) {
        if (error) *error = failure(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace

ExportPreset paperPreset(const PlotView& view) {
    ExportPreset p;
    p.name = QStringLiteral("paper");
    p.widthInches = view.paperWidthInches();
    p.heightInches = p.widthInches * view.preferredAspect();
    p.fontPoints = 8;
    p.dpi = 300;
    return p;
}

ExportPreset slidePreset(const PlotView& view) {
    ExportPreset p;
    p.name = QStringLiteral("slide");
    p.widthInches = 8.0;
    p.heightInches = 8.0 * std::min(view.preferredAspect(), 0.75);
    p.fontPoints = 18;
    p.dpi = 150;
    return p;
}

QSize canvasPoints(const ExportPreset& preset) {
    return {int(std::lround(preset.widthInches * 72.0)), int(std::lround(preset.heightInches * 72.0))};
}

QSize pngPixels(const ExportPreset& preset) {
    return {int(std::lround(preset.widthInches * preset.dpi)),
            int(std::lround(preset.heightInches * preset.dpi))};
}

FigureFormat formatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("svg")) return FigureFormat::Svg;
    if (suffix == QLatin1String("png")) return FigureFormat::Png;
    if (suffix == QLatin1String("csv")) return FigureFormat::Csv;
    return FigureFormat::Pdf;
}

QString suffixFor(FigureFormat format) {
    switch (format) {
        case FigureFormat::Pdf:
            return QStringLiteral("pdf");
        case FigureFormat::Svg:
            return QStringLiteral("svg");
        case FigureFormat::Png:
            return QStringLiteral("png");
        case FigureFormat::Csv:
            return QStringLiteral("csv");
    }
    return QStringLiteral("pdf");
}

bool exportFigure(PlotView& view, const ExportRequest& request, QString* error, FigureLayout* layout) {
    if (request.path.isEmpty()) {
        if (error) *error = QCoreApplication::translate("sieve::widgets::FigureExport", "No file name given");
        return false;
    }
    if (request.format == FigureFormat::Csv) return writeCsv(view, request.path, error);
    const ExportPreset& preset = request.preset;
    if (!(preset.widthInches > 0.5 && preset.heightInches > 0.5 && preset.fontPoints > 0 && preset.dpi > 0 &&
          preset.widthInches <= 40 && preset.heightInches <= 40 && preset.dpi <= 2400)) {
        if (error)
            *error = failure(request.path, QCoreApplication::translate(
                                               "sieve::widgets::FigureExport",
                                               "figure size %1 × %2 in, %3 pt, %4 dpi is out of range")
                                               .arg(preset.widthInches)
                                               .arg(preset.heightInches)
                                               .arg(preset.fontPoints)
                                               .arg(preset.dpi));
        return false;
    }
    QCustomPlot* plot = view.customPlot();
    PresetApplier applied(plot, preset);
    const QSize canvas = canvasPoints(preset);
    applied.fitToCanvas(canvas, view.maxLegendShare());
    if (view.balanceLayout()) applied.relayout();
    if (layout) {
        applied.describe(*layout);
        layout->canvas = canvas;
        layout->legend = plot->legend && plot->legend->visible() && plot->legend->layout()
                             ? plot->legend->outerRect()
                             : QRect();
    }
    bool ok = false;
    switch (request.format) {
        case FigureFormat::Pdf:
            ok = writePdf(plot, request.path, canvas, error);
            break;
        case FigureFormat::Svg:
            ok = writeSvg(plot, request.path, canvas, error);
            break;
        case FigureFormat::Png:
            ok = writePng(plot, request.path, preset, error);
            break;
        case FigureFormat::Csv:
            break;
    }
    if (ok && !QFileInfo(request.path).exists()) {
        if (error)
            *error = failure(request.path, QCoreApplication::translate("sieve::widgets::FigureExport",
                                                                       "no file was written"));
        return false;
    }
    return ok;
}

}  // namespace sieve::widgets

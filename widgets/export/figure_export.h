#pragma once
// Figure export for every PlotView: vector PDF and SVG, PNG at a chosen DPI,
// and CSV of the plotted data. A preset fixes the printed size and the font
// size: the plot is laid out on a canvas measured in points (1/72 in) with
// fonts sized in points, so an 8 pt label is 8 pt on paper whatever the
// format, and the PNG is the same layout rendered at dpi/72 scale.
#include <QList>
#include <QRect>
#include <QSize>
#include <QString>
#include <QStringList>

namespace sieve::widgets {

class PlotView;

enum class FigureFormat { Pdf, Svg, Png, Csv };

struct ExportPreset {
    QString name;               // "paper", "slide", "custom"
    double widthInches = 3.5;   // printed width
    double heightInches = 2.4;  // printed height
    int fontPoints = 8;         // tick labels, axis labels and legend
    int dpi = 300;              // PNG only
};

// "paper": one column (3.5 in; two for views that ask for it), 8 pt fonts, 300 dpi.
ExportPreset paperPreset(const PlotView& view);
// "slide": 8 in wide, 18 pt fonts, 150 dpi.
ExportPreset slidePreset(const PlotView& view);

struct ExportRequest {
    QString path;
    FigureFormat format = FigureFormat::Pdf;
    ExportPreset preset;
};

// Canvas size in points, and the PNG size in pixels, of a preset.
QSize canvasPoints(const ExportPreset& preset);
QSize pngPixels(const ExportPreset& preset);

// Where the parts of an exported figure landed, in canvas points.
struct FigureLayout {
    QSize canvas;
    QRect legend;               // empty when the figure has no legend
    QList<QRect> plots;         // each axis rect's data area
    QList<QRect> titles;        // each title row (text elements above a plot)
    QStringList cutAxisLabels;  // vertical axis labels longer than their axis is high
};

// Writes the file; returns false with a message naming the file on failure.
// `layout` (optional) says how the figure was laid out.
bool exportFigure(PlotView& view, const ExportRequest& request, QString* error = nullptr,
                  FigureLayout* layout = nullptr);

// Format from a file suffix (.pdf .svg .png .csv); Pdf when unknown.
FigureFormat formatForPath(const QString& path);
QString suffixFor(FigureFormat format);

}  // namespace sieve::widgets

#include "widgets/plots/plot_style.h"

#include <QCoreApplication>
#include <cmath>

#include "core/types/method_registry.h"

namespace sieve::widgets::style {

namespace {
QCPColorGradient fromStops(std::initializer_list<std::pair<double, QColor>> stops) {
    QCPColorGradient g;
    g.clearColorStops();
    for (const auto& [pos, color] : stops) g.setColorStopAt(pos, color);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setNanHandling(QCPColorGradient::nhTransparent);
    g.setLevelCount(256);
    return g;
}
}  // namespace

QCPColorGradient levelGradient() {
    return fromStops({{0.0, QColor("#440154")},
                      {0.25, QColor("#3b528b")},
                      {0.5, QColor("#21918c")},
                      {0.75, QColor("#5ec962")},
                      {1.0, QColor("#fde725")}});
}

QCPColorGradient dropGradient() {
    return fromStops({{0.0, QColor("#fff5f0")},
                      {0.35, QColor("#fc9272")},
                      {0.7, QColor("#de2d26")},
                      {1.0, QColor("#67000d")}});
}

QCPColorGradient differenceGradient() {
    return fromStops({{0.0, QColor("#2166ac")},
                      {0.25, QColor("#92c5de")},
                      {0.5, QColor("#f7f7f7")},
                      {0.75, QColor("#f4a582")},
                      {1.0, QColor("#b2182b")}});
}

// Colours, markers and labels come from the method registry, the one list of
// methods; labels and descriptions are translated in its context.
QColor methodColor(const QString& method) {
    if (const MethodInfo* m = findMethod(method.toStdString()))
        return QColor(QString::fromStdString(m->color));
    const QColor others[] = {QColor("#999999"), QColor("#F0E442"), QColor("#882255")};
    return others[qHash(method) % 3];
}

QCPScatterStyle::ScatterShape methodMarker(const QString& method) {
    const MethodInfo* m = findMethod(method.toStdString());
    const std::string marker = m ? m->marker : std::string();
    if (marker == "square") return QCPScatterStyle::ssSquare;
    if (marker == "triangle") return QCPScatterStyle::ssTriangle;
    if (marker == "diamond") return QCPScatterStyle::ssDiamond;
    if (marker == "inverted-triangle") return QCPScatterStyle::ssTriangleInverted;
    if (marker == "cross-square") return QCPScatterStyle::ssCrossSquare;
    if (marker == "circle") return QCPScatterStyle::ssCircle;
    return QCPScatterStyle::ssCross;
}

QString methodLabel(const QString& method) {
    const MethodInfo* m = findMethod(method.toStdString());
    return m ? QCoreApplication::translate("sieve::MethodRegistry", m->label.c_str()) : method;
}

QString methodDescription(const QString& method) {
    const MethodInfo* m = findMethod(method.toStdString());
    return m ? QCoreApplication::translate("sieve::MethodRegistry", m->description.c_str()) : QString();
}

void styleAxisRect(QCPAxisRect* rect) {
    const QPen gridPen(QColor(0, 0, 0, 30), 0, Qt::SolidLine);
    for (QCPAxis* axis : rect->axes()) {
        axis->grid()->setPen(gridPen);
        axis->grid()->setSubGridVisible(false);
        axis->setSubTicks(false);
        axis->setTickLengthIn(3);
        axis->setTickLengthOut(0);
    }
}

namespace {
const char* kFullText = "sieveFullText";
}

void setWrappingLabel(QCPAxis* axis, const QString& text) {
    axis->setProperty(kFullText, text);
    axis->setLabel(text);
}

void setWrappingText(QCPTextElement* element, const QString& text) {
    element->setProperty(kFullText, text);
    element->setText(text);
}

QString fullText(const QCPAxis* axis) {
    const QVariant full = axis->property(kFullText);
    return full.isValid() ? full.toString() : axis->label();
}

QString fullText(const QCPTextElement* element) {
    const QVariant full = element->property(kFullText);
    return full.isValid() ? full.toString() : element->text();
}

QString wrapText(const QString& text, const QFont& font, double width) {
    const QFontMetricsF metrics(font);
    QStringList out;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        if (metrics.horizontalAdvance(paragraph) <= width) {
            out << paragraph;
            continue;
        }
        // Units, dashes and relations stay with their numbers ("5 %", "ε = 5 %", "≥ 0.950").
        const auto isRelation = [](const QString& w) {
            return w == QStringLiteral("=") || w == QStringLiteral("≥") || w == QStringLiteral("≤") ||
                   w == QStringLiteral("×");
        };
        QStringList words;
        bool glueNext = false;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!words.isEmpty() && (glueNext || word.startsWith(QLatin1Char('%')) ||
                                     word == QStringLiteral("–") || isRelation(word)))
                words.last() += QLatin1Char(' ') + word;
            else
                words << word;
            glueNext = isRelation(word);
        }
        QString line;
        for (const QString& word : words) {
            const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
            if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
                out << line;
                line = word;
            } else {
                line = longer;
            }
        }
        out << line;
    }
    return out.join(QLatin1Char('\n'));
}

QString percent(double fraction, int decimals) {
    return QStringLiteral("%1 %").arg(fraction * 100.0, 0, 'f', decimals);
}

QString compactCount(double count) {
    const double a = std::abs(count);
    if (a >= 1e9) return QStringLiteral("%1 G").arg(count / 1e9, 0, 'f', 2);
    if (a >= 1e6) return QStringLiteral("%1 M").arg(count / 1e6, 0, 'f', 2);
    if (a >= 1e3) return QStringLiteral("%1 k").arg(count / 1e3, 0, 'f', 1);
    return QString::number(count, 'f', 0);
}

}  // namespace sieve::widgets::style

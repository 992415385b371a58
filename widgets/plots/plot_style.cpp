#include "widgets/plots/plot_style.h"

#include <QCoreApplication>
#include <cmath>

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

QColor methodColor(const QString& method) {
    // Okabe-Ito palette: distinguishable with colour-vision deficiencies and in greyscale print.
    if (method == QLatin1String("sieve")) return QColor("#0072B2");
    if (method == QLatin1String("sieve-learned")) return QColor("#56B4E9");
    if (method == QLatin1String("sieve-sequential")) return QColor("#000000");  // vermillion is the GA's star
    if (method == QLatin1String("weight-svd")) return QColor("#E69F00");
    if (method == QLatin1String("input-pca")) return QColor("#009E73");
    if (method == QLatin1String("wanda")) return QColor("#CC79A7");
    const QColor others[] = {QColor("#999999"), QColor("#F0E442"), QColor("#882255")};
    return others[qHash(method) % 3];
}

QString methodLabel(const QString& method) {
    const char* context = "sieve::widgets::style";
    if (method == QLatin1String("sieve")) return QCoreApplication::translate(context, "LLM-Sieve");
    if (method == QLatin1String("sieve-learned"))
        return QCoreApplication::translate(context, "LLM-Sieve (learned)");
    if (method == QLatin1String("sieve-sequential"))
        return QCoreApplication::translate(context, "LLM-Sieve (sequential)");
    if (method == QLatin1String("weight-svd")) return QCoreApplication::translate(context, "Weight SVD");
    if (method == QLatin1String("input-pca")) return QCoreApplication::translate(context, "Input PCA");
    if (method == QLatin1String("wanda")) return QCoreApplication::translate(context, "Wanda");
    return method;
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

#include "widgets/panels/progress_text.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <algorithm>

#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

namespace {

// "ga sieve" -> {"ga", "sieve"}; "project:input-pca" -> {"project", "input-pca"}.
std::pair<QString, QString> splitPhase(const QString& phase) {
    const qsizetype cut = phase.indexOf(QRegularExpression(QStringLiteral("[ :]")));
    if (cut < 0) return {phase, QString()};
    return {phase.left(cut), phase.mid(cut + 1)};
}

}  // namespace

ProgressText describeProgress(const Progress& p, int gaPopulation) {
    const auto [kind, method] = splitPhase(QString::fromStdString(p.phase));
    const QString label = method.isEmpty() ? QString() : style::methodLabel(method);
    const qlonglong done = p.done, total = p.total;
    ProgressText text;
    text.known = true;
    text.bar = total > 0 ? QStringLiteral("%p %") : QString();
    if (kind == QLatin1String("ga")) {
        const int population = std::max(gaPopulation, 1);
        const qlonglong generations = std::max<qlonglong>(1, (total + population - 1) / population);
        const qlonglong generation = std::min(generations, done / population + 1);
        text.phase = QCoreApplication::translate("sieve::widgets::ProgressText",
                                                 "Genetic search (%1): generation %2 of %3, %4 models each")
                         .arg(label)
                         .arg(generation)
                         .arg(generations)
                         .arg(population);
    } else if (kind == QLatin1String("uniform")) {
        text.phase =
            QCoreApplication::translate("sieve::widgets::ProgressText", "Uniform sweep (%1): level %2 of %3")
                .arg(label)
                .arg(std::min(done + 1, std::max<qlonglong>(total, 1)))
                .arg(total);
        // The engine's detail names the level just evaluated: "level 0.600000".
        const auto match =
            QRegularExpression(QStringLiteral("level ([0-9.]+)")).match(QString::fromStdString(p.detail));
        if (match.hasMatch())
            text.phase += QCoreApplication::translate("sieve::widgets::ProgressText", ", last: %1 pruned")
                              .arg(style::percent(match.captured(1).toDouble()));
    } else if (kind == QLatin1String("sensitivity")) {
        text.phase = QCoreApplication::translate("sieve::widgets::ProgressText",
                                                 "Sensitivity scan (%1): matrix %2 of %3")
                         .arg(label)
                         .arg(std::min(done + 1, std::max<qlonglong>(total, 1)))
                         .arg(total);
    } else if (kind == QLatin1String("project")) {
        text.phase = QCoreApplication::translate("sieve::widgets::ProgressText",
                                                 "Factoring the matrices (%1): %2 of %3")
                         .arg(label)
                         .arg(done)
                         .arg(total);
    } else if (kind == QLatin1String("calibrate")) {
        text.phase = QCoreApplication::translate("sieve::widgets::ProgressText",
                                                 "Calibrating (Gram matrices): batch %1 of %2")
                         .arg(done)
                         .arg(total);
    } else if (kind == QLatin1String("evaluate")) {
        text.phase = QCoreApplication::translate("sieve::widgets::ProgressText",
                                                 "Evaluating the task: example %1 of %2")
                         .arg(done)
                         .arg(total);
    } else if (kind == QLatin1String("held-out")) {
        text.phase =
            QCoreApplication::translate("sieve::widgets::ProgressText", "Held-out check: step %1 of %2")
                .arg(done)
                .arg(total);
    } else if (p.phase == "open model") {
        text.phase =
            QCoreApplication::translate("sieve::widgets::ProgressText", "Opening the model: step %1 of %2")
                .arg(done)
                .arg(total);
    } else if (kind == QLatin1String("export")) {
        text.phase =
            QCoreApplication::translate("sieve::widgets::ProgressText", "Exporting the pruned model");
    } else {
        text.known = false;
        text.phase = QString::fromStdString(p.phase);
        text.bar = total > 0 ? QStringLiteral("%1 / %2").arg(done).arg(total) : QString();
    }
    return text;
}

}  // namespace sieve::widgets

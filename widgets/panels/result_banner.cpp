#include "widgets/panels/result_banner.h"

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/common/result_summary.h"
#include "widgets/plots/plot_style.h"

namespace sieve::widgets {

ResultBanner::ResultBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("resultBanner"));
    setFrameShape(QFrame::StyledPanel);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("resultSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    warning_ = new QLabel(this);
    warning_->setObjectName(QStringLiteral("resultWarning"));
    warning_->setWordWrap(true);
    warning_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    warning_->setStyleSheet(QStringLiteral("color: #b00000;"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setSpacing(2);
    layout->addWidget(summary_);
    layout->addWidget(warning_);
    setVisible(false);
}

void ResultBanner::showSession(const SessionData& session, double eps) {
    GaSummary s = summarizeGa(session);
    if (!session.provenance.levelGrid.empty()) eps = session.provenance.eps;
    s.eps = eps;
    QString text;
    if (s.valid) {
        text = tr("GA best with %1 (generation %2): %3 removed · search accuracy %4 on %5 examples "
                  "(needs ≥ %6)")
                   .arg(s.methodLabel())
                   .arg(s.generation)
                   .arg(style::percent(s.removedFraction, 1))
                   .arg(accuracyText(s.searchAccuracy))
                   .arg(s.searchExamples)
                   .arg(accuracyText(s.searchThreshold()));
        if (s.heldOut)
            text += tr(" · held-out accuracy %1 on %2 examples (dense %3, needs ≥ %4)")
                        .arg(accuracyText(s.heldOut->prunedAccuracy))
                        .arg(s.heldOutExamples)
                        .arg(accuracyText(s.heldOut->denseAccuracy))
                        .arg(accuracyText(s.heldOutThreshold()));
        else if (s.heldOutExamples > 0)
            text += tr(" · held-out check not run yet (Run all ends with it)");
    }
    warnings_ = resultWarnings(session, eps);
    summary_->setText(text);
    summary_->setVisible(!text.isEmpty());
    QStringList lines;
    for (const QString& w : warnings_) lines << QStringLiteral("⚠ ") + w;
    warning_->setText(lines.join(QLatin1Char('\n')));
    warning_->setVisible(!warnings_.isEmpty());
    setVisible(!text.isEmpty() || !warnings_.isEmpty());
}

QString ResultBanner::summaryText() const {
    return summary_->text();
}

}  // namespace sieve::widgets

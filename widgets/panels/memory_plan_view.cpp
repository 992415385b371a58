#include "widgets/panels/memory_plan_view.h"

#include <QLocale>

namespace sieve::widgets {

namespace {

QString phaseName(const std::string& phase) {
    if (phase == "load") return MemoryPlanView::tr("load");
    if (phase == "calibrate") return MemoryPlanView::tr("calibrate");
    if (phase == "project") return MemoryPlanView::tr("project");
    if (phase == "search") return MemoryPlanView::tr("search");
    return QString::fromStdString(phase);
}

}  // namespace

MemoryPlanView::MemoryPlanView(QWidget* parent) : QLabel(parent) {
    setObjectName(QStringLiteral("memoryPlan"));
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    // A wrapped label's height depends on its width, which a dock does not
    // ask for: reserve three lines so that the text never runs into the
    // buttons above it.
    setMinimumHeight(3 * fontMetrics().lineSpacing());
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setPlan(plan_);  // the empty plan: "planned once a model is open"
}

QString MemoryPlanView::bytesText(int64_t bytes) {
    return tr("%1 GiB").arg(QLocale().toString(double(bytes) / (1024.0 * 1024 * 1024), 'f', 2));
}

void MemoryPlanView::setPlan(const MemoryPlan& plan) {
    plan_ = plan;
    if (plan.phases.empty()) {
        setText(tr("Memory: planned once a model is open"));
        setToolTip(QString());
        setStyleSheet(QString());
        return;
    }
    // The fullest device over every phase.
    const PhasePlan* worst = nullptr;
    size_t worstDevice = 0;
    double worstShare = -1;
    for (const PhasePlan& p : plan.phases)
        for (size_t d = 0; d < p.deviceBytes.size() && d < plan.request.devices.size(); ++d) {
            const double available = std::max<double>(1.0, double(plan.request.devices[d].available));
            const double share = double(p.deviceBytes[d]) / available;
            if (share > worstShare) {
                worstShare = share;
                worst = &p;
                worstDevice = d;
            }
        }
    const PlanDevice& device = plan.request.devices[worstDevice];
    if (plan.fits) {
        setText(tr("Memory: fits · peak %1 of %2 on %3 (%4)")
                    .arg(bytesText(worst->deviceBytes[worstDevice]), bytesText(device.available),
                         QString::fromStdString(device.name), phaseName(worst->name)));
        setStyleSheet(QString());
    } else {
        setText(tr("Memory: does not fit: %1").arg(QString::fromStdString(plan.refusal)));
        setStyleSheet(QStringLiteral("color: #D55E00;"));
    }
    QString table = QStringLiteral("<table><tr><th align=left>%1</th>").arg(tr("phase"));
    for (const PlanDevice& d : plan.request.devices)
        table +=
            QStringLiteral("<th align=right>%1</th>").arg(QString::fromStdString(d.name).toHtmlEscaped());
    if (!plan.unified) table += QStringLiteral("<th align=right>%1</th>").arg(tr("host"));
    table += QStringLiteral("</tr>");
    for (const PhasePlan& p : plan.phases) {
        table += QStringLiteral("<tr><td>%1</td>").arg(phaseName(p.name));
        for (int64_t b : p.deviceBytes) table += QStringLiteral("<td align=right>%1</td>").arg(bytesText(b));
        if (!plan.unified) table += QStringLiteral("<td align=right>%1</td>").arg(bytesText(p.hostBytes));
        table += QStringLiteral("</tr>");
    }
    table += QStringLiteral("<tr><td><i>%1</i></td>").arg(tr("available"));
    for (const PlanDevice& d : plan.request.devices)
        table += QStringLiteral("<td align=right><i>%1</i></td>").arg(bytesText(d.available));
    if (!plan.unified)
        table += QStringLiteral("<td align=right><i>%1</i></td>").arg(bytesText(plan.request.host.available));
    table += QStringLiteral("</tr></table>");
    QStringList notes;
    notes << tr("Weights %1, boundary states %2, one block's Gram matrices %3")
                 .arg(bytesText(plan.weightBytes), bytesText(plan.stateBytes),
                      bytesText(plan.blockGramBytes));
    if (plan.statesOnHost) notes << tr("Boundary states wait in host memory.");
    if (plan.offloadBlocks) notes << tr("Calibration runs one block at a time on the device.");
    if (plan.factorsOnHost) notes << tr("Some factors wait in host memory.");
    if (plan.evictAfterSweep) notes << tr("Each method's factors are freed after its sweep.");
    setToolTip(QStringLiteral("<p>%1</p>%2<p>%3</p>")
                   .arg(tr("Predicted peak memory per phase of the run"), table,
                        notes.join(QStringLiteral("<br>"))));
}

}  // namespace sieve::widgets

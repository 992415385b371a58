// The main window's playground and replay: a student changes a matrix's
// level on the heatmap (wheel or click), the engine evaluates the edited
// chromosome (EngineClient::evaluateLevels) and the examples panel lists
// what flipped; the replay bar walks through the genetic search's stored
// generations. The window only asks and shows: the engine evaluates, the
// session holds every result.
#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QStatusBar>
#include <QUndoStack>

#include "widgets/common/result_summary.h"
#include "widgets/main_window.h"
#include "widgets/panels/progress_panel.h"
#include "widgets/panels/run_panel.h"
#include "widgets/playground/examples_panel.h"
#include "widgets/playground/playground.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/plot_style.h"
#include "widgets/plots/pruning_heatmap.h"
#include "widgets/plots/replay_bar.h"

namespace sieve::widgets {

void MainWindow::buildPlayground() {
    playground_ = new Playground(this);
    examplesPanel_ = new ExamplesPanel(playground_, this);
    connect(playground_, &Playground::genesChanged, this, &MainWindow::onPlaygroundGenes);
    connect(playground_, &Playground::evaluationChanged, this, &MainWindow::updateHeatmapTitle);
    connect(playground_, &Playground::evaluationNeeded, this, &MainWindow::askEngineToEvaluate);
    connect(heatmap_, &PruningHeatmap::levelStepRequested, this, [this](int matrix, int steps) {
        if (!playground_->stepLevel(matrix, steps) && playground_->engineBusy())
            statusBar()->showMessage(tr("Levels can be changed once the running job has finished"), 4000);
    });
    connect(heatmap_, &PruningHeatmap::levelMenuRequested, this, &MainWindow::onLevelMenu);
}

// The heatmap follows the playground's chromosome, framing what the user changed.
void MainWindow::onPlaygroundGenes() {
    const Playground& p = *playground_;
    if (!p.hasBase()) return;
    try {
        heatmap_->setChromosome(p.model(), p.grid(), p.genes());
    } catch (const std::exception& e) {
        progressPanel_->appendLog(QString::fromUtf8(e.what()));
        return;
    }
    heatmap_->setEdited(p.changedMatrices());
    updateHeatmapTitle();
}

void MainWindow::onLevelMenu(int matrix, const QPoint& globalPos) {
    const Playground& p = *playground_;
    if (!p.hasBase() || matrix < 0 || matrix >= int(p.genes().size())) return;
    if (p.engineBusy()) {
        statusBar()->showMessage(tr("Levels can be changed once the running job has finished"), 4000);
        return;
    }
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("levelMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addSection(tr("Level of %1").arg(QString::fromStdString(p.model().matrices[size_t(matrix)].name)));
    auto* group = new QActionGroup(menu);
    for (int gene = 0; gene < int(p.grid().size()); ++gene) {
        const double level = p.grid()[size_t(gene)];
        QString text =
            gene == 0
                ? tr("%1 pruned (dense)").arg(style::percent(level))
                : tr("%1 pruned").arg(style::percent(level, level * 100 != std::floor(level * 100) ? 1 : 0));
        if (gene == p.baseGenes()[size_t(matrix)]) text += tr("  (%1)").arg(p.baseName());
        QAction* a = menu->addAction(text);
        a->setCheckable(true);
        a->setChecked(gene == p.genes()[size_t(matrix)]);
        group->addAction(a);
        connect(a, &QAction::triggered, playground_,
                [this, matrix, gene] { playground_->setLevel(matrix, gene); });
    }
    menu->popup(globalPos);
}

void MainWindow::askEngineToEvaluate(const std::vector<int>& genes) {
    // The session's grid, method and ε: what the GA best was made with.
    const SessionData session = client_->session();
    RunSettings settings;
    QString ignored;
    runPanel_->settings(&settings, &ignored);
    settings.grid = playground_->grid();
    settings.searchMethod = playground_->method().toStdString();
    settings.methods = {settings.searchMethod};
    settings.eps = currentEps(session);
    playgroundJob_ = true;
    client_->evaluateLevels(genes, settings);
}

void MainWindow::onReplayGeneration(int index) {
    convergence_->setReplayGeneration(index);
    const SessionData session = client_->session();
    if (!session.ga || session.ga->result.generations.empty()) return;
    const GaResult& ga = session.ga->result;
    if (index < 0 || index >= int(ga.generations.size())) {
        showGaBest(session, ga.method, ga.best, ga.generations.back().index);
        return;
    }
    const Generation& g = ga.generations[size_t(index)];
    heatmapBase_ = HeatmapBase{g.best.accuracy, g.index, false};
    playground_->setBase(
        session.model.summary,
        session.provenance.levelGrid.empty() ? defaultLevelGrid() : session.provenance.levelGrid,
        QString::fromStdString(ga.method), g.best.genes, tr("the best of generation %1").arg(g.index));
    onPlaygroundGenes();
}

void MainWindow::updateHeatmapTitle() {
    const Playground& p = *playground_;
    if (!p.hasBase()) return;
    const QString method = style::methodLabel(p.method());
    const auto& e = p.evaluation();
    const int changed = int(p.changedMatrices().size());
    QString title;
    if (changed > 0)
        title = tr("Playground (%1): %n matrices changed from %2, %3 removed", "", changed)
                    .arg(method, p.baseName(), style::percent(p.removedFraction(), 1));
    else if (heatmapBase_.gaBest)
        title = tr("GA best (%1), generation %2: %3 removed")
                    .arg(method)
                    .arg(heatmapBase_.generation)
                    .arg(style::percent(p.removedFraction(), 1));
    else
        title = tr("Replay (%1): best of generation %2, %3 removed")
                    .arg(method)
                    .arg(heatmapBase_.generation)
                    .arg(style::percent(p.removedFraction(), 1));
    if (e) {
        title += tr(", search accuracy %1").arg(accuracyText(e->searchAccuracy));
        if (e->heldOutExamples > 0) title += tr(", held-out %1").arg(accuracyText(e->heldOutAccuracy));
    } else if (changed > 0) {
        title += p.isEvaluating() ? tr(", evaluating…") : QString();
    } else {
        title += tr(", search accuracy %1").arg(accuracyText(heatmapBase_.searchAccuracy));
        if (heatmapBase_.gaBest) {
            const GaSummary s = summarizeGa(client_->session());
            if (s.valid && s.heldOut)
                title += tr(", held-out %1").arg(accuracyText(s.heldOut->prunedAccuracy));
        }
    }
    heatmap_->setTitle(title);
}

}  // namespace sieve::widgets

// The searches against a synthetic task whose accuracy is known in closed
// form: accuracy = a0 - sum_i w_i * level_i^2. The reference answers (best
// uniform level, feasibility, sensitivity order) are computed here directly
// from that formula, independently of the search code.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "core/common/error.h"
#include "core/search/genetic_search.h"
#include "core/search/sensitivity.h"
#include "core/search/uniform_search.h"

using namespace sieve;

namespace {

std::vector<MatrixInfo> makeMatrices(int layers) {
    std::vector<MatrixInfo> out;
    const int64_t hidden = 32, inter = 88, kv = 16;
    for (int l = 0; l < layers; ++l)
        for (int t = 0; t < kMatrixTypeCount; ++t) {
            MatrixInfo m;
            m.layer = l;
            m.type = static_cast<MatrixType>(t);
            m.name = "model.layers." + std::to_string(l) + "." + matrixTypeName(m.type);
            switch (m.type) {
                case MatrixType::K:
                case MatrixType::V:
                    m.rows = kv, m.cols = hidden;
                    break;
                case MatrixType::Gate:
                case MatrixType::Up:
                    m.rows = inter, m.cols = hidden;
                    break;
                case MatrixType::Down:
                    m.rows = hidden, m.cols = inter;
                    break;
                default:
                    m.rows = hidden, m.cols = hidden;
            }
            out.push_back(m);
        }
    return out;
}

class QuadraticTask : public ChromosomeEvaluator {
public:
    QuadraticTask(double a0, const LevelGrid& grid, std::vector<double> weights)
        : a0_(a0), grid_(grid), weights_(std::move(weights)) {}
    double exact(const std::vector<int>& genes) const {
        double acc = a0_;
        for (size_t i = 0; i < genes.size(); ++i) acc -= weights_[i] * grid_[genes[i]] * grid_[genes[i]];
        return acc;
    }
    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        context.throwIfCancelled();
        ++calls;
        distinct.insert(genes);
        return exact(genes);
    }
    int calls = 0;
    std::set<std::vector<int>> distinct;

private:
    double a0_;
    LevelGrid grid_;
    std::vector<double> weights_;
};

std::vector<double> spreadWeights(int n, double scale) {
    std::vector<double> w(n);
    for (int i = 0; i < n; ++i) w[i] = scale * (1 + (i * 37 % 11)) / 11.0;  // uneven, deterministic
    return w;
}

GaSettings smallGa(uint64_t seed) {
    GaSettings s;
    s.population = 12;
    s.generations = 10;
    s.tournament = 3;
    s.mutationProbability = 0.15;
    s.patience = 100;
    s.seed = seed;
    return s;
}

}  // namespace

class TestSearch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void problemRejectsBadInput_data() {
        QTest::addColumn<double>("eps");
        QTest::addColumn<QVector<double>>("grid");
        QTest::addColumn<QString>("message");
        QTest::newRow("eps zero") << 0.0 << QVector<double>{0, 0.5} << "eps";
        QTest::newRow("eps one") << 1.0 << QVector<double>{0, 0.5} << "eps";
        QTest::newRow("duplicate level") << 0.05 << QVector<double>{0, 0.5, 0.5} << "duplicate";
        QTest::newRow("no dense level") << 0.05 << QVector<double>{0.1, 0.5} << "start at 0";
        QTest::newRow("level one") << 0.05 << QVector<double>{0, 1.0} << "outside";
        QTest::newRow("empty grid") << 0.05 << QVector<double>{} << "empty";
    }
    void problemRejectsBadInput() {
        QFETCH(double, eps);
        QFETCH(QVector<double>, grid);
        QFETCH(QString, message);
        try {
            PruningProblem(makeMatrices(1), LevelGrid(grid.begin(), grid.end()), 0.9, eps);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void removedFractionCountsParametersExactly() {
        const auto matrices = makeMatrices(2);
        PruningProblem problem(matrices, defaultLevelGrid(), 1.0, 0.05);
        std::vector<int> genes(matrices.size(), 0);
        genes[3] = 5;  // one o_proj (32 x 32) at p = 0.5: r = floor(0.5 * 1024 / 64) = 8 -> 512 params kept
        int64_t total = 0;
        for (const auto& m : matrices) total += m.rows * m.cols;
        QCOMPARE(problem.prunableParams(), total);
        QCOMPARE(problem.removedFraction(genes), double(1024 - 512) / double(total));
        QCOMPARE(problem.removedFraction(problem.uniformChromosome(0)), 0.0);
    }

    void uniformFindsLargestFeasibleLevel_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("eps");
        QTest::addColumn<bool>("fullCurve");
        for (double scale : {0.001, 0.004, 0.02, 0.2})
            for (double eps : {0.01, 0.05})
                for (bool full : {false, true})
                    QTest::addRow("scale %g eps %g %s", scale, eps, full ? "curve" : "binary")
                        << scale << eps << full;
    }
    void uniformFindsLargestFeasibleLevel() {
        QFETCH(double, scale);
        QFETCH(double, eps);
        QFETCH(bool, fullCurve);
        const auto matrices = makeMatrices(3);
        const LevelGrid grid = defaultLevelGrid();
        QuadraticTask task(0.8, grid, spreadWeights(int(matrices.size()), scale));
        PruningProblem problem(matrices, grid, 0.8, eps);
        JobContext context;
        const UniformResult r = uniformSearch(problem, task, {"sieve", fullCurve}, context);

        int expected = 0;  // reference: linear scan with the closed-form accuracy
        for (int i = 0; i < int(grid.size()); ++i)
            if (task.exact(std::vector<int>(matrices.size(), i)) >= (1 - eps) * 0.8) expected = i;
        QCOMPARE(r.bestLevel, grid[expected]);
        QCOMPARE(r.bestAccuracy, task.exact(std::vector<int>(matrices.size(), expected)));
        if (fullCurve) {
            QCOMPARE(int(r.points.size()), int(grid.size()));
        } else {
            QVERIFY2(task.calls <= 4, qPrintable(QString::number(task.calls)));  // ceil(log2 10)
        }
        for (size_t i = 1; i < r.points.size(); ++i) QVERIFY(r.points[i].level > r.points[i - 1].level);
    }

    // Fitness depends on the genes and on feasibility only (what lets an
    // evaluation stop once feasibility is certain): feasible = fraction
    // removed, infeasible = minus it, so every feasible chromosome beats every
    // infeasible one and among infeasible ones the less pruned wins.
    void fitnessDependsOnFeasibilityOnly() {
        const auto matrices = makeMatrices(2);
        PruningProblem problem(matrices, defaultLevelGrid(), 0.8, 0.05);  // feasible at >= 0.76
        const std::vector<int> light = problem.uniformChromosome(2), heavy = problem.uniformChromosome(8);
        const double lightRemoved = problem.removedFraction(light),
                     heavyRemoved = problem.removedFraction(heavy);
        QVERIFY(heavyRemoved > lightRemoved && lightRemoved > 0);
        QCOMPARE(problem.makeIndividual(heavy, 0.77).fitness, heavyRemoved);
        QCOMPARE(problem.makeIndividual(heavy, 0.10).fitness, -heavyRemoved);
        QCOMPARE(problem.makeIndividual(light, 0.75).fitness, -lightRemoved);
        // How far below the threshold does not matter; how much is removed does.
        QCOMPARE(problem.makeIndividual(light, 0.0).fitness, problem.makeIndividual(light, 0.759).fitness);
        QVERIFY(problem.makeIndividual(light, 0.0).fitness > problem.makeIndividual(heavy, 0.759).fitness);
        QVERIFY(problem.makeIndividual(light, 0.76).fitness > problem.makeIndividual(heavy, 0.759).fitness);
        // A verdict taken early carries its partial count; the fitness is the same.
        const Individual early = problem.makeIndividual(heavy, Verdict{0.9, true, 7});
        QCOMPARE(early.fitness, heavyRemoved);
        QCOMPARE(early.scoredExamples, 7);
    }

    // An evaluator that decides early (here: on a fake half count) leaves the
    // search's trajectory alone, and the final best is rescored exactly.
    void earlyVerdictsKeepTheTrajectoryAndRescoreTheBest() {
        const auto matrices = makeMatrices(2);
        const LevelGrid grid = defaultLevelGrid();
        PruningProblem problem(matrices, grid, 0.8, 0.05);
        class EarlyTask : public QuadraticTask {
        public:
            using QuadraticTask::QuadraticTask;
            Verdict verdict(const std::vector<int>& genes, const PruningProblem& p,
                            const JobContext&) override {
                const double exactAccuracy = exact(genes);
                return Verdict{exactAccuracy + 0.5, p.feasible(exactAccuracy),
                               3};  // a partial, wrong-looking accuracy
            }
        };
        QuadraticTask plainTask(0.8, grid, spreadWeights(int(matrices.size()), 0.01));
        EarlyTask earlyTask(0.8, grid, spreadWeights(int(matrices.size()), 0.01));
        JobContext context;
        const GaResult plain = GeneticSearch(problem, smallGa(5)).run(plainTask, {"sieve", 3, {}}, context);
        const GaResult early = GeneticSearch(problem, smallGa(5)).run(earlyTask, {"sieve", 3, {}}, context);
        QCOMPARE(early.generations.size(), plain.generations.size());
        for (size_t g = 0; g < plain.generations.size(); ++g)
            for (size_t i = 0; i < plain.generations[g].population.size(); ++i) {
                QCOMPARE(early.generations[g].population[i].genes, plain.generations[g].population[i].genes);
                QCOMPARE(early.generations[g].population[i].fitness,
                         plain.generations[g].population[i].fitness);
                QCOMPARE(early.generations[g].population[i].scoredExamples, 3);
            }
        QCOMPARE(early.best.genes, plain.best.genes);
        QCOMPARE(early.best.scoredExamples, 0);
        QCOMPARE(early.best.accuracy, plainTask.exact(plain.best.genes));
        QCOMPARE(earlyTask.calls, 1);  // only the final rescore asked for a complete accuracy
    }

    // A curve that is not monotone, as accuracy measured on a few hundred
    // examples often is: levels 0-3 and 6 feasible, 4-5 and 7-9 not. The
    // binary search probes 5 (infeasible), 2, 3 (feasible), 4 (infeasible)
    // and answers 3; the full curve shows 6, and the optimum is read from it.
    void uniformReadsTheOptimumFromTheFullCurve() {
        const auto matrices = makeMatrices(1);
        const LevelGrid grid = defaultLevelGrid();
        const std::vector<double> accuracy = {0.80, 0.80, 0.79, 0.78, 0.70, 0.70, 0.77, 0.5, 0.4, 0.3};
        struct Curve : ChromosomeEvaluator {
            const std::vector<double>& acc;
            explicit Curve(const std::vector<double>& a) : acc(a) {}
            double accuracy(const std::vector<int>& genes, const JobContext&) override {
                return acc[genes[0]];
            }
        } curve(accuracy);
        PruningProblem problem(matrices, grid, 0.8, 0.05);  // threshold 0.76
        JobContext context;
        const UniformResult full = uniformSearch(problem, curve, {"sieve", true}, context);
        QCOMPARE(full.bestLevel, grid[6]);
        QCOMPARE(full.bestAccuracy, 0.77);
        QCOMPARE(full.bestRemovedFraction, problem.removedFraction(problem.uniformChromosome(6)));
        const UniformResult binary = uniformSearch(problem, curve, {"sieve", false}, context);
        QCOMPARE(binary.bestLevel, grid[3]);
    }

    void gaIsReproducibleFromItsSeed() {
        const auto matrices = makeMatrices(2);
        const LevelGrid grid = defaultLevelGrid();
        PruningProblem problem(matrices, grid, 0.8, 0.05);
        auto runOnce = [&](uint64_t seed) {
            QuadraticTask task(0.8, grid, spreadWeights(int(matrices.size()), 0.01));
            GeneticSearch ga(problem, smallGa(seed));
            JobContext context;
            return ga.run(task, {"sieve", 3, {}}, context);
        };
        const GaResult a = runOnce(7), b = runOnce(7), c = runOnce(8);
        QCOMPARE(a.generations.size(), b.generations.size());
        bool differs = false;
        for (size_t g = 0; g < a.generations.size(); ++g)
            for (size_t i = 0; i < a.generations[g].population.size(); ++i) {
                QCOMPARE(a.generations[g].population[i].genes, b.generations[g].population[i].genes);
                if (g < c.generations.size() &&
                    a.generations[g].population[i].genes != c.generations[g].population[i].genes)
                    differs = true;
            }
        QVERIFY2(differs, "a different seed gave the same run");
    }

    void gaBeatsUniformAndSparesBottlenecks() {
        const auto matrices = makeMatrices(3);
        const int n = int(matrices.size());
        const LevelGrid grid = defaultLevelGrid();
        // Every third matrix is a bottleneck (large weight); the others are nearly free.
        std::vector<double> weights(n, 0.0005);
        for (int i = 0; i < n; i += 3) weights[i] = 0.05;
        QuadraticTask task(0.8, grid, weights);
        PruningProblem problem(matrices, grid, 0.8, 0.02);
        JobContext context;
        const UniformResult uniform = uniformSearch(problem, task, {"sieve", false}, context);
        const int uniformIndex = int(std::find(grid.begin(), grid.end(), uniform.bestLevel) - grid.begin());

        GaSettings settings = smallGa(3);
        settings.population = 24;
        settings.generations = 25;
        GeneticSearch ga(problem, settings);
        QuadraticTask gaTask(0.8, grid, weights);
        const GaResult r = ga.run(gaTask, {"sieve", uniformIndex, {}}, context);

        QVERIFY(r.best.feasible);
        QCOMPARE(r.best.accuracy, task.exact(r.best.genes));  // the reported accuracy is the real one
        QVERIFY(task.exact(r.best.genes) >= (1 - 0.02) * 0.8);
        QVERIFY2(
            r.best.removedFraction > uniform.bestRemovedFraction + 0.05,
            qPrintable(
                QString("GA %1 vs uniform %2").arg(r.best.removedFraction).arg(uniform.bestRemovedFraction)));
        double bottleneck = 0, free = 0;
        int nb = 0, nf = 0;
        for (int i = 0; i < n; ++i)
            (i % 3 == 0 ? (bottleneck += grid[r.best.genes[i]], ++nb)
                        : (free += grid[r.best.genes[i]], ++nf));
        QVERIFY2(bottleneck / nb < free / nf, "bottleneck matrices were pruned as much as free ones");

        // Best fitness never decreases (elitism), and the cache avoided re-evaluation.
        for (size_t g = 1; g < r.generations.size(); ++g)
            QVERIFY(r.generations[g].best.fitness >= r.generations[g - 1].best.fitness);
        int evaluations = 0;
        for (const auto& g : r.generations) evaluations += g.evaluations;
        QCOMPARE(evaluations, gaTask.calls);
        QCOMPARE(gaTask.calls, int(gaTask.distinct.size()));
        QVERIFY(gaTask.calls < settings.population * int(r.generations.size()));
    }

    void gaResumesExactlyAfterAnInterruption() {
        const auto matrices = makeMatrices(2);
        const LevelGrid grid = defaultLevelGrid();
        PruningProblem problem(matrices, grid, 0.8, 0.05);
        const auto weights = spreadWeights(int(matrices.size()), 0.01);

        QuadraticTask fullTask(0.8, grid, weights);
        JobContext plain;
        const GaResult full = GeneticSearch(problem, smallGa(11)).run(fullTask, {"sieve", 3, {}}, plain);

        // Interrupt after generation 4 (as a kill would), keeping what the session would hold.
        GaCheckpoint saved;
        CancelToken token;
        JobContext cancellable({}, {}, token);
        GaRunOptions options{"sieve", 3, [&](const Generation& g, const std::string& rng) {
                                 saved.generations.push_back(g);
                                 saved.rngState = rng;
                                 if (g.index == 4) token.cancel();
                             }};
        QuadraticTask interruptedTask(0.8, grid, weights);
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, GeneticSearch(problem, smallGa(11)).run(interruptedTask, options, cancellable));
        QCOMPARE(int(saved.generations.size()), 5);

        QuadraticTask resumedTask(0.8, grid, weights);
        JobContext again;
        const GaResult resumed =
            GeneticSearch(problem, smallGa(11)).run(resumedTask, {"sieve", 3, {}}, again, &saved);
        QCOMPARE(resumed.generations.size(), full.generations.size());
        for (size_t g = 0; g < full.generations.size(); ++g)
            for (size_t i = 0; i < full.generations[g].population.size(); ++i)
                QCOMPARE(resumed.generations[g].population[i].genes, full.generations[g].population[i].genes);
        QCOMPARE(resumed.best.genes, full.best.genes);
        // The replayed generations were not evaluated again.
        QVERIFY(resumedTask.calls < fullTask.calls);
    }

    void gaStopsEarlyWithoutImprovement() {
        const auto matrices = makeMatrices(1);
        const LevelGrid grid{0.0, 0.5};
        // Nothing can be pruned: every non-dense gene is infeasible, so the
        // all-dense elite is never beaten.
        std::vector<double> weights(matrices.size(), 1.0);
        QuadraticTask task(0.8, grid, weights);
        PruningProblem problem(matrices, grid, 0.8, 0.01);
        GaSettings s = smallGa(5);
        s.generations = 50;
        s.patience = 4;
        JobContext context;
        const GaResult r = GeneticSearch(problem, s).run(task, {"sieve", 0, {}}, context);
        QVERIFY(r.stoppedEarly);
        QCOMPARE(int(r.generations.size()), 5);  // generation 0, then 4 without improvement
        QCOMPARE(r.best.removedFraction, 0.0);
        QVERIFY(r.best.feasible);
    }

    void sensitivityRanksByAccuracyDrop() {
        const auto matrices = makeMatrices(2);
        const int n = int(matrices.size());
        const LevelGrid grid = defaultLevelGrid();
        const auto weights = spreadWeights(n, 0.01);
        QuadraticTask task(0.8, grid, weights);
        PruningProblem problem(matrices, grid, 0.8, 0.05);
        JobContext context;
        const SensitivityResult r = singleMatrixSensitivity(problem, task, {"sieve", -1}, context);
        QCOMPARE(r.level, 0.9);
        std::vector<int> expected(n);
        std::iota(expected.begin(), expected.end(), 0);
        std::stable_sort(expected.begin(), expected.end(),
                         [&](int a, int b) { return weights[a] > weights[b]; });
        QCOMPARE(r.ranking, expected);
        for (int i = 0; i < n; ++i) QVERIFY(std::abs(r.drop[i] - weights[i] * 0.81) < 1e-12);
    }

    void cancellationStopsEverySearch() {
        const auto matrices = makeMatrices(1);
        PruningProblem problem(matrices, defaultLevelGrid(), 0.8, 0.05);
        QuadraticTask task(0.8, defaultLevelGrid(), spreadWeights(int(matrices.size()), 0.01));
        CancelToken token;
        token.cancel();
        JobContext context({}, {}, token);
        QVERIFY_THROWS_EXCEPTION(Cancelled, uniformSearch(problem, task, {"sieve", true}, context));
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 GeneticSearch(problem, smallGa(1)).run(task, {"sieve", 0, {}}, context));
        QVERIFY_THROWS_EXCEPTION(Cancelled, singleMatrixSensitivity(problem, task, {"sieve", -1}, context));
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "test_search.moc"

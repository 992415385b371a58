// The genetic search's work queue over ranks, without MPI: "ranks" are
// threads joined by in-memory mailboxes (ThreadCluster below), each with its
// own evaluator of a task whose accuracy is known in closed form, and each
// taking a different time per chromosome so that verdicts come back out of
// order. The search over three ranks must equal the one-process search
// exactly; every chromosome is scored once, somewhere; a cancel on rank 0
// leaves no verdict behind; the messages are checked byte for byte.
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

#include "core/cluster/cluster_evaluator.h"
#include "core/cluster/wire.h"
#include "core/common/error.h"
#include "core/search/genetic_search.h"
#include "core/search/sensitivity.h"

using namespace sieve;

namespace {

// N ranks in one process: rank r's mailbox holds what was sent to it.
class ThreadNetwork {
public:
    explicit ThreadNetwork(int size) : boxes_(size_t(size)) {}
    struct Box {
        std::mutex mutex;
        std::condition_variable arrived;
        std::deque<ClusterMessage> messages;
    };
    Box& box(int rank) { return boxes_[size_t(rank)]; }
    int size() const { return int(boxes_.size()); }

private:
    std::deque<Box> boxes_;
};

class ThreadCluster final : public Cluster {
public:
    ThreadCluster(ThreadNetwork& net, int rank) : net_(net), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return net_.size(); }
    int localRank() const override { return rank_; }
    void send(int destination, int tag, const std::string& bytes) override {
        ThreadNetwork::Box& b = net_.box(destination);
        {
            std::lock_guard<std::mutex> lock(b.mutex);
            b.messages.push_back(ClusterMessage{rank_, tag, bytes});
        }
        b.arrived.notify_all();
    }
    ClusterMessage receive(int source, int tag) override {
        ThreadNetwork::Box& b = net_.box(rank_);
        std::unique_lock<std::mutex> lock(b.mutex);
        for (;;) {
            for (auto it = b.messages.begin(); it != b.messages.end(); ++it)
                if ((source < 0 || it->source == source) && (tag < 0 || it->tag == tag)) {
                    ClusterMessage m = std::move(*it);
                    b.messages.erase(it);
                    return m;
                }
            b.arrived.wait(lock);
        }
    }
    void broadcast(void* data, int64_t bytes, int root) override {
        constexpr int kBroadcast = 99;
        if (rank_ == root) {
            for (int r = 0; r < size(); ++r)
                if (r != root) send(r, kBroadcast, std::string(static_cast<char*>(data), size_t(bytes)));
        } else {
            const ClusterMessage m = receive(root, kBroadcast);
            std::memcpy(data, m.bytes.data(), size_t(bytes));
        }
    }
    [[noreturn]] void abort(int) override { std::abort(); }
    size_t pending() {
        ThreadNetwork::Box& b = net_.box(rank_);
        std::lock_guard<std::mutex> lock(b.mutex);
        return b.messages.size();
    }

private:
    ThreadNetwork& net_;
    int rank_;
};

std::vector<MatrixInfo> makeMatrices(int count) {
    std::vector<MatrixInfo> out;
    for (int i = 0; i < count; ++i) {
        MatrixInfo m;
        m.layer = i / kMatrixTypeCount;
        m.type = static_cast<MatrixType>(i % kMatrixTypeCount);
        m.name = "m" + std::to_string(i);
        m.rows = 32 + 8 * (i % 3);
        m.cols = 32;
        out.push_back(m);
    }
    return out;
}

// accuracy = 0.9 - sum_i w_i level_i^2; rank r sleeps (r + 1) x 300 us per
// chromosome, plus a little more for some chromosomes, so answers interleave.
class QuadraticTask : public ChromosomeEvaluator {
public:
    QuadraticTask(const LevelGrid& grid, int rank) : grid_(grid), rank_(rank) {}
    Verdict verdict(const std::vector<int>& genes, const PruningProblem& problem,
                    const JobContext& context) override {
        ++verdictCalls;
        return ChromosomeEvaluator::verdict(genes, problem, context);
    }
    double accuracy(const std::vector<int>& genes, const JobContext& context) override {
        context.throwIfCancelled();
        if (cancelAfter >= 0 && calls >= cancelAfter) throw Cancelled();
        ++calls;
        scored.insert(genes);
        double acc = 0.9;
        for (size_t i = 0; i < genes.size(); ++i)
            acc -= 0.02 * (1 + double(i % 5)) * grid_[size_t(genes[i])] * grid_[size_t(genes[i])];
        std::this_thread::sleep_for(std::chrono::microseconds(300 * (rank_ + 1) + 200 * (genes[0] % 3)));
        return acc;
    }
    int calls = 0;  // accuracies computed (a verdict computes one too)
    int verdictCalls = 0;
    int cancelAfter = -1;
    std::set<std::vector<int>> scored;

private:
    LevelGrid grid_;
    int rank_;
};

GaSettings gaSettings() {
    GaSettings s;
    s.population = 12;
    s.generations = 6;
    s.patience = 100;
    s.seed = 77;
    return s;
}

// The workers (ranks 1..N-1), each serving with its own task until stopped.
struct Workers {
    Workers(ThreadNetwork& net, const PruningProblem& problem, const LevelGrid& grid) {
        for (int r = 1; r < net.size(); ++r) {
            clusters.push_back(std::make_unique<ThreadCluster>(net, r));
            tasks.push_back(std::make_unique<QuadraticTask>(grid, r));
        }
        for (size_t i = 0; i < clusters.size(); ++i)
            threads.emplace_back([this, i, &problem] {
                JobContext quiet;
                served[i] = serveChromosomes(*tasks[i], problem, *clusters[i], quiet);
            });
    }
    void join() {
        for (auto& t : threads) t.join();
        threads.clear();
    }
    ~Workers() { join(); }
    std::vector<std::unique_ptr<ThreadCluster>> clusters;
    std::vector<std::unique_ptr<QuadraticTask>> tasks;
    std::vector<std::thread> threads;
    std::map<size_t, int64_t> served;
};

}  // namespace

class TestClusterEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void threeRanksSearchAsOneProcess() {
        const LevelGrid grid = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        const PruningProblem problem(makeMatrices(14), grid, 0.9, 0.05);
        JobContext quiet;

        QuadraticTask alone(grid, 0);
        GaRunOptions options;
        options.method = "sieve";
        options.uniformBestIndex = 2;
        const GaResult single = GeneticSearch(problem, gaSettings()).run(alone, options, quiet);

        ThreadNetwork net(3);
        ThreadCluster root(net, 0);
        QuadraticTask own(grid, 0);
        Workers workers(net, problem, grid);
        int shares = 0;
        GaResult spread;
        std::vector<RankLoad> loads;
        {
            ClusterEvaluator evaluator(own, root, [&] { ++shares; });
            spread = GeneticSearch(problem, gaSettings()).run(evaluator, options, quiet);
            loads = evaluator.loads();
        }  // releases the workers
        workers.join();

        QCOMPARE(shares, 1);
        QCOMPARE(spread.generations.size(), single.generations.size());
        for (size_t g = 0; g < single.generations.size(); ++g) {
            const Generation& a = single.generations[g];
            const Generation& b = spread.generations[g];
            QCOMPARE(b.evaluations, a.evaluations);
            QCOMPARE(b.bestFitness, a.bestFitness);
            QCOMPARE(b.meanFitness, a.meanFitness);
            QCOMPARE(b.population.size(), a.population.size());
            for (size_t i = 0; i < a.population.size(); ++i) {
                QCOMPARE(b.population[i].genes, a.population[i].genes);
                QCOMPARE(b.population[i].accuracy, a.population[i].accuracy);
                QCOMPARE(b.population[i].feasible, a.population[i].feasible);
            }
        }
        QCOMPARE(spread.best.genes, single.best.genes);
        QCOMPARE(spread.best.fitness, single.best.fitness);

        // Every chromosome scored exactly once, somewhere; every rank took part.
        int total = 0;
        for (const Generation& g : single.generations) total += g.evaluations;
        std::set<std::vector<int>> everywhere = own.scored;
        int64_t byLoads = loads[0].evaluations;
        QVERIFY(loads[0].evaluations > 0);
        for (size_t w = 0; w < workers.tasks.size(); ++w) {
            QVERIFY2(workers.served[w] > 0, "a worker rank scored nothing");
            QCOMPARE(int64_t(workers.tasks[w]->calls), workers.served[w]);
            QCOMPARE(loads[w + 1].evaluations, workers.served[w]);
            byLoads += loads[w + 1].evaluations;
            for (const auto& genes : workers.tasks[w]->scored) QVERIFY(everywhere.insert(genes).second);
        }
        QCOMPARE(int(everywhere.size()), total);
        // The final rescoring of the best (early decisions off here: none) is rank 0's.
        QCOMPARE(byLoads, int64_t(total));
        QCOMPARE(root.pending(), size_t(0));
    }

    // A sensitivity scan is one batch of exact accuracies: spread over three
    // ranks it gives the one-process scan, every variant scored once, and no
    // rank asked for a verdict (one that may stop early).
    void sensitivityOverThreeRanksAsOneProcess() {
        const LevelGrid grid = {0, 0.3, 0.6, 0.9};
        const PruningProblem problem(makeMatrices(21), grid, 0.9, 0.05);
        JobContext quiet;
        QuadraticTask alone(grid, 0);
        const SensitivityResult single = singleMatrixSensitivity(problem, alone, {"sieve", -1}, quiet);

        ThreadNetwork net(3);
        ThreadCluster root(net, 0);
        QuadraticTask own(grid, 0);
        Workers workers(net, problem, grid);
        std::vector<int> seen;
        SensitivityResult spread;
        {
            ClusterEvaluator evaluator(own, root, [] {});
            JobContext watched({}, [&](const JobEvent& e) {
                if (const auto* s = std::get_if<SensitivityEvent>(&e)) {
                    seen.push_back(s->matrix);
                    QCOMPARE(s->accuracy, single.accuracy[size_t(s->matrix)]);
                }
            });
            spread = singleMatrixSensitivity(problem, evaluator, {"sieve", -1}, watched);
        }
        workers.join();

        QCOMPARE(spread.level, 0.9);
        QCOMPARE(spread.accuracy, single.accuracy);
        QCOMPARE(spread.drop, single.drop);
        QCOMPARE(spread.ranking, single.ranking);
        std::sort(seen.begin(), seen.end());
        std::vector<int> every(21);
        std::iota(every.begin(), every.end(), 0);
        QCOMPARE(seen, every);  // one live event per matrix
        int total = own.calls;
        QCOMPARE(own.verdictCalls, 0);
        for (size_t w = 0; w < workers.tasks.size(); ++w) {
            QVERIFY2(workers.served[w] > 0, "a worker rank scored nothing");
            QCOMPARE(workers.tasks[w]->verdictCalls, 0);
            total += workers.tasks[w]->calls;
        }
        QCOMPARE(total, 21);
        QCOMPARE(root.pending(), size_t(0));
    }

    void noWorkNoShare() {
        ThreadNetwork net(2);
        ThreadCluster root(net, 0), worker(net, 1);
        const LevelGrid grid = {0, 0.5};
        const PruningProblem problem(makeMatrices(3), grid, 0.9, 0.05);
        QuadraticTask own(grid, 0);
        int shares = 0;
        {
            ClusterEvaluator evaluator(own, root, [&] { ++shares; });
            JobContext quiet;
            QCOMPARE(evaluator.verdicts({}, problem, quiet, {}).size(), size_t(0));
        }
        QCOMPARE(shares, 0);
        // Released all the same: the worker's next message is the stop.
        QCOMPARE(worker.receive(0, -1).tag, int(kClusterStop));
    }

    void cancelOnRankZeroLeavesNoVerdictBehind() {
        const LevelGrid grid = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        const PruningProblem problem(makeMatrices(7), grid, 0.9, 0.05);
        ThreadNetwork net(3);
        ThreadCluster root(net, 0);
        QuadraticTask own(grid, 0);
        own.cancelAfter = 1;
        Workers workers(net, problem, grid);
        std::vector<std::vector<int>> batch;
        for (int i = 0; i < 20; ++i) batch.push_back(std::vector<int>(7, i % 10));
        for (int i = 0; i < 20; ++i) batch[size_t(i)][1] = i / 10;
        ClusterEvaluator evaluator(own, root, [] {});
        JobContext quiet;
        int done = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 evaluator.verdicts(batch, problem, quiet, [&](size_t) { ++done; }));
        QCOMPARE(root.pending(), size_t(0));  // every job handed out came back
        QVERIFY(done < 20);
        evaluator.release();
        workers.join();
    }

    void messagesRoundTripAndTruncationIsNamed() {
        const std::string job = encodeJob(41, {3, 0, 9}, JobKind::Accuracy);
        WireReader in(job, "job from rank 0");
        QCOMPARE(in.i64(), int64_t(41));
        QCOMPARE(in.i64(), int64_t(JobKind::Accuracy));
        QCOMPARE(in.ints(), (std::vector<int>{3, 0, 9}));
        in.finish();

        Verdict v;
        v.accuracy = 0.625;
        v.feasible = true;
        v.scoredExamples = 17;
        const std::string bytes = encodeVerdict(5, v);
        WireReader back(bytes, "verdict");
        QCOMPARE(back.i64(), int64_t(5));
        QCOMPARE(back.f64(), 0.625);
        QCOMPARE(back.i64(), int64_t(1));
        QCOMPARE(back.i64(), int64_t(17));
        back.finish();

        const std::string cut = bytes.substr(0, bytes.size() - 3);
        WireReader shortOne(cut, "verdict from rank 2");
        shortOne.i64();
        shortOne.f64();
        shortOne.i64();
        try {
            shortOne.i64();
            QFAIL("a truncated verdict was read");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("verdict from rank 2"), e.what());
        }
        const std::string longer = job + "x";
        WireReader extra(longer, "job from rank 0");
        extra.i64();
        extra.i64();
        extra.ints();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, extra.finish());
    }
};

QTEST_GUILESS_MAIN(TestClusterEvaluator)
#include "test_cluster_evaluator.moc"

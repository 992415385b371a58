#pragma once
// The searches' evaluations over the ranks of a cluster, as a work queue: a
// generation's new chromosomes (or a sensitivity scan's variants) are handed
// out one at a time to
// whichever rank is free (their costs differ a lot with early decisions and
// reused states), rank 0 scoring too on a second thread while its main
// thread talks to the others. Verdicts depend on the chromosome only, so the
// search's history, best and every session record equal a single process's
// with the same seed.
#include <functional>
#include <string>
#include <vector>

#include "core/cluster/cluster.h"
#include "core/search/pruning_problem.h"

namespace sieve {

// Per rank: what it scored and how long it waited for work (rank 0: waiting
// for the others at the end of a batch).
struct RankLoad {
    int64_t evaluations = 0;
    double busySeconds = 0;
    double idleSeconds = 0;
};

// What a job asks of a worker: the genetic search's verdict (it may stop
// once feasibility is certain) or the exact accuracy (every example).
enum class JobKind : int64_t { Verdict = 0, Accuracy = 1 };

class ClusterEvaluator : public ChromosomeEvaluator {
public:
    // `local` scores on this rank. `share` runs once, before the first job
    // goes out: it tells the workers what the search is (kClusterSearch and
    // the factors), so a run that needs no evaluation sends nothing.
    ClusterEvaluator(ChromosomeEvaluator& local, Cluster& cluster, std::function<void()> share);
    // Releases the workers (kClusterStop) if release() was not called.
    ~ClusterEvaluator() override;
    ClusterEvaluator(const ClusterEvaluator&) = delete;
    ClusterEvaluator& operator=(const ClusterEvaluator&) = delete;

    double accuracy(const std::vector<int>& genes, const JobContext& context) override;
    Verdict verdict(const std::vector<int>& genes, const PruningProblem& problem,
                    const JobContext& context) override;
    std::vector<Verdict> verdicts(const std::vector<std::vector<int>>& batch, const PruningProblem& problem,
                                  const JobContext& context,
                                  const std::function<void(size_t)>& done) override;
    std::vector<double> accuracies(const std::vector<std::vector<int>>& batch, const JobContext& context,
                                   const std::function<void(size_t, double)>& done) override;

    // Tells every worker the run needs it no more.
    void release();
    // Index = rank. Workers' busy time is measured by rank 0 (job out to verdict back).
    const std::vector<RankLoad>& loads() const { return loads_; }
    // "rank 0: 14 evaluations, 30.2 s busy, 0.4 s idle; rank 1: ..."
    std::string loadReport() const;

private:
    // The queue behind both batch calls: `kind` says what a worker computes
    // (JobKind), `score` what rank 0's own lane does with a chromosome.
    std::vector<Verdict> spread(const std::vector<std::vector<int>>& batch, JobKind kind,
                                const std::function<Verdict(const std::vector<int>&)>& score,
                                const std::function<void(size_t, const Verdict&)>& done);

    ChromosomeEvaluator& local_;
    Cluster& cluster_;
    std::function<void()> share_;
    bool shared_ = false, released_ = false;
    std::vector<RankLoad> loads_;
    double batchSeconds_ = 0;  // wall time of every batch so far
};

// A worker's side: scores the chromosomes rank 0 sends with `local` until
// kClusterStop. Returns the number scored.
int64_t serveChromosomes(ChromosomeEvaluator& local, const PruningProblem& problem, Cluster& cluster,
                         const JobContext& context);

// The messages of the queue (also for tests).
std::string encodeJob(int64_t index, const std::vector<int>& genes, JobKind kind = JobKind::Verdict);
std::string encodeVerdict(int64_t index, const Verdict& verdict);

}  // namespace sieve

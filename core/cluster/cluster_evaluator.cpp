#include "core/cluster/cluster_evaluator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/cluster/wire.h"

namespace sieve {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

}  // namespace

std::string encodeJob(int64_t index, const std::vector<int>& genes, JobKind kind) {
    return WireWriter().i64(index).i64(int64_t(kind)).ints(genes).bytes();
}

std::string encodeVerdict(int64_t index, const Verdict& v) {
    return WireWriter().i64(index).f64(v.accuracy).i64(v.feasible ? 1 : 0).i64(v.scoredExamples).bytes();
}

ClusterEvaluator::ClusterEvaluator(ChromosomeEvaluator& local, Cluster& cluster, std::function<void()> share)
    : local_(local), cluster_(cluster), share_(std::move(share)), loads_(size_t(cluster.size())) {}

ClusterEvaluator::~ClusterEvaluator() {
    try {
        release();
    } catch (...) {
        // Sending can only fail when the run is ending anyway (MPI aborts it).
    }
}

void ClusterEvaluator::release() {
    if (released_) return;
    released_ = true;
    for (int r = 1; r < cluster_.size(); ++r) cluster_.send(r, kClusterStop, {});
}

double ClusterEvaluator::accuracy(const std::vector<int>& genes, const JobContext& context) {
    return local_.accuracy(genes, context);
}

Verdict ClusterEvaluator::verdict(const std::vector<int>& genes, const PruningProblem& problem,
                                  const JobContext& context) {
    return local_.verdict(genes, problem, context);
}

std::vector<Verdict> ClusterEvaluator::verdicts(const std::vector<std::vector<int>>& batch,
                                                const PruningProblem& problem, const JobContext& context,
                                                const std::function<void(size_t)>& done) {
    if (batch.empty() || cluster_.size() < 2) return local_.verdicts(batch, problem, context, done);
    return spread(
        batch, JobKind::Verdict,
        [&](const std::vector<int>& genes) { return local_.verdict(genes, problem, context); },
        [&](size_t i, const Verdict&) {
            if (done) done(i);
        });
}

std::vector<double> ClusterEvaluator::accuracies(const std::vector<std::vector<int>>& batch,
                                                 const JobContext& context,
                                                 const std::function<void(size_t, double)>& done) {
    if (batch.empty() || cluster_.size() < 2) return local_.accuracies(batch, context, done);
    const std::vector<Verdict> verdicts = spread(
        batch, JobKind::Accuracy,
        [&](const std::vector<int>& genes) {
            Verdict v;
            v.accuracy = local_.accuracy(genes, context);
            return v;
        },
        [&](size_t i, const Verdict& v) {
            if (done) done(i, v.accuracy);
        });
    std::vector<double> out;
    out.reserve(verdicts.size());
    for (const Verdict& v : verdicts) out.push_back(v.accuracy);
    return out;
}

std::vector<Verdict> ClusterEvaluator::spread(const std::vector<std::vector<int>>& batch, JobKind kind,
                                              const std::function<Verdict(const std::vector<int>&)>& score,
                                              const std::function<void(size_t, const Verdict&)>& done) {
    if (released_) throw std::logic_error("cluster evaluator: the workers were already released");
    if (!shared_) {
        share_();
        shared_ = true;
    }
    std::vector<std::optional<Verdict>> out(batch.size());
    std::mutex mutex;  // guards next, failure, out and done() between the two threads
    size_t next = 0;
    std::exception_ptr failure;
    auto take = [&]() -> std::optional<size_t> {
        std::lock_guard<std::mutex> lock(mutex);
        if (failure || next >= batch.size()) return std::nullopt;
        return next++;
    };
    auto finish = [&](size_t i, const Verdict& v) {
        std::lock_guard<std::mutex> lock(mutex);
        out[i] = v;
        done(i, v);
    };

    const auto batchStart = Clock::now();
    std::vector<Clock::time_point> sentAt(size_t(cluster_.size()), batchStart);
    int outstanding = 0;
    auto handOut = [&](int rank) {
        const std::optional<size_t> i = take();
        if (!i) return;
        sentAt[size_t(rank)] = Clock::now();
        cluster_.send(rank, kClusterJob, encodeJob(int64_t(*i), batch[*i], kind));
        ++outstanding;
    };
    // The workers get their first chromosomes before rank 0's lane starts:
    // started first, the lane could take a whole small batch while this
    // thread waits to be scheduled, and leave the other ranks idle.
    try {
        for (int r = 1; r < cluster_.size(); ++r) handOut(r);
    } catch (...) {
        failure = std::current_exception();
    }
    // Rank 0's own lane: the model is used by this thread only; MPI by the caller's only.
    RankLoad& own = loads_[0];
    std::thread lane([&] {
        try {
            while (const std::optional<size_t> i = take()) {
                const auto start = Clock::now();
                const Verdict v = score(batch[*i]);
                own.busySeconds += secondsBetween(start, Clock::now());
                ++own.evaluations;
                finish(*i, v);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure) failure = std::current_exception();
        }
    });

    try {
        // Every job handed out comes back, also after rank 0's own lane
        // failed (a cancel): the workers cannot be interrupted
        // mid-chromosome, and their verdicts must not be left for the next batch.
        while (outstanding > 0) {
            const ClusterMessage m = cluster_.receive(-1, kClusterVerdict);
            --outstanding;
            const auto now = Clock::now();
            RankLoad& load = loads_.at(size_t(m.source));
            load.busySeconds += secondsBetween(sentAt[size_t(m.source)], now);
            ++load.evaluations;
            WireReader in(m.bytes, "verdict from rank " + std::to_string(m.source));
            const int64_t index = in.i64();
            Verdict v;
            v.accuracy = in.f64();
            v.feasible = in.i64() != 0;
            v.scoredExamples = int(in.i64());
            in.finish();
            if (index < 0 || size_t(index) >= batch.size() || out[size_t(index)])
                throw std::runtime_error("verdict from rank " + std::to_string(m.source) +
                                         " for chromosome " + std::to_string(index) +
                                         ", which was not handed out");
            finish(size_t(index), v);
            handOut(m.source);
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
    }
    lane.join();
    // Idle: the time of the batches so far a rank spent without a chromosome.
    batchSeconds_ += secondsBetween(batchStart, Clock::now());
    for (RankLoad& load : loads_) load.idleSeconds = std::max(0.0, batchSeconds_ - load.busySeconds);
    if (failure) std::rethrow_exception(failure);

    std::vector<Verdict> verdicts;
    verdicts.reserve(batch.size());
    for (const auto& v : out) verdicts.push_back(*v);
    return verdicts;
}

std::string ClusterEvaluator::loadReport() const {
    std::string text;
    for (size_t r = 0; r < loads_.size(); ++r) {
        char line[160];
        std::snprintf(line, sizeof line, "%srank %zu: %lld evaluations, %.1f s busy, %.1f s idle",
                      r ? "; " : "", r, (long long)loads_[r].evaluations, loads_[r].busySeconds,
                      loads_[r].idleSeconds);
        text += line;
    }
    return text;
}

int64_t serveChromosomes(ChromosomeEvaluator& local, const PruningProblem& problem, Cluster& cluster,
                         const JobContext& context) {
    int64_t served = 0;
    for (;;) {
        const ClusterMessage m = cluster.receive(0, -1);
        if (m.tag == kClusterStop) return served;
        if (m.tag != kClusterJob)
            throw std::runtime_error("rank " + std::to_string(cluster.rank()) + ": unexpected message (tag " +
                                     std::to_string(m.tag) + ") while serving chromosomes");
        WireReader in(m.bytes, "job from rank 0");
        const int64_t index = in.i64();
        const int64_t kind = in.i64();
        const std::vector<int> genes = in.ints();
        in.finish();
        if (int(genes.size()) != problem.matrixCount())
            throw std::runtime_error("job from rank 0: " + std::to_string(genes.size()) + " genes for " +
                                     std::to_string(problem.matrixCount()) + " matrices");
        Verdict v;
        if (kind == int64_t(JobKind::Verdict)) {
            v = local.verdict(genes, problem, context);
        } else if (kind == int64_t(JobKind::Accuracy)) {
            v.accuracy = local.accuracy(genes, context);
        } else {
            throw std::runtime_error("job from rank 0: unknown kind " + std::to_string(kind));
        }
        cluster.send(0, kClusterVerdict, encodeVerdict(index, v));
        ++served;
    }
}

}  // namespace sieve

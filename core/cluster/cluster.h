#pragma once
// The processes of one run that share its work. Rank 0 owns the session and
// the genetic search; the other ranks open the same model and task, take the
// factors rank 0 computed (never their own) and score the chromosomes it
// hands out (cluster_evaluator.h). An interface, so that the engine and the
// work queue build and are tested without MPI; mpi_cluster.cpp is the real
// one (Open MPI, `mpirun` or Slurm's `srun`), built with -DSIEVE_MPI=ON.
#include <cstdint>
#include <memory>
#include <string>

namespace sieve {

struct ClusterMessage {
    int source = -1;
    int tag = -1;
    std::string bytes;
};

// What rank 0 and the others say to each other.
enum ClusterTag : int {
    kClusterSearch = 1,   // rank 0 -> worker: a search starts (its method and a0; new factors follow)
    kClusterJob = 2,      // rank 0 -> worker: score this chromosome
    kClusterVerdict = 3,  // worker -> rank 0: its verdict
    kClusterStop = 4,     // rank 0 -> worker: no more work in this search
    kClusterEnd = 5,      // rank 0 -> worker: the command is over, no more searches
};

class Cluster {
public:
    virtual ~Cluster() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // This rank's position among the ranks on its node (to pick its GPUs).
    virtual int localRank() const = 0;

    virtual void send(int destination, int tag, const std::string& bytes) = 0;
    // The next message from `source` (-1: any) with `tag` (-1: any). Waits
    // without spinning a core: idle ranks share nodes with busy ones.
    virtual ClusterMessage receive(int source, int tag) = 0;
    // `bytes` bytes at `data` from rank `root` to every rank (any size;
    // the others' buffers must already hold that many).
    virtual void broadcast(void* data, int64_t bytes, int root) = 0;
    // Ends every process of the run: a rank that cannot go on would leave
    // the others waiting for it forever. The session is whole on disk (it is
    // only ever replaced by a finished file), so `--resume`-style reruns go on.
    [[noreturn]] virtual void abort(int code) = 0;

    bool isRoot() const { return rank() == 0; }
    // A string from rank `root` (its size first).
    void broadcast(std::string& text, int root);
};

// The run's cluster when this process was started by mpirun or srun and the
// build has MPI; nullptr otherwise (one process, as without MPI). Call once,
// first thing in main (MPI may rewrite the arguments).
std::unique_ptr<Cluster> joinCluster(int* argc, char*** argv);
// Whether this build can join one (-DSIEVE_MPI=ON).
bool clusterSupport();

}  // namespace sieve

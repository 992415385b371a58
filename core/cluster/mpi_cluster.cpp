// The cluster over MPI (Open MPI's mpirun, or Slurm's srun with PMIx).
// Only the thread that joined calls MPI (MPI_THREAD_FUNNELED is enough: the
// work queue scores on a second thread that never touches MPI). Waiting is
// MPI_Iprobe plus a short sleep, not a blocking call: Open MPI's blocking
// calls poll a core at full speed, which on a shared node takes it from the
// ranks doing the work.
// MPI's C API only (its deprecated C++ bindings do not build warning-free).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

#include "core/cluster/cluster.h"

namespace sieve {

namespace {

void check(int code, const char* what) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw std::runtime_error(std::string(what) + ": " + std::string(text, size_t(length)));
}

// Whether a launcher started this process as one rank of several.
bool launchedAsRank() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"})
        if (std::getenv(name)) return true;
    return false;
}

class MpiCluster final : public Cluster {
public:
    MpiCluster(int* argc, char*** argv) {
        int provided = 0;
        check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        // Errors come back as codes (and exceptions here), not as MPI's own abort.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
        MPI_Comm node;
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
        MPI_Comm_rank(node, &localRank_);
        MPI_Comm_free(&node);
    }
    ~MpiCluster() override {
        // A rank that ends first would wait in MPI_Finalize's barrier, which
        // Open MPI polls (13 % of a core, seen while rank 0 ran the
        // sensitivity scan alone): meet in a barrier polled with naps first.
        // (No check(): a destructor must not throw; finalizing goes on anyway.)
        MPI_Request request;
        if (MPI_Ibarrier(MPI_COMM_WORLD, &request) == MPI_SUCCESS) napUntilDone(request);
        MPI_Finalize();
    }

    int rank() const override { return rank_; }
    int size() const override { return size_; }
    int localRank() const override { return localRank_; }

    void send(int destination, int tag, const std::string& bytes) override {
        if (bytes.size() > size_t(std::numeric_limits<int>::max()))
            throw std::runtime_error("cluster message of " + std::to_string(bytes.size()) +
                                     " bytes is too large");
        MPI_Request request;
        check(
            MPI_Isend(bytes.data(), int(bytes.size()), MPI_BYTE, destination, tag, MPI_COMM_WORLD, &request),
            "MPI_Isend");
        wait(request);
    }

    ClusterMessage receive(int source, int tag) override {
        const int from = source < 0 ? MPI_ANY_SOURCE : source;
        const int which = tag < 0 ? MPI_ANY_TAG : tag;
        MPI_Status status;
        int arrived = 0;
        for (Nap nap;; nap.take()) {
            check(MPI_Iprobe(from, which, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
            if (arrived) break;
        }
        int count = 0;
        MPI_Get_count(&status, MPI_BYTE, &count);
        ClusterMessage m;
        m.source = status.MPI_SOURCE;
        m.tag = status.MPI_TAG;
        m.bytes.resize(size_t(count));
        check(MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "MPI_Recv");
        return m;
    }

    void broadcast(void* data, int64_t bytes, int root) override {
        // MPI counts are ints: 1 GiB pieces.
        constexpr int64_t kPiece = int64_t(1) << 30;
        char* at = static_cast<char*>(data);
        for (int64_t done = 0; done < bytes; done += kPiece) {
            const int n = int(std::min(kPiece, bytes - done));
            MPI_Request request;
            check(MPI_Ibcast(at + done, n, MPI_BYTE, root, MPI_COMM_WORLD, &request), "MPI_Ibcast");
            wait(request);
        }
    }

    [[noreturn]] void abort(int code) override {
        MPI_Abort(MPI_COMM_WORLD, code);
        std::_Exit(code);  // MPI_Abort does not return; if it did, do not linger
    }

private:
    // Sleeps that grow from 50 us to 5 ms: a verdict is answered at once
    // while a rank that waits minutes (rank 0 sweeping) costs nothing.
    struct Nap {
        std::chrono::microseconds length{50};
        void take() {
            std::this_thread::sleep_for(length);
            length = std::min(length * 2, std::chrono::microseconds(5000));
        }
    };
    // Tests `request` with growing naps until it completes; MPI_Test's error
    // code when it fails.
    static int napUntilDone(MPI_Request& request) {
        int finished = 0;
        for (Nap nap;; nap.take()) {
            const int code = MPI_Test(&request, &finished, MPI_STATUS_IGNORE);
            if (code != MPI_SUCCESS || finished) return code;
        }
    }
    void wait(MPI_Request& request) { check(napUntilDone(request), "MPI_Test"); }

    int rank_ = 0, size_ = 1, localRank_ = 0;
};

}  // namespace

std::unique_ptr<Cluster> joinCluster(int* argc, char*** argv) {
    if (!launchedAsRank()) return nullptr;
    return std::make_unique<MpiCluster>(argc, argv);
}

bool clusterSupport() {
    return true;
}

}  // namespace sieve

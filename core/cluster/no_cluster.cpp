// A build without MPI (-DSIEVE_MPI=OFF): every run is one process.
#include "core/cluster/cluster.h"

namespace sieve {

std::unique_ptr<Cluster> joinCluster(int*, char***) {
    return nullptr;
}

bool clusterSupport() {
    return false;
}

}  // namespace sieve

#pragma once
// A method's factors, computed once on rank 0 of a cluster run, to every
// other rank: each opens the same model and task but never factors (a
// factorization of a 70B model costs far more than sending it). Each
// matrix's factors go as a header (kind, dtype, shapes) and the raw bytes,
// through host memory; a receiver places them as its own set's options say.
#include "core/cluster/cluster.h"
#include "core/projection/projection_set.h"

namespace sieve {

// On rank `root`: sends its complete `set` to every other rank.
void sendFactors(const ProjectionSet& set, Cluster& cluster);
// On every other rank: fills `set` (as ProjectionSet::start made it, for the
// same model) with what rank `root` sends.
void receiveFactors(ProjectionSet& set, Cluster& cluster, int root);

}  // namespace sieve

#pragma once
// The CLI's subcommands. Each reads its options (command_line.h), drives the
// engine (the same jobs the GUI runs) and reads/writes the same HDF5 session.
#include <string>
#include <vector>

#include "core/types/job.h"

namespace sieve {
class Cluster;
}

namespace sieve::cli {

// Exit codes (documented in `sieve --help` and README.md).
enum ExitCode { kOk = 0, kUsage = 1, kBadInput = 2, kCancelled = 3, kFailure = 4 };

// Runs `command` (one of commandSummaries()) with its arguments; --help
// prints the command's help. Throws UsageError, InputError, Cancelled, ...
// (main turns them into exit codes).
int runCommand(const std::string& command, const std::vector<std::string>& args, const CancelToken& cancel);

// The ranks of a run started by mpirun or srun (null: one process). `ga`,
// `sensitivity` and `run` spread the genetic search and the sensitivity scan
// over them; rank 0 alone writes the session and prints the results.
void useCluster(Cluster* cluster);
// Whether `command` can run on several ranks.
bool runsOnRanks(const std::string& command);

}  // namespace sieve::cli

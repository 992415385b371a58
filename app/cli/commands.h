#pragma once
// The CLI's subcommands. Each reads its options, drives the engine (the same
// jobs the GUI runs) and reads/writes the same HDF5 session.
#include <string>
#include <vector>

#include "core/types/job.h"

namespace sieve::cli {

// Exit codes (documented in `sieve --help` and docs/cli.md).
enum ExitCode { kOk = 0, kUsage = 1, kBadInput = 2, kCancelled = 3, kFailure = 4 };

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args, const CancelToken& cancel);
};

const std::vector<Command>& commands();

}  // namespace sieve::cli

// sieve: the headless command line on the same core as the workbench.
// Researchers run big models on GPU servers without a display, then open the
// session in the window on their laptop.
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>

#include "app/cli/arguments.h"
#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/cluster/cluster.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/common/heap_reuse.h"
#include "sieve/version.h"

namespace {

// SIGINT cancels the running job cleanly (what is finished is saved); a
// second SIGINT falls back to the default (kill).
sieve::CancelToken g_cancel;

extern "C" void onSigint(int) {
    g_cancel.cancel();  // one lock-free atomic store: async-signal-safe
    std::signal(SIGINT, SIG_DFL);
}

void printUsage(std::ostream& out) {
    out << "usage: sieve <command> [options]    (sieve <command> --help for its options)\n\n"
           "Task-specific pruning of LLMs with LLM-Sieve, headless.\n\ncommands:\n";
    for (const auto& c : sieve::cli::commandSummaries()) {
        std::string name = c.name;
        out << "  " << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\nexit codes: 0 success, 1 usage error, 2 bad input (the file, key or line is named),\n"
           "            3 cancelled (Ctrl-C; finished results are saved), 4 other failure\n";
}

// Runs one command; the exit code.
int runCommand(const std::string& name, const std::vector<std::string>& args) {
    std::signal(SIGINT, onSigint);
    try {
        return sieve::cli::runCommand(name, args, g_cancel);
    } catch (const sieve::cli::UsageError& e) {
        std::cerr << e.what() << "\n";
        return sieve::cli::kUsage;
    } catch (const sieve::Cancelled&) {
        std::cerr << "sieve " << name << ": cancelled; finished results were saved\n";
        return sieve::cli::kCancelled;
    } catch (const sieve::InputError& e) {
        std::cerr << "sieve " << name << ": error: " << e.what() << "\n";
        return sieve::cli::kBadInput;
    } catch (const sieve::StorageError& e) {
        std::cerr << "sieve " << name << ": failed: " << e.what()
                  << " (results finished before this were saved)\n";
        return sieve::cli::kFailure;
    } catch (const std::exception& e) {
        std::cerr << "sieve " << name << ": failed: " << e.what() << "\n";
        return sieve::cli::kFailure;
    }
}

}  // namespace

int main(int argc, char** argv) {
    sieve::reuseFreedHeapMemory();
    // Under mpirun or srun: join the run's ranks before anything else.
    const std::unique_ptr<sieve::Cluster> cluster = sieve::joinCluster(&argc, &argv);
    const bool ranks = cluster && cluster->size() > 1;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printUsage(std::cout);
        return args.empty() ? sieve::cli::kUsage : sieve::cli::kOk;
    }
    if (args[0] == "--version") {
        std::cout << "sieve " << SIEVE_VERSION_STRING << " (libtorch " << sieve::torchVersion() << ", device "
                  << sieve::resolveDevice("auto") << (sieve::clusterSupport() ? ", MPI" : "") << ", "
                  << sieve::heapAllocatorName() << ")\n";
        return sieve::cli::kOk;
    }
    for (const auto& c : sieve::cli::commandSummaries()) {
        if (args[0] != c.name) continue;
        if (ranks && !sieve::cli::runsOnRanks(c.name)) {
            // Every rank would write the same session: refuse, on every rank alike.
            if (cluster->isRoot())
                std::cerr << "sieve " << c.name
                          << ": runs as one process; under mpirun or srun only `ga`, `sensitivity` "
                          << "and `run` spread their work over ranks\n";
            return sieve::cli::kUsage;
        }
        sieve::cli::useCluster(cluster.get());
        const int code = runCommand(c.name, std::vector<std::string>(args.begin() + 1, args.end()));
        // A rank that failed would leave the others waiting for it: end them
        // all (the session on disk stays whole: it is only ever replaced by
        // a finished file).
        if (ranks && code != sieve::cli::kOk) {
            std::cerr << "sieve " << c.name << ": rank " << cluster->rank() << " of " << cluster->size()
                      << " ends the run (exit " << code << ")\n";
            cluster->abort(code);
        }
        return code;
    }
    std::cerr << "sieve: unknown command '" << args[0] << "'\n\n";
    printUsage(std::cerr);
    return sieve::cli::kUsage;
}

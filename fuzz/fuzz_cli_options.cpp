// `sieve <command> <options...>` up to the point where files would be
// opened: the input is the argument list, NUL-separated, its first item the
// command (an unknown one picks a command by its first byte). A command line
// may only end in a usage error (exit 1) or bad input (exit 2); one that is
// accepted carries only settings the engine accepts.
#include <cstdio>
#include <cstdlib>

#include "app/cli/arguments.h"
#include "app/cli/command_line.h"
#include "core/common/error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args;
    std::string item;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.push_back(item);
            item.clear();
        } else {
            item.push_back(char(data[i]));
        }
    }
    args.push_back(item);
    const auto& commands = sieve::cli::commandSummaries();
    std::string command = args.front();
    bool known = false;
    for (const auto& c : commands) known |= command == c.name;
    if (!known) command = commands[size_t(command.empty() ? 0 : uint8_t(command[0])) % commands.size()].name;
    args.erase(args.begin());
    try {
        const sieve::cli::CommandLine line = sieve::cli::parseCommandLine(command, args);
        if (line.hasSettings) sieve::validateRunSettings(line.settings);
        if (!(line.heldOut >= 0 && line.heldOut <= 0.99)) {
            std::fprintf(stderr, "--held-out %f accepted outside [0, 0.99]\n", line.heldOut);
            std::abort();
        }
    } catch (const sieve::cli::UsageError&) {
    } catch (const sieve::InputError&) {
    }
    return 0;
}

// sieve: the headless command line on the same core as the workbench.
#include <iostream>

#include "core/common/device.h"
#include "sieve/version.h"

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "--version") {
        std::cout << "sieve " << SIEVE_VERSION_STRING << " (libtorch " << sieve::torchVersion() << ", device "
                  << sieve::resolveDevice("auto") << ")\n";
        return 0;
    }
    std::cerr << "usage: sieve --version\n";
    return 1;
}

// config.json -> ModelConfig. A config that is accepted must also survive
// the way back (export writes toHfJson(), and sieve reads it again).
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sieve::fuzz::writeInput("config.json", data, size);
    sieve::ModelConfig config;
    try {
        config = sieve::ModelConfig::fromHfFile(path);
    } catch (const sieve::InputError&) {
        return 0;
    }
    try {
        sieve::ModelConfig::fromHfJson(config.toHfJson(), "exported config.json");
    } catch (const sieve::InputError& e) {
        std::fprintf(stderr, "an accepted config does not read back after export: %s\n", e.what());
        std::abort();
    }
    return 0;
}

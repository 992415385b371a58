// model.safetensors (beside a fixed config.json of a tiny Llama) -> the
// model: header, dtypes, shapes, offsets, then the transformer built from it.
#include "core/common/torch_compat.h"

#include <fstream>
#include <iterator>

#include "core/common/error.h"
#include "core/model/model.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    torch::set_num_threads(1);
    std::ifstream in(SIEVE_SOURCE_DIR "/tests/fixtures/checkpoints/tiny_llama/config.json");
    sieve::fuzz::writeInput("config.json", std::string(std::istreambuf_iterator<char>(in), {}));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sieve::fuzz::writeInput("model.safetensors", data, size);
    sieve::LoadOptions options;
    options.device.device = "cpu";
    try {
        sieve::Model::load(sieve::fuzz::folder(), options);
    } catch (const sieve::InputError&) {
    }
    return 0;
}

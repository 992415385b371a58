// A llama2.c checkpoint (.bin: 7-int32 header, then the weights) -> the model.
#include "core/common/torch_compat.h"

#include "core/common/error.h"
#include "core/model/model.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sieve::fuzz::writeInput("model.bin", data, size);
    sieve::LoadOptions options;
    options.device.device = "cpu";
    try {
        sieve::Model::load(path, options);
    } catch (const sieve::InputError&) {
    }
    return 0;
}

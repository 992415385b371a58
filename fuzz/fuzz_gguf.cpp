// A .gguf file -> the model (config, every tensor dequantized, the
// transformer built) and the tokenizer embedded in it, then one encode.
#include "core/common/torch_compat.h"

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sieve::fuzz::writeInput("model.gguf", data, size);
    sieve::LoadOptions options;
    options.device.device = "cpu";
    try {
        sieve::Model::load(path, options);
    } catch (const sieve::InputError&) {
    }
    try {
        const auto tokenizer = sieve::Tokenizer::load(path);
        tokenizer->decode(tokenizer->encode("Hello world, 1234 Grüße", true));
    } catch (const sieve::InputError&) {
    }
    return 0;
}

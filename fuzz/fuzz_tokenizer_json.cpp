// tokenizer.json -> Tokenizer, then encode and decode. The input is the file,
// optionally followed by "\xff\xfe" and a text to encode (bytes that never
// occur in valid UTF-8 JSON); without one a fixed multilingual text is used.
// Besides not crashing: every id encode returns is inside the vocabulary,
// and every id inside it decodes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto [json, text] = sieve::fuzz::splitAt(data, size, "\xff\xfe");
    if (text.empty()) text = "Hello world! Grüße aus München, 1234 今天 <s> </s> <|endoftext|>  x";
    const std::string path = sieve::fuzz::writeInput("tokenizer.json", json);
    std::unique_ptr<sieve::Tokenizer> tokenizer;
    try {
        tokenizer = sieve::Tokenizer::load(path);
    } catch (const sieve::InputError&) {
        return 0;
    }
    tokenizer->describe();
    const int64_t vocab = tokenizer->vocabSize();
    std::vector<int64_t> ids;
    try {
        ids = tokenizer->encode(text, true);
    } catch (const sieve::InputError&) {
        return 0;  // invalid UTF-8 in the text: refused, as HF does
    }
    for (int64_t id : ids)
        if (id < 0 || id >= vocab) {
            std::fprintf(stderr, "encode returned id %lld outside the vocabulary of %lld\n", (long long)id,
                         (long long)vocab);
            std::abort();
        }
    tokenizer->decode(ids, true);
    tokenizer->decode(ids, false);
    std::vector<int64_t> every;
    for (int64_t id = 0; id < std::min<int64_t>(vocab, 512); ++id) every.push_back(id);
    if (vocab > 0) every.push_back(vocab - 1);
    tokenizer->decode(every, false);
    return 0;
}

// A task file (JSONL, with its header line) -> Task, then every prompt
// tokenized with the demo model's tokenizer as an evaluation would.
#include <memory>

#include "core/common/error.h"
#include "core/task/task_file.h"
#include "core/task/task_tokens.h"
#include "core/tokenizer/tokenizer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::unique_ptr<sieve::Tokenizer> tokenizer =
        sieve::Tokenizer::load(SIEVE_SOURCE_DIR "/resources/demo/tokenizer.json");
    const std::string path = sieve::fuzz::writeInput("task.jsonl", data, size);
    sieve::Task task;
    try {
        task = sieve::loadTask(path);
    } catch (const sieve::InputError&) {
        return 0;
    }
    try {
        for (const bool calibration : {true, false})
            for (const sieve::TaskExample& example : task.split(calibration)) {
                if (task.spec.kind == sieve::TaskKind::Perplexity)
                    sieve::textTokens(example, tokenizer.get());
                else
                    sieve::promptTokens(example, task.spec, tokenizer.get());
            }
        sieve::calibrationBatches(task, tokenizer.get(), 64);
    } catch (const sieve::InputError&) {
        // text the tokenizer refuses (invalid UTF-8 is refused earlier, by the reader)
    }
    return 0;
}

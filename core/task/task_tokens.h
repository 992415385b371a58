#pragma once
// Turning task examples into token ids, the same way for evaluation and for
// calibration. Examples that carry `ids` are used as they are; text needs a
// tokenizer (InputError otherwise, naming the example's file and line).
#include <cstdint>
#include <string>
#include <vector>

#include "core/task/task.h"

namespace sieve {

class Tokenizer;

// BOS + few-shot prefix + prompt (generate and choice).
std::vector<int64_t> promptTokens(const TaskExample& example, const TaskSpec& spec,
                                  const Tokenizer* tokenizer);
// The tokens of `continuation` as they follow `context` (lm-evaluation-harness:
// encode(context + continuation) minus encode(context), so that merges across
// the seam and a SentencePiece word-start marker are right).
std::vector<int64_t> continuationTokens(const std::string& context, const std::string& continuation,
                                        const Tokenizer* tokenizer);
// BOS + text (perplexity), or the example's ids.
std::vector<int64_t> textTokens(const TaskExample& example, const Tokenizer* tokenizer);

// The calibration stream: one token sequence per example of the calibration
// split (or the evaluation split when `calibrationSplit` is false): prompt +
// first answer (generate), prompt + correct choice (choice), the text
// (perplexity). Sequences longer than maxLength (> 0) are cut to it.
std::vector<std::vector<int64_t>> calibrationBatches(const Task& task, const Tokenizer* tokenizer,
                                                     int64_t maxLength = 0, bool calibrationSplit = true);

// A sequence a model learns from (LoRA recovery): the prompt and its
// answer as calibration reads them, with where the answer begins, so that a
// teacher-forced loss counts the answer tokens only.
struct AnswerSequence {
    std::vector<int64_t> ids;
    size_t answerStart = 0;  // ids[answerStart..] are the answer (perplexity: 1, after BOS)
};
// One per example of the calibration split (see calibrationBatches):
// generate tasks learn the first answer followed by the first stop string,
// so that a model learns to stop where the task stops reading. Sequences
// are cut to maxLength (> 0); ones left without an answer token are skipped.
std::vector<AnswerSequence> answerSequences(const Task& task, const Tokenizer* tokenizer,
                                            int64_t maxLength = 0);

// The place an example came from, for messages: "file:line".
std::string exampleLocation(const TaskExample& example);

}  // namespace sieve

#include "core/task/task_tokens.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"

namespace sieve {

namespace {

const Tokenizer& requireTokenizer(const Tokenizer* tokenizer, const TaskExample& example) {
    if (!tokenizer)
        throw InputError(exampleLocation(example) +
                         ": the example holds text but the model has no tokenizer (use token-id fields)");
    return *tokenizer;
}

}  // namespace

std::string exampleLocation(const TaskExample& example) {
    return example.file + ":" + std::to_string(example.line);
}

std::vector<int64_t> promptTokens(const TaskExample& example, const TaskSpec& spec,
                                  const Tokenizer* tokenizer) {
    if (!example.promptIds.empty()) return example.promptIds;
    return requireTokenizer(tokenizer, example).encode(spec.fewShotPrefix + example.prompt, true);
}

std::vector<int64_t> continuationTokens(const std::string& context, const std::string& continuation,
                                        const Tokenizer* tokenizer) {
    const std::vector<int64_t> whole = tokenizer->encode(context + continuation, true);
    const std::vector<int64_t> head = tokenizer->encode(context, true);
    if (whole.size() > head.size() && std::equal(head.begin(), head.end(), whole.begin()))
        return std::vector<int64_t>(whole.begin() + static_cast<std::ptrdiff_t>(head.size()), whole.end());
    // The context's last token merged with the continuation: fall back to the
    // continuation encoded alone.
    return tokenizer->encode(continuation, false);
}

std::vector<int64_t> textTokens(const TaskExample& example, const Tokenizer* tokenizer) {
    if (!example.ids.empty()) return example.ids;
    return requireTokenizer(tokenizer, example).encode(example.text, true);
}

namespace {

// Prompt + answer of one example; `withStop` appends a generate task's first
// stop string to the answer.
AnswerSequence answerSequenceOf(const TaskExample& ex, const TaskSpec& spec, const Tokenizer* tokenizer,
                                bool withStop) {
    AnswerSequence out;
    switch (spec.kind) {
        case TaskKind::Generate: {
            out.ids = promptTokens(ex, spec, tokenizer);
            std::vector<int64_t> answer;
            if (!ex.answerIds.empty()) {
                answer = ex.answerIds.front();
            } else if (!ex.answers.empty()) {
                const std::string stop =
                    withStop && !spec.stopStrings.empty() ? spec.stopStrings.front() : "";
                answer = continuationTokens(spec.fewShotPrefix + ex.prompt, ex.answers.front() + stop,
                                            &requireTokenizer(tokenizer, ex));
            }
            out.answerStart = out.ids.size();
            out.ids.insert(out.ids.end(), answer.begin(), answer.end());
            break;
        }
        case TaskKind::Choice: {
            out.ids = promptTokens(ex, spec, tokenizer);
            const auto answer = continuationTokens(spec.fewShotPrefix + ex.prompt, ex.choices.at(ex.label),
                                                   &requireTokenizer(tokenizer, ex));
            out.answerStart = out.ids.size();
            out.ids.insert(out.ids.end(), answer.begin(), answer.end());
            break;
        }
        case TaskKind::Perplexity:
            out.ids = textTokens(ex, tokenizer);
            out.answerStart = std::min<size_t>(1, out.ids.size());
            break;
    }
    return out;
}

}  // namespace

std::vector<std::vector<int64_t>> calibrationBatches(const Task& task, const Tokenizer* tokenizer,
                                                     int64_t maxLength, bool calibrationSplit) {
    std::vector<std::vector<int64_t>> out;
    for (const TaskExample& ex : task.split(calibrationSplit)) {
        std::vector<int64_t> seq = answerSequenceOf(ex, task.spec, tokenizer, false).ids;
        if (maxLength > 0 && int64_t(seq.size()) > maxLength) seq.resize(static_cast<size_t>(maxLength));
        if (!seq.empty()) out.push_back(std::move(seq));
    }
    return out;
}

std::vector<AnswerSequence> answerSequences(const Task& task, const Tokenizer* tokenizer, int64_t maxLength) {
    std::vector<AnswerSequence> out;
    for (const TaskExample& ex : task.calibration) {
        AnswerSequence seq = answerSequenceOf(ex, task.spec, tokenizer, true);
        if (maxLength > 0 && int64_t(seq.ids.size()) > maxLength)
            seq.ids.resize(static_cast<size_t>(maxLength));
        if (seq.answerStart < seq.ids.size()) out.push_back(std::move(seq));
    }
    return out;
}

}  // namespace sieve

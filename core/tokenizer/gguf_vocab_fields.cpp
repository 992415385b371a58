#include "core/tokenizer/gguf_vocab_fields.h"

#include <cstdio>

#include "core/common/error.h"
#include "core/tokenizer/gguf_metadata.h"

namespace sieve::tok {

GgufVocabFields GgufVocabFields::read(const std::string& path) {
    const GgufMetadata meta = GgufMetadata::read(path);
    const auto fail = [&](const std::string& cause) -> void { throw FormatError(path, cause); };
    GgufVocabFields v;
    v.path = path;
    const auto model = meta.string("tokenizer.ggml.model");
    if (!model) fail("no tokenizer.ggml.model: the file holds no vocabulary");
    if (*model != "llama" && *model != "gpt2")
        fail("tokenizer model '" + *model + "' is not supported (only llama and gpt2)");
    v.model = *model;
    v.tokens = meta.strings("tokenizer.ggml.tokens");
    if (v.tokens.empty()) fail("tokenizer.ggml.tokens is missing or empty");
    const size_t n = v.tokens.size();
    const std::vector<double> types = meta.numbers("tokenizer.ggml.token_type");
    if (!types.empty() && types.size() != n)
        fail("tokenizer.ggml.token_type has " + std::to_string(types.size()) + " entries for " +
             std::to_string(n) + " tokens");
    v.types.assign(n, Normal);
    for (size_t i = 0; i < types.size(); ++i) v.types[i] = static_cast<int>(types[i]);
    const auto idKey = [&](const char* key) -> std::optional<int64_t> {
        const auto id = meta.integer(key);
        if (id && (*id < 0 || static_cast<size_t>(*id) >= n))
            fail(std::string(key) + " = " + std::to_string(*id) + " is outside the vocabulary");
        return id;
    };
    v.bos = idKey("tokenizer.ggml.bos_token_id");
    v.eos = idKey("tokenizer.ggml.eos_token_id");
    v.unk = idKey("tokenizer.ggml.unknown_token_id");
    v.pad = idKey("tokenizer.ggml.padding_token_id");
    v.chatTemplate = meta.string("tokenizer.chat_template");

    v.preName = meta.string("tokenizer.ggml.pre").value_or("default");
    if (v.isSentencePiece()) {
        const std::vector<double> scores = meta.numbers("tokenizer.ggml.scores");
        if (scores.size() != n)
            fail("tokenizer.ggml.scores has " + std::to_string(scores.size()) + " entries for " +
                 std::to_string(n) + " tokens");
        v.scores.assign(scores.begin(), scores.end());
        v.addSpacePrefix = meta.boolean("tokenizer.ggml.add_space_prefix").value_or(true);
    } else {
        v.pre = ggufPreTokenizer(v.preName);
        if (!v.pre) {
            std::string known;
            for (const auto& name : ggufPreTokenizerNames()) known += (known.empty() ? "" : ", ") + name;
            fail("tokenizer.ggml.pre '" + v.preName + "' is not supported (known: " + known + ")");
        }
        if (v.pre->noBos) v.bos.reset();
        v.merges = meta.strings("tokenizer.ggml.merges");
        if (v.merges.empty()) fail("tokenizer.ggml.merges is missing (needed by model gpt2)");
    }
    v.addBos = meta.boolean("tokenizer.ggml.add_bos_token").value_or(v.isSentencePiece() || v.pre->addBos);
    v.addEos = meta.boolean("tokenizer.ggml.add_eos_token").value_or(false);
    if (v.addBos && !v.bos) fail("add_bos_token is set but tokenizer.ggml.bos_token_id is missing");
    if (v.addEos && !v.eos) fail("add_eos_token is set but tokenizer.ggml.eos_token_id is missing");
    return v;
}

std::optional<int> byteFallbackPiece(const std::string& token) {
    unsigned byte = 0;
    char close = 0;
    if (token.size() == 6 && std::sscanf(token.c_str(), "<0x%2X%c", &byte, &close) == 2 && close == '>')
        return static_cast<int>(byte);
    return std::nullopt;
}

}  // namespace sieve::tok

// A GGUF file's tokenizer.ggml.* vocabulary -> PipelineSpec.
//   model "llama": SentencePiece BPE as llama.cpp's SPM tokenizer does it: the
//     best-scoring adjacent pair merges first, "▁" for spaces (with a leading
//     one when add_space_prefix), <0xXX> byte tokens for unknown characters.
//   model "gpt2": byte-level BPE with tokenizer.ggml.merges and the
//     pre-tokenizer regexes named by tokenizer.ggml.pre (gguf_pre_tokenizers.cpp).
// CONTROL / USER_DEFINED tokens are cut out of the text first, as Hugging Face
// does for added tokens (llama.cpp with parse_special).
#include <cstdio>
#include <unordered_map>

#include "core/common/error.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/gguf_metadata.h"
#include "core/tokenizer/gguf_pre_tokenizers.h"
#include "core/tokenizer/loaders.h"
#include "core/tokenizer/pipeline_tokenizer.h"

namespace sieve::tok {
namespace {

// llama.cpp's token types.
enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

constexpr const char* kMarker = "\xE2\x96\x81";  // ▁

}  // namespace

std::unique_ptr<Tokenizer> loadGgufTokenizer(const std::string& path) {
    const GgufMetadata meta = GgufMetadata::read(path);
    const auto fail = [&](const std::string& cause) -> void { throw FormatError(path, cause); };
    const auto model = meta.string("tokenizer.ggml.model");
    if (!model) fail("no tokenizer.ggml.model: the file holds no vocabulary");
    if (*model != "llama" && *model != "gpt2")
        fail("tokenizer model '" + *model + "' is not supported (only llama and gpt2)");
    const std::vector<std::string> tokens = meta.strings("tokenizer.ggml.tokens");
    if (tokens.empty()) fail("tokenizer.ggml.tokens is missing or empty");
    const size_t n = tokens.size();
    std::vector<double> types = meta.numbers("tokenizer.ggml.token_type");
    if (types.empty()) types.assign(n, Normal);
    if (types.size() != n)
        fail("tokenizer.ggml.token_type has " + std::to_string(types.size()) + " entries for " +
             std::to_string(n) + " tokens");
    const auto idKey = [&](const char* key) -> std::optional<int64_t> {
        const auto id = meta.integer(key);
        if (id && (*id < 0 || static_cast<size_t>(*id) >= n))
            fail(std::string(key) + " = " + std::to_string(*id) + " is outside the vocabulary");
        return id;
    };

    const bool isSpm = *model == "llama";
    const std::string preName = meta.string("tokenizer.ggml.pre").value_or("default");
    std::optional<GgufPreTokenizer> pre;
    if (!isSpm) {
        pre = ggufPreTokenizer(preName);
        if (!pre) {
            std::string known;
            for (const auto& name : ggufPreTokenizerNames()) known += (known.empty() ? "" : ", ") + name;
            fail("tokenizer.ggml.pre '" + preName + "' is not supported (known: " + known + ")");
        }
    }

    PipelineSpec spec;
    spec.source = path;
    spec.format = "GGUF vocabulary (tokenizer.ggml.model " + *model +
                  (isSpm ? std::string() : ", tokenizer.ggml.pre " + preName) + ")";
    spec.tokens = tokens;
    spec.bos = idKey("tokenizer.ggml.bos_token_id");
    if (pre && pre->noBos) spec.bos.reset();
    spec.eos = idKey("tokenizer.ggml.eos_token_id");
    for (size_t id = 0; id < n; ++id) {
        const int t = static_cast<int>(types[id]);
        if (t == Control || t == Unknown || t == UserDefined)
            spec.added.push_back({static_cast<int32_t>(id), tokens[id], t != UserDefined, true});
    }
    const bool addBos = meta.boolean("tokenizer.ggml.add_bos_token").value_or(isSpm || pre->addBos);
    const bool addEos = meta.boolean("tokenizer.ggml.add_eos_token").value_or(false);
    if (addBos && !spec.bos) fail("add_bos_token is set but tokenizer.ggml.bos_token_id is missing");
    if (addEos && !spec.eos) fail("add_eos_token is set but tokenizer.ggml.eos_token_id is missing");
    if (addBos || addEos) {
        std::vector<int32_t> before, after;
        if (addBos) before.push_back(static_cast<int32_t>(*spec.bos));
        if (addEos) after.push_back(static_cast<int32_t>(*spec.eos));
        spec.postProcessor.add(std::string("add_bos_token=") + (addBos ? "true" : "false") +
                                   ", add_eos_token=" + (addEos ? "true" : "false"),
                               before, after);
    }

    BpeModel::Options options;
    options.byteFallback.fill(-1);
    std::vector<std::string> pieces(n);
    PairMergeMap merges;
    if (isSpm) {
        const std::vector<double> scores = meta.numbers("tokenizer.ggml.scores");
        if (scores.size() != n)
            fail("tokenizer.ggml.scores has " + std::to_string(scores.size()) + " entries for " +
                 std::to_string(n) + " tokens");
        std::vector<float> score(scores.begin(), scores.end());
        std::vector<bool> mergeable(n);
        for (size_t id = 0; id < n; ++id) {
            const int t = static_cast<int>(types[id]);
            mergeable[id] = t == Normal;
            if (t == Normal) pieces[id] = tokens[id];
            unsigned byte = 0;
            char close = 0;
            if (t == Byte && tokens[id].size() == 6 &&
                std::sscanf(tokens[id].c_str(), "<0x%2X%c", &byte, &close) == 2 && close == '>') {
                options.byteFallback[byte] = static_cast<int32_t>(id);
                options.hasByteFallback = true;
            }
        }
        merges = scoreMerges(pieces, score, mergeable);
        options.alphabet = BpeModel::Alphabet::Chars;
        if (const auto unk = idKey("tokenizer.ggml.unknown_token_id"))
            options.unkId = static_cast<int32_t>(*unk);
        const bool spacePrefix = meta.boolean("tokenizer.ggml.add_space_prefix").value_or(true);
        if (spacePrefix) spec.normalizer.add(prependNormalizer(kMarker));
        spec.normalizer.add(replaceNormalizer(" ", false, kMarker, path));
        spec.wordMarker = kMarker;
        spec.decoder.add(replaceDecoder(kMarker, false, " ", path));
        spec.decoder.add(byteFallbackDecoder());
        spec.decoder.add(fuseDecoder());
        if (spacePrefix) spec.decoder.add(stripDecoder(" ", 1, 0));
    } else {
        for (const std::string& regex : pre->regexes)
            spec.preTokenizer.add(splitPreTokenizer(regex, true, SplitBehavior::Isolated, false, path));
        spec.preTokenizer.add(byteLevelPreTokenizer(false, false));
        spec.preTokenizer.finish(true);
        options.alphabet = BpeModel::Alphabet::Bytes;
        options.ignoreMerges = pre->ignoreMerges;
        std::unordered_map<std::string, int32_t> ids;
        for (size_t id = 0; id < n; ++id) {
            ids.emplace(tokens[id], static_cast<int32_t>(id));
            const int t = static_cast<int>(types[id]);
            if (t == Normal || t == Byte)
                if (auto raw = byteLevelToBytes(tokens[id])) pieces[id] = std::move(*raw);
        }
        const std::vector<std::string> mergeLines = meta.strings("tokenizer.ggml.merges");
        if (mergeLines.empty()) fail("tokenizer.ggml.merges is missing (needed by model gpt2)");
        for (size_t rank = 0; rank < mergeLines.size(); ++rank) {
            const std::string& line = mergeLines[rank];
            const size_t space = line.find(' ');
            if (space == std::string::npos)
                fail("tokenizer.ggml.merges[" + std::to_string(rank) + "] has no space");
            const std::string left = line.substr(0, space), right = line.substr(space + 1);
            const auto a = ids.find(left), b = ids.find(right), ab = ids.find(left + right);
            if (a == ids.end() || b == ids.end() || ab == ids.end())
                fail("tokenizer.ggml.merges[" + std::to_string(rank) + "] '" + line +
                     "' uses a token not in the vocabulary");
            merges.insert(a->second, b->second, {static_cast<int32_t>(rank), ab->second});
        }
        spec.decoder.add(byteLevelDecoder());
    }
    return std::make_unique<PipelineTokenizer>(
        std::move(spec), std::make_unique<BpeModel>(std::move(pieces), std::move(merges), options));
}

}  // namespace sieve::tok

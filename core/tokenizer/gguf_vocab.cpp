// A GGUF file's tokenizer.ggml.* vocabulary -> PipelineSpec.
//   model "llama": SentencePiece BPE as llama.cpp's SPM tokenizer does it: the
//     best-scoring adjacent pair merges first, "▁" for spaces (with a leading
//     one when add_space_prefix), <0xXX> byte tokens for unknown characters.
//   model "gpt2": byte-level BPE with tokenizer.ggml.merges and the
//     pre-tokenizer regexes named by tokenizer.ggml.pre (gguf_pre_tokenizers.cpp).
// CONTROL / USER_DEFINED tokens are cut out of the text first, as Hugging Face
// does for added tokens (llama.cpp with parse_special).
#include <unordered_map>

#include "core/common/error.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/gguf_vocab_fields.h"
#include "core/tokenizer/loaders.h"
#include "core/tokenizer/pipeline_tokenizer.h"

namespace sieve::tok {
namespace {

constexpr const char* kMarker = "\xE2\x96\x81";  // ▁

}  // namespace

std::unique_ptr<Tokenizer> loadGgufTokenizer(const std::string& path) {
    using T = GgufVocabFields;
    const GgufVocabFields vocab = GgufVocabFields::read(path);
    const auto fail = [&](const std::string& cause) -> void { throw FormatError(path, cause); };
    const std::vector<std::string>& tokens = vocab.tokens;
    const std::vector<int>& types = vocab.types;
    const size_t n = tokens.size();
    const bool isSpm = vocab.isSentencePiece();

    PipelineSpec spec;
    spec.source = path;
    spec.format = "GGUF vocabulary (tokenizer.ggml.model " + vocab.model +
                  (isSpm ? std::string() : ", tokenizer.ggml.pre " + vocab.preName) + ")";
    spec.tokens = tokens;
    spec.bos = vocab.bos;
    spec.eos = vocab.eos;
    for (size_t id = 0; id < n; ++id) {
        const int t = types[id];
        if (t == T::Control || t == T::Unknown || t == T::UserDefined)
            spec.added.push_back({static_cast<int32_t>(id), tokens[id], t != T::UserDefined, true});
    }
    if (vocab.addBos || vocab.addEos) {
        std::vector<int32_t> before, after;
        if (vocab.addBos) before.push_back(static_cast<int32_t>(*spec.bos));
        if (vocab.addEos) after.push_back(static_cast<int32_t>(*spec.eos));
        spec.postProcessor.add(std::string("add_bos_token=") + (vocab.addBos ? "true" : "false") +
                                   ", add_eos_token=" + (vocab.addEos ? "true" : "false"),
                               before, after);
    }

    BpeModel::Options options;
    options.byteFallback.fill(-1);
    std::vector<std::string> pieces(n);
    PairMergeMap merges;
    if (isSpm) {
        std::vector<bool> mergeable(n);
        for (size_t id = 0; id < n; ++id) {
            const int t = types[id];
            mergeable[id] = t == T::Normal;
            if (t == T::Normal) pieces[id] = tokens[id];
            if (const auto byte = byteFallbackPiece(tokens[id]); t == T::Byte && byte) {
                options.byteFallback[*byte] = static_cast<int32_t>(id);
                options.hasByteFallback = true;
            }
        }
        merges = scoreMerges(pieces, vocab.scores, mergeable);
        options.alphabet = BpeModel::Alphabet::Chars;
        if (vocab.unk) options.unkId = static_cast<int32_t>(*vocab.unk);
        if (vocab.addSpacePrefix) spec.normalizer.add(prependNormalizer(kMarker));
        spec.normalizer.add(replaceNormalizer(" ", false, kMarker, path));
        spec.wordMarker = kMarker;
        spec.decoder.add(replaceDecoder(kMarker, false, " ", path));
        spec.decoder.add(byteFallbackDecoder());
        spec.decoder.add(fuseDecoder());
        if (vocab.addSpacePrefix) spec.decoder.add(stripDecoder(" ", 1, 0));
    } else {
        for (const std::string& regex : vocab.pre->regexes)
            spec.preTokenizer.add(splitPreTokenizer(regex, true, SplitBehavior::Isolated, false, path));
        spec.preTokenizer.add(byteLevelPreTokenizer(false, false));
        spec.preTokenizer.finish(true);
        options.alphabet = BpeModel::Alphabet::Bytes;
        options.ignoreMerges = vocab.pre->ignoreMerges;
        std::unordered_map<std::string, int32_t> ids;
        for (size_t id = 0; id < n; ++id) {
            ids.emplace(tokens[id], static_cast<int32_t>(id));
            const int t = types[id];
            if (t == T::Normal || t == T::Byte)
                if (auto raw = byteLevelToBytes(tokens[id])) pieces[id] = std::move(*raw);
        }
        for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
            const std::string& line = vocab.merges[rank];
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

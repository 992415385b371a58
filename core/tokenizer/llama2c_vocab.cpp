// llama2.c tokenizer.bin -> PipelineSpec that encodes as run.c's encode():
// a dummy " " prepended to non-empty text, one symbol per UTF-8 character
// (or its bytes as ids byte+3 when the character is not a piece), then the
// best-scoring adjacent pair merged repeatedly, leftmost on ties. Ids 0, 1, 2
// are <unk>, BOS, EOS; they are never matched in the text (run.c does not).
#include <cstring>
#include <fstream>

#include "core/common/error.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/loaders.h"
#include "core/tokenizer/pipeline_tokenizer.h"
#include "core/types/input_file.h"

namespace sieve::tok {

std::unique_ptr<Tokenizer> loadLlama2cTokenizer(const std::string& path) {
    const std::string data = readInputFile(path, "tokenizer", kMaxTokenizerBytes);
    const auto fail = [&](const std::string& cause) { throw FormatError(path, cause); };
    size_t pos = 0;
    const auto readInt = [&](const char* what) {
        int32_t v;
        if (data.size() - pos < 4)
            fail(std::string("truncated at byte ") + std::to_string(pos) + " (" + what + ")");
        std::memcpy(&v, data.data() + pos, 4);
        pos += 4;
        return v;
    };
    const int32_t maxTokenLength = readInt("max_token_length");
    if (maxTokenLength <= 0 || maxTokenLength > 4096)
        fail("max_token_length " + std::to_string(maxTokenLength) +
             " is implausible: not a llama2.c tokenizer");
    std::vector<std::string> pieces;
    std::vector<float> scores;
    while (pos < data.size()) {
        const std::string what = "token " + std::to_string(pieces.size());
        float score;
        const int32_t bits = readInt(what.c_str());
        std::memcpy(&score, &bits, 4);
        const int32_t length = readInt(what.c_str());
        if (length < 0 || length > maxTokenLength || static_cast<size_t>(length) > data.size() - pos)
            fail(what + " has length " + std::to_string(length) + " (max_token_length " +
                 std::to_string(maxTokenLength) + ", " + std::to_string(data.size() - pos) + " bytes left)");
        pieces.emplace_back(data, pos, static_cast<size_t>(length));
        scores.push_back(score);
        pos += static_cast<size_t>(length);
    }
    if (pieces.size() < 259)
        fail("only " + std::to_string(pieces.size()) + " tokens: run.c needs <unk>, BOS, EOS and 256 bytes");

    PipelineSpec spec;
    spec.source = path;
    spec.format = "llama2.c tokenizer.bin";
    spec.tokens = pieces;
    spec.added = {{0, pieces[0], true, false}, {1, pieces[1], true, false}, {2, pieces[2], true, false}};
    spec.bos = 1;
    spec.eos = 2;
    spec.postProcessor.add("BOS (as run.c)", {1});
    spec.normalizer.add(prependNormalizer(" "));
    spec.wordMarker = " ";
    spec.llama2cDecode = true;

    BpeModel::Options options;
    options.alphabet = BpeModel::Alphabet::Chars;
    options.hasByteFallback = true;
    for (int b = 0; b < 256; ++b) options.byteFallback[b] = b + 3;
    PairMergeMap merges = scoreMerges(pieces, scores, std::vector<bool>(pieces.size(), true));
    return std::make_unique<PipelineTokenizer>(
        std::move(spec), std::make_unique<BpeModel>(std::move(pieces), std::move(merges), options));
}

}  // namespace sieve::tok

// tokenizer.json's "model" -> BpeModel, UnigramModel or WordPieceModel, with
// the options Hugging Face `tokenizers` serializes for each.
#include <cstdio>

#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/hf_json_reader.h"
#include "core/tokenizer/unigram_model.h"
#include "core/tokenizer/wordpiece_model.h"

namespace sieve::tok {
namespace {

// {"token": id, ...} -> id -> token (holes stay empty).
std::vector<std::string> vocabObject(const JsonReader& r, const json& model, const std::string& where) {
    if (!model.contains("vocab") || !model.at("vocab").is_object())
        r.fail(where + ": model.vocab is not an object");
    const json& vocab = model.at("vocab");
    int32_t maxId = -1;
    for (auto it = vocab.begin(); it != vocab.end(); ++it)
        maxId = std::max(maxId, r.tokenId(it.value(), where + ": vocab entry '" + it.key() + "'"));
    std::vector<std::string> pieces(static_cast<size_t>(maxId + 1));
    std::vector<bool> taken(pieces.size(), false);
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const auto id = static_cast<size_t>(it.value().get<int32_t>());
        // Two pieces on one id: encoding one of them would decode as the other.
        if (taken[id])
            r.fail(where + ": vocab entries '" + pieces[id] + "' and '" + it.key() + "' share the id " +
                   std::to_string(id));
        taken[id] = true;
        pieces[id] = it.key();
    }
    return pieces;
}

std::unique_ptr<TokenModel> readBpe(const JsonReader& r, const json& model, bool byteLevel,
                                    std::vector<std::string>& vocab) {
    const std::string where = "BPE model";
    if (model.contains("dropout") && !model.at("dropout").is_null() &&
        model.at("dropout").get<double>() != 0.0)
        r.fail(where + ": dropout is not supported (it makes the ids random)");
    vocab = vocabObject(r, model, where);
    PieceIndex ids;
    ids.build(vocab);

    BpeModel::Options options;
    options.alphabet = byteLevel ? BpeModel::Alphabet::Bytes : BpeModel::Alphabet::Chars;
    options.fuseUnk = r.flag(model, "fuse_unk", false);
    options.ignoreMerges = r.flag(model, "ignore_merges", false);
    // In the model's alphabet: raw bytes for byte-level vocabularies.
    const auto inAlphabet = [&](const std::string& s) {
        if (!byteLevel) return s;
        auto raw = byteLevelToBytes(s);
        return raw ? *raw : s;
    };
    const std::string prefix = r.str(model, "continuing_subword_prefix", where, "");
    options.continuingPrefix = inAlphabet(prefix);
    options.endOfWordSuffix = inAlphabet(r.str(model, "end_of_word_suffix", where, ""));
    if (model.contains("unk_token") && model.at("unk_token").is_string()) {
        const std::string& name = model.at("unk_token").get_ref<const std::string&>();
        const int32_t unk = ids.find(name);
        if (unk < 0) r.fail(where + ": unk_token '" + name + "' is not in the vocabulary");
        options.unkId = unk;
    }
    options.byteFallback.fill(-1);
    if (r.flag(model, "byte_fallback", false)) {
        options.hasByteFallback = true;
        for (int b = 0; b < 256; ++b) {
            char name[8];
            std::snprintf(name, sizeof(name), "<0x%02X>", b);
            options.byteFallback[b] = ids.find(name);
        }
    }

    // A merge "a b" makes a + b without b's continuing-subword prefix (HF's
    // BpeBuilder cuts that many bytes off b).
    PairMergeMap merges;
    std::string joined;
    const json& mergeList = r.array(model, "merges", where);
    for (size_t rank = 0; rank < mergeList.size(); ++rank) {
        const json& m = mergeList[rank];
        std::string left, right;
        if (m.is_string()) {
            const std::string& line = m.get_ref<const std::string&>();
            const size_t space = line.find(' ');
            if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                r.fail("merge " + std::to_string(rank) + " '" + line +
                       "' is not two tokens separated by one space");
            left = line.substr(0, space);
            right = line.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            r.fail("merge " + std::to_string(rank) + " is neither \"a b\" nor [\"a\", \"b\"]");
        }
        if (right.size() < prefix.size())
            r.fail("merge " + std::to_string(rank) + " '" + left + " " + right +
                   "': the right token is shorter than continuing_subword_prefix");
        joined.assign(left).append(right, prefix.size(), std::string::npos);
        const int32_t a = ids.find(left), b = ids.find(right), ab = ids.find(joined);
        if (a < 0 || b < 0 || ab < 0)
            r.fail("merge " + std::to_string(rank) + " '" + left + " " + right +
                   "' uses a token not in the vocabulary");
        merges.insert(a, b, {static_cast<int32_t>(rank), ab});
    }

    std::vector<std::string> pieces(vocab.size());
    for (size_t id = 0; id < vocab.size(); ++id) {
        if (!byteLevel) {
            pieces[id] = vocab[id];
        } else if (auto raw = byteLevelToBytes(vocab[id])) {
            pieces[id] = std::move(*raw);
        }
    }
    return std::make_unique<BpeModel>(std::move(pieces), std::move(merges), options);
}

// "vocab": [["piece", score], ...], the id is the position.
std::unique_ptr<TokenModel> readUnigram(const JsonReader& r, const json& model,
                                        std::vector<std::string>& vocab) {
    const std::string where = "Unigram model";
    std::vector<double> scores;
    for (const json& entry : r.array(model, "vocab", where)) {
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number())
            r.fail(where + ": vocab entry " + std::to_string(vocab.size()) + " is not [piece, score]");
        vocab.push_back(entry[0].get<std::string>());
        scores.push_back(entry[1].get<double>());
    }
    std::optional<int32_t> unk;
    if (model.contains("unk_id") && !model.at("unk_id").is_null()) {
        const int64_t id = r.integer(model, "unk_id", where, -1);
        if (id < 0 || static_cast<size_t>(id) >= vocab.size())
            r.fail(where + ": unk_id " + std::to_string(id) + " is outside the vocabulary");
        unk = static_cast<int32_t>(id);
    }
    return std::make_unique<UnigramModel>(vocab, std::move(scores), unk,
                                          r.flag(model, "byte_fallback", false), r.path());
}

std::unique_ptr<TokenModel> readWordPiece(const JsonReader& r, const json& model,
                                          std::vector<std::string>& vocab) {
    const std::string where = "WordPiece model";
    vocab = vocabObject(r, model, where);
    const std::string unkToken = r.str(model, "unk_token", where, "[UNK]");
    PieceIndex ids;
    ids.build(vocab);
    std::optional<int32_t> unk;
    if (const int32_t id = ids.find(unkToken); id >= 0) unk = id;
    const int64_t maxChars = r.integer(model, "max_input_chars_per_word", where, 100);
    if (maxChars < 0) r.fail(where + ": max_input_chars_per_word is negative");
    return std::make_unique<WordPieceModel>(vocab, unk, unkToken,
                                            r.str(model, "continuing_subword_prefix", where, "##"),
                                            static_cast<size_t>(maxChars), r.path());
}

}  // namespace

std::unique_ptr<TokenModel> readModel(const JsonReader& r, const json& model, bool byteLevel,
                                      std::vector<std::string>& vocab) {
    // Files from old `tokenizers` versions may leave out a BPE model's type.
    const std::string type = model.contains("type") ? r.type(model, "model") : "BPE";
    if (type == "BPE") return readBpe(r, model, byteLevel, vocab);
    if (type == "Unigram") return readUnigram(r, model, vocab);
    if (type == "WordPiece") return readWordPiece(r, model, vocab);
    r.fail("model type " + type + " is not supported (BPE, Unigram, WordPiece)");
}

}  // namespace sieve::tok

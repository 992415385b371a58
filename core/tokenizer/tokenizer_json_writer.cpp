#include "core/tokenizer/tokenizer_json_writer.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "core/tokenizer/gguf_vocab_fields.h"

namespace sieve::tok {
namespace {

using json = nlohmann::json;
using T = GgufVocabFields;

constexpr const char* kMarker = "\xE2\x96\x81";  // ▁

json split(const std::string& regex) {
    return {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}};
}

json bpeModel(const json& vocab, const json& merges, const json& unk, bool spm, bool ignoreMerges) {
    return {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", unk},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", spm},
            {"byte_fallback", spm},
            {"ignore_merges", ignoreMerges},
            {"vocab", vocab},
            {"merges", merges}};
}

// BOS before / EOS after the text, as the GGUF's add_bos_token / add_eos_token ask.
json templateProcessing(const GgufVocabFields& v) {
    if (!v.addBos && !v.addEos) return nullptr;
    json single = json::array(), pair = json::array(), specials = json::object();
    const auto special = [&](int64_t id, int typeId) {
        const std::string& name = v.tokens[size_t(id)];
        specials[name] = {{"id", name}, {"ids", {id}}, {"tokens", {name}}};
        return json{{"SpecialToken", {{"id", name}, {"type_id", typeId}}}};
    };
    const auto sequence = [](const char* id, int typeId) {
        return json{{"Sequence", {{"id", id}, {"type_id", typeId}}}};
    };
    for (int part = 0; part < 2; ++part) {
        json& out = part == 0 ? single : pair;
        for (int s = 0; s <= part; ++s) {
            if (v.addBos) out.push_back(special(*v.bos, s));
            out.push_back(sequence(s == 0 ? "A" : "B", s));
            if (v.addEos) out.push_back(special(*v.eos, s));
        }
    }
    return {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", specials}};
}

// SentencePiece "merge the best-scoring pair" as an ordered merge list: every
// split of a normal piece into two normal pieces, best score first (the pairs
// scoreMerges builds). Ties are ordered by the merged piece's id, then by the
// cut; llama.cpp instead merges the leftmost of equal-scored pairs.
json scoreMergeList(const GgufVocabFields& v, int64_t& tiedScores, bool& spaceInPiece) {
    std::unordered_map<std::string, int64_t> normal;
    for (size_t id = 0; id < v.tokens.size(); ++id)
        if (v.types[id] == T::Normal) normal.emplace(v.tokens[id], int64_t(id));
    std::vector<std::tuple<float, int64_t, size_t>> order;  // (score, merged id, cut)
    for (const auto& [piece, id] : normal)
        for (size_t cut = 1; cut < piece.size(); ++cut)
            if (normal.count(piece.substr(0, cut)) && normal.count(piece.substr(cut)))
                order.emplace_back(v.scores[size_t(id)], id, cut);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
        return std::make_pair(std::get<1>(a), std::get<2>(a)) <
               std::make_pair(std::get<1>(b), std::get<2>(b));
    });
    tiedScores = 0;
    for (size_t i = 1; i < order.size(); ++i)
        if (std::get<0>(order[i]) == std::get<0>(order[i - 1]) &&
            std::get<1>(order[i]) != std::get<1>(order[i - 1]))
            ++tiedScores;
    spaceInPiece = false;
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.reserve(order.size());
    for (const auto& [score, id, cut] : order) {
        const std::string& piece = v.tokens[size_t(id)];
        pairs.emplace_back(piece.substr(0, cut), piece.substr(cut));
        spaceInPiece = spaceInPiece || piece.find(' ') != std::string::npos;
    }
    json merges = json::array();
    for (auto& [a, b] : pairs) {
        // "a b" is what every version of tokenizers reads; ["a", "b"] only
        // from 0.20 on, needed only when a piece holds a space.
        if (spaceInPiece)
            merges.push_back({a, b});
        else
            merges.push_back(a + " " + b);
    }
    return merges;
}

}  // namespace

HfTokenizerFiles hfTokenizerFromGguf(const std::string& ggufPath) {
    const GgufVocabFields v = GgufVocabFields::read(ggufPath);
    HfTokenizerFiles files;
    const bool spm = v.isSentencePiece();

    json vocab = json::object();
    int64_t duplicates = 0;
    for (size_t id = 0; id < v.tokens.size(); ++id) {
        if (vocab.contains(v.tokens[id]))
            ++duplicates;  // a JSON object holds one id per string
        else
            vocab[v.tokens[id]] = int64_t(id);
    }
    if (duplicates > 0)
        files.notes.push_back(
            std::to_string(duplicates) +
            " GGUF tokens repeat an earlier token's text: tokenizer.json keeps the first id of each");

    json added = json::array();
    for (size_t id = 0; id < v.tokens.size(); ++id) {
        const int t = v.types[id];
        if (t != T::Control && t != T::Unknown && t != T::UserDefined) continue;
        added.push_back({{"id", int64_t(id)},
                         {"content", v.tokens[id]},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", t != T::UserDefined}});
    }

    json& tok = files.tokenizer;
    tok = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added}};
    if (spm) {
        json normalizers = json::array();
        if (v.addSpacePrefix) normalizers.push_back({{"type", "Prepend"}, {"prepend", kMarker}});
        normalizers.push_back({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kMarker}});
        tok["normalizer"] = {{"type", "Sequence"}, {"normalizers", normalizers}};
        tok["pre_tokenizer"] = nullptr;
        tok["post_processor"] = templateProcessing(v);
        json decoders = {{{"type", "Replace"}, {"pattern", {{"String", kMarker}}}, {"content", " "}},
                         {{"type", "ByteFallback"}},
                         {{"type", "Fuse"}}};
        if (v.addSpacePrefix)
            decoders.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
        tok["decoder"] = {{"type", "Sequence"}, {"decoders", decoders}};
        int64_t tied = 0;
        bool spaceInPiece = false;
        json merges = scoreMergeList(v, tied, spaceInPiece);
        if (tied > 0)
            files.notes.push_back(
                std::to_string(tied) +
                " merges share their score with another piece's: tokenizers ranks them by id, "
                "llama.cpp merges the leftmost first; encodings can differ where they meet");
        const json unk = v.unk ? json(v.tokens[size_t(*v.unk)]) : json(nullptr);
        tok["model"] = bpeModel(vocab, merges, unk, true, false);
    } else {
        json steps = json::array();
        for (const std::string& regex : v.pre->regexes) steps.push_back(split(regex));
        steps.push_back({{"type", "ByteLevel"},
                         {"add_prefix_space", false},
                         {"trim_offsets", true},
                         {"use_regex", false}});
        tok["normalizer"] = nullptr;
        tok["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", steps}};
        tok["post_processor"] = templateProcessing(v);
        tok["decoder"] = {
            {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
        tok["model"] = bpeModel(vocab, json(v.merges), nullptr, false, v.pre->ignoreMerges);
    }

    json& config = files.tokenizerConfig;
    config = {{"tokenizer_class", "PreTrainedTokenizerFast"},
              {"clean_up_tokenization_spaces", false},
              {"add_bos_token", v.addBos},
              {"add_eos_token", v.addEos}};
    const auto name = [&](const char* key, const std::optional<int64_t>& id) {
        if (id) config[key] = v.tokens[size_t(*id)];
    };
    name("bos_token", v.bos);
    name("eos_token", v.eos);
    name("unk_token", v.unk);
    name("pad_token", v.pad);
    if (v.chatTemplate) config["chat_template"] = *v.chatTemplate;
    return files;
}

}  // namespace sieve::tok

#include "core/demo/char_vocab.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace sieve::demo {

using nlohmann::json;

CharVocab::CharVocab() {
    pieces_ = {"<unk>", "<s>", "</s>", "\n"};
    for (int c = 0x20; c <= 0x7E; ++c) pieces_.push_back(std::string(1, char(c)));
    for (auto& id : idOfChar_) id = kUnkId;
    for (size_t i = 3; i < pieces_.size(); ++i)
        idOfChar_[static_cast<unsigned char>(pieces_[i][0])] = int64_t(i);
}

std::vector<int64_t> CharVocab::encode(const std::string& text) const {
    std::vector<int64_t> ids;
    ids.reserve(text.size());
    // One <unk> per non-ASCII character, as HF's char-level BPE gives: the
    // lead byte maps to <unk>, continuation bytes (10xxxxxx) are skipped.
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ids.push_back(idOfChar_[c]);
    return ids;
}

std::string CharVocab::decode(const std::vector<int64_t>& ids) const {
    std::string s;
    for (int64_t id : ids)
        if (id > kEosId && id < size()) s += pieces_[size_t(id)];
    return s;
}

json CharVocab::tokenizerJson() const {
    json vocab = json::object();
    for (size_t i = 0; i < pieces_.size(); ++i) vocab[pieces_[i]] = i;
    json added = json::array();
    for (int64_t id : {kUnkId, kBosId, kEosId})
        added.push_back({{"id", id},
                         {"content", pieces_[size_t(id)]},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    const json bos = {{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
    json post = {{"type", "TemplateProcessing"},
                 {"single", {bos, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                 {"pair",
                  {bos,
                   {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                   bos,
                   {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}}},
                 {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {kBosId}}, {"tokens", {"<s>"}}}}}}};
    json model = {{"type", "BPE"},
                  {"dropout", nullptr},
                  {"unk_token", "<unk>"},
                  {"continuing_subword_prefix", nullptr},
                  {"end_of_word_suffix", nullptr},
                  {"fuse_unk", false},
                  {"byte_fallback", false},
                  {"ignore_merges", false},
                  {"vocab", vocab},
                  {"merges", json::array()}};
    return {{"version", "1.0"},       {"truncation", nullptr},         {"padding", nullptr},
            {"added_tokens", added},  {"normalizer", nullptr},         {"pre_tokenizer", nullptr},
            {"post_processor", post}, {"decoder", {{"type", "Fuse"}}}, {"model", model}};
}

void CharVocab::writeTokenizerJson(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw FormatError(path, "cannot write tokenizer.json");
    out << tokenizerJson().dump(2) << '\n';
    if (!out) throw FormatError(path, "write failed");
}

}  // namespace sieve::demo

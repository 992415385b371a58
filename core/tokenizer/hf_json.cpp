// tokenizer.json -> PipelineSpec. Supports exactly the shapes the Llama-2,
// Llama-3.x and Qwen2/3 files use (and their obvious neighbours); anything else
// is a FormatError naming the component, never a silent difference in ids.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/common/error.h"
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/loaders.h"

namespace sieve::tok {
namespace {

using nlohmann::json;

// GPT-2's pre-tokenizer regex (ByteLevel with use_regex: true).
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class JsonReader {
public:
    explicit JsonReader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& cause) const { throw FormatError(path_, cause); }

    const std::string& str(const json& j, const char* key, const std::string& where) const {
        if (!j.is_object() || !j.contains(key) || !j.at(key).is_string())
            fail(where + ": expected a string '" + key + "'");
        return j.at(key).get_ref<const std::string&>();
    }
    bool flag(const json& j, const char* key, bool fallback) const {
        if (!j.contains(key) || j.at(key).is_null()) return fallback;
        if (!j.at(key).is_boolean()) fail(std::string("'") + key + "' is not a boolean");
        return j.at(key).get<bool>();
    }
    std::string type(const json& j, const std::string& where) const { return str(j, "type", where); }

    // {"String": s} -> s (or {"Regex": r} -> r when allowed, flagged by isRegex).
    std::string pattern(const json& j, const std::string& where, bool* isRegex) const {
        if (!j.contains("pattern") || !j.at("pattern").is_object()) fail(where + ": missing 'pattern'");
        const json& p = j.at("pattern");
        if (p.contains("String") && p.at("String").is_string()) {
            if (isRegex) *isRegex = false;
            return p.at("String").get<std::string>();
        }
        if (isRegex && p.contains("Regex") && p.at("Regex").is_string()) {
            *isRegex = true;
            return p.at("Regex").get<std::string>();
        }
        fail(where + ": pattern " + p.dump() + " is not supported");
    }

    // prepend_scheme "always" | "first" | "never"; older files: add_prefix_space.
    PipelineSpec::Metaspace::Prepend metaspacePrepend(const json& j) const {
        using P = PipelineSpec::Metaspace::Prepend;
        if (j.contains("prepend_scheme") && j.at("prepend_scheme").is_string()) {
            const std::string& s = j.at("prepend_scheme").get_ref<const std::string&>();
            if (s == "always") return P::Always;
            if (s == "first") return P::First;
            if (s == "never") return P::Never;
            fail("Metaspace prepend_scheme '" + s + "' is not supported");
        }
        return flag(j, "add_prefix_space", true) ? P::Always : P::Never;
    }

    void normalizer(const json& j, std::vector<NormalizerStep>& steps) const {
        if (j.is_null()) return;
        const std::string t = type(j, "normalizer");
        if (t == "Sequence") {
            for (const json& n : j.at("normalizers")) normalizer(n, steps);
        } else if (t == "NFC") {
            steps.push_back({NormalizerStep::Kind::Nfc, "", ""});
        } else if (t == "Prepend") {
            steps.push_back({NormalizerStep::Kind::Prepend, str(j, "prepend", "Prepend normalizer"), ""});
        } else if (t == "Replace") {
            steps.push_back({NormalizerStep::Kind::Replace, pattern(j, "Replace normalizer", nullptr),
                             str(j, "content", "Replace normalizer")});
        } else {
            fail("normalizer type " + t + " is not supported");
        }
    }

    void preTokenizer(const json& j, PipelineSpec& spec) const {
        if (j.is_null()) return;
        const std::string t = type(j, "pre_tokenizer");
        if (spec.byteLevel) fail("pre_tokenizer: " + t + " after ByteLevel is not supported");
        if (t == "Sequence") {
            for (const json& p : j.at("pretokenizers")) preTokenizer(p, spec);
        } else if (t == "Split") {
            bool isRegex = false;
            std::string p = pattern(j, "Split pre-tokenizer", &isRegex);
            if (!isRegex) p = "\\Q" + p + "\\E";
            const std::string behavior = str(j, "behavior", "Split pre-tokenizer");
            if (behavior != "Isolated" || flag(j, "invert", false))
                fail("Split pre-tokenizer with behavior " + behavior +
                     (flag(j, "invert", false) ? " (inverted)" : "") + " is not supported (only Isolated)");
            spec.splitPatterns.push_back(p);
        } else if (t == "Metaspace") {
            if (!spec.splitPatterns.empty() || spec.metaspace.enabled)
                fail("pre_tokenizer: Metaspace combined with other pre-tokenizers is not supported");
            spec.metaspace.enabled = true;
            spec.metaspace.replacement = str(j, "replacement", "Metaspace pre-tokenizer");
            spec.metaspace.prepend = metaspacePrepend(j);
            spec.metaspace.split = flag(j, "split", true);
        } else if (t == "ByteLevel") {
            if (flag(j, "add_prefix_space", false))
                fail("ByteLevel pre-tokenizer with add_prefix_space is not supported");
            if (flag(j, "use_regex", true)) spec.splitPatterns.push_back(kGpt2Pattern);
            spec.byteLevel = true;
        } else {
            fail("pre_tokenizer type " + t + " is not supported");
        }
    }

    // TemplateProcessing "single" -> the ids before and after the sequence.
    void postProcessor(const json& j, PipelineSpec& spec) const {
        if (j.is_null()) return;
        const std::string t = type(j, "post_processor");
        if (t == "Sequence") {
            for (const json& p : j.at("processors")) postProcessor(p, spec);
        } else if (t == "ByteLevel") {
            // Only adjusts offsets; ids are unchanged.
        } else if (t == "TemplateProcessing") {
            if (!spec.prefixIds.empty() || !spec.suffixIds.empty())
                fail("post_processor: two TemplateProcessing steps are not supported");
            bool seenSequence = false;
            for (const json& piece : j.at("single")) {
                if (piece.contains("Sequence")) {
                    if (str(piece.at("Sequence"), "id", "TemplateProcessing") != "A")
                        fail("TemplateProcessing: single template uses sequence B");
                    seenSequence = true;
                } else if (piece.contains("SpecialToken")) {
                    const std::string& name = str(piece.at("SpecialToken"), "id", "TemplateProcessing");
                    const json& specials = j.at("special_tokens");
                    if (!specials.contains(name))
                        fail("TemplateProcessing: special token " + name + " is not defined");
                    auto& target = seenSequence ? spec.suffixIds : spec.prefixIds;
                    for (const json& id : specials.at(name).at("ids")) target.push_back(id.get<int32_t>());
                } else {
                    fail("TemplateProcessing: unknown template piece " + piece.dump());
                }
            }
        } else {
            fail("post_processor type " + t + " is not supported");
        }
    }

    void decoder(const json& j, std::vector<DecoderStep>& steps) const {
        if (j.is_null()) fail("a tokenizer without decoder is not supported");
        const std::string t = type(j, "decoder");
        DecoderStep step;
        if (t == "Sequence") {
            for (const json& d : j.at("decoders")) decoder(d, steps);
            return;
        } else if (t == "ByteLevel") {
            step.kind = DecoderStep::Kind::ByteLevel;
        } else if (t == "ByteFallback") {
            step.kind = DecoderStep::Kind::ByteFallback;
        } else if (t == "Fuse") {
            step.kind = DecoderStep::Kind::Fuse;
        } else if (t == "Replace") {
            step.kind = DecoderStep::Kind::Replace;
            step.text = pattern(j, "Replace decoder", nullptr);
            step.with = str(j, "content", "Replace decoder");
        } else if (t == "Metaspace") {
            step.kind = DecoderStep::Kind::Metaspace;
            step.text = str(j, "replacement", "Metaspace decoder");
            step.start = metaspacePrepend(j) != PipelineSpec::Metaspace::Prepend::Never;
        } else if (t == "Strip") {
            step.kind = DecoderStep::Kind::Strip;
            step.text = str(j, "content", "Strip decoder");
            step.start = j.value("start", 0);
            step.stop = j.value("stop", 0);
        } else {
            fail("decoder type " + t + " is not supported");
        }
        steps.push_back(step);
    }

private:
    std::string path_;
};

json parseFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open");
    try {
        return json::parse(in);
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("not valid JSON: ") + e.what());
    }
}

// bos_token / eos_token of tokenizer_config.json: "text", {"content": "text"} or null.
std::optional<std::string> configToken(const json& config, const char* key) {
    if (!config.contains(key)) return std::nullopt;
    const json& v = config.at(key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v.at("content").is_string())
        return v.at("content").get<std::string>();
    return std::nullopt;
}

}  // namespace

namespace {

std::unique_ptr<Tokenizer> loadTokenizerJsonUnchecked(const std::string& path) {
    const JsonReader r(path);
    const json root = parseFile(path);
    if (!root.is_object() || !root.contains("model") || !root.at("model").is_object())
        r.fail("no 'model' object: not a tokenizer.json");
    const json& model = root.at("model");
    const std::string modelType = model.value("type", std::string("BPE"));
    if (modelType != "BPE") r.fail("model type " + modelType + " is not supported (only BPE)");
    if (model.contains("dropout") && !model.at("dropout").is_null() &&
        model.at("dropout").get<double>() != 0.0)
        r.fail("BPE dropout is not supported");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        if (model.contains(key) && model.at(key).is_string() && !model.at(key).get<std::string>().empty())
            r.fail(std::string("BPE ") + key + " is not supported");
    }
    if (root.contains("truncation") && !root.at("truncation").is_null())
        r.fail("truncation is set: not supported");

    PipelineSpec spec;
    spec.source = path;
    r.normalizer(root.value("normalizer", json()), spec.normalizer);
    r.preTokenizer(root.value("pre_tokenizer", json()), spec);
    r.postProcessor(root.value("post_processor", json()), spec);
    r.decoder(root.value("decoder", json()), spec.decoder);

    // Vocabulary and added tokens share one id space.
    const json& vocab = model.at("vocab");
    if (!vocab.is_object()) r.fail("model.vocab is not an object");
    int32_t maxId = -1;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const auto id = it.value().get<int32_t>();
        if (id < 0) r.fail("vocab entry '" + it.key() + "' has negative id");
        maxId = std::max(maxId, id);
    }
    std::vector<std::string> vocabPieces(static_cast<size_t>(maxId) + 1);  // the model's vocab, by id
    for (auto it = vocab.begin(); it != vocab.end(); ++it) vocabPieces[it.value().get<int32_t>()] = it.key();
    PieceIndex ids;
    ids.build(vocabPieces);
    const json added = root.value("added_tokens", json::array());
    for (const json& a : added) {
        AddedToken token;
        token.id = a.at("id").get<int32_t>();
        token.content = r.str(a, "content", "added_tokens");
        token.special = r.flag(a, "special", false);
        token.lstrip = r.flag(a, "lstrip", false);
        token.rstrip = r.flag(a, "rstrip", false);
        if (r.flag(a, "single_word", false))
            r.fail("added token '" + token.content + "' sets single_word: not supported");
        if (r.flag(a, "normalized", false) && !spec.normalizer.empty())
            r.fail("added token '" + token.content + "' is matched on normalized text: not supported");
        if (token.id < 0) r.fail("added token '" + token.content + "' has negative id");
        maxId = std::max(maxId, token.id);
        spec.added.push_back(token);
    }
    spec.tokens.assign(static_cast<size_t>(maxId) + 1, std::string());
    for (size_t id = 0; id < vocabPieces.size(); ++id) spec.tokens[id] = vocabPieces[id];
    for (const AddedToken& token : spec.added) spec.tokens[token.id] = token.content;

    BpeModel::Options options;
    options.alphabet = spec.byteLevel ? BpeModel::Alphabet::Bytes : BpeModel::Alphabet::Chars;
    options.fuseUnk = r.flag(model, "fuse_unk", false);
    options.ignoreMerges = r.flag(model, "ignore_merges", false);
    if (model.contains("unk_token") && model.at("unk_token").is_string()) {
        const int32_t unk = ids.find(model.at("unk_token").get<std::string>());
        if (unk < 0)
            r.fail("unk_token '" + model.at("unk_token").get<std::string>() + "' is not in the vocabulary");
        options.unkId = unk;
    }
    options.byteFallback.fill(-1);
    if (r.flag(model, "byte_fallback", false)) {
        if (spec.byteLevel) r.fail("byte_fallback with a ByteLevel pre-tokenizer is not supported");
        options.hasByteFallback = true;
        for (int b = 0; b < 256; ++b) {
            char name[8];
            std::snprintf(name, sizeof(name), "<0x%02X>", b);
            options.byteFallback[b] = ids.find(name);
        }
    }

    PairMergeMap merges;
    std::string joined;
    const json& mergeList = model.at("merges");
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
        joined.assign(left).append(right);
        const int32_t a = ids.find(left), b = ids.find(right), ab = ids.find(joined);
        if (a < 0 || b < 0 || ab < 0)
            r.fail("merge " + std::to_string(rank) + " '" + left + " " + right +
                   "' uses a token not in the vocabulary");
        merges.insert(a, b, {static_cast<int32_t>(rank), ab});
    }

    // The model's own alphabet: raw bytes for byte-level vocabularies.
    std::vector<std::string> pieces(spec.tokens.size());
    for (size_t id = 0; id < vocabPieces.size(); ++id) {
        if (!spec.byteLevel) {
            pieces[id] = vocabPieces[id];
        } else if (auto raw = byteLevelToBytes(vocabPieces[id])) {
            pieces[id] = std::move(*raw);
        }
    }
    if (spec.metaspace.enabled && !options.ignoreMerges)
        spec.wordMarker = spec.metaspace.replacement;
    else if (!spec.byteLevel && spec.splitPatterns.empty() && !options.ignoreMerges)
        spec.wordMarker = "\xE2\x96\x81";  // ▁

    // Beginning / end of sequence: the model's tokenizer_config.json, else the template.
    const auto configPath = std::filesystem::path(path).parent_path() / "tokenizer_config.json";
    std::optional<std::string> bosName, eosName;
    if (std::filesystem::exists(configPath)) {
        const json config = parseFile(configPath.string());
        bosName = configToken(config, "bos_token");
        eosName = configToken(config, "eos_token");
    }
    const auto lookup = [&](const std::string& name) -> std::optional<int64_t> {
        for (const AddedToken& t : spec.added)
            if (t.content == name) return t.id;
        const int32_t id = ids.find(name);
        if (id < 0) return std::nullopt;
        return id;
    };
    if (bosName) spec.bos = lookup(*bosName);
    if (!spec.bos && spec.prefixIds.size() == 1) spec.bos = spec.prefixIds.front();
    if (eosName) spec.eos = lookup(*eosName);
    for (const char* name : {"</s>", "<|end_of_text|>", "<|endoftext|>"})
        if (!spec.eos) spec.eos = lookup(name);

    return std::make_unique<BpeTokenizer>(std::move(spec),
                                          BpeModel(std::move(pieces), std::move(merges), options));
}

}  // namespace

std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string& path) {
    try {
        return loadTokenizerJsonUnchecked(path);
    } catch (const json::exception& e) {
        // A value of the wrong JSON type somewhere (e.g. a vocab id that is a string).
        throw FormatError(path, std::string("unexpected tokenizer.json structure: ") + e.what());
    }
}

}  // namespace sieve::tok

// tokenizer.json -> PipelineSpec + model. The components are read by
// hf_json_pipeline.cpp and hf_json_models.cpp; anything not supported is a
// FormatError naming the component, never a silent difference in ids.
#include <filesystem>
#include <fstream>

#include "core/tokenizer/flat_maps.h"
#include "core/tokenizer/hf_json_reader.h"
#include "core/tokenizer/loaders.h"
#include "core/tokenizer/pipeline_tokenizer.h"
#include "core/types/input_file.h"

namespace sieve::tok {
namespace {

constexpr const char* kMarker = "\xE2\x96\x81";  // ▁

json parseFile(const std::string& path) {
    const std::string text = readInputFile(path, "tokenizer", kMaxTokenizerBytes);
    try {
        return json::parse(text);
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

std::vector<AddedToken> readAddedTokens(const JsonReader& r, const json& root) {
    std::vector<AddedToken> added;
    if (!root.contains("added_tokens") || root.at("added_tokens").is_null()) return added;
    for (const json& a : r.array(root, "added_tokens", "tokenizer.json")) {
        AddedToken token;
        token.content = r.str(a, "content", "added_tokens");
        if (!a.is_object() || !a.contains("id") || a.at("id").is_null())
            r.fail("added token '" + token.content + "' has no id");
        token.id = r.tokenId(a.at("id"), "added token '" + token.content + "'");
        token.special = r.flag(a, "special", false);
        token.lstrip = r.flag(a, "lstrip", false);
        token.rstrip = r.flag(a, "rstrip", false);
        token.normalized = r.flag(a, "normalized", !token.special);
        if (r.flag(a, "single_word", false))
            r.fail("added token '" + token.content + "' sets single_word: not supported");
        for (const AddedToken& earlier : added)
            if (earlier.id == token.id && earlier.content != token.content)
                r.fail("added tokens '" + earlier.content + "' and '" + token.content + "' share the id " +
                       std::to_string(token.id));
        added.push_back(token);
    }
    return added;
}

std::unique_ptr<Tokenizer> loadTokenizerJsonUnchecked(const std::string& path) {
    const JsonReader r(path);
    const json root = parseFile(path);
    if (!root.is_object() || !root.contains("model") || !root.at("model").is_object())
        r.fail("no 'model' object: not a tokenizer.json");
    if (root.contains("truncation") && !root.at("truncation").is_null())
        r.fail("truncation is set: not supported");

    PipelineSpec spec;
    spec.source = path;
    spec.format = "Hugging Face tokenizer.json";
    readNormalizer(r, root.value("normalizer", json()), spec.normalizer);
    const PreTokenizerFacts pre = readPreTokenizer(r, root.value("pre_tokenizer", json()), spec.preTokenizer);
    readPostProcessor(r, root.value("post_processor", json()), spec.postProcessor);
    readDecoder(r, root.value("decoder", json()), spec.decoder);

    // A BPE model after a final ByteLevel step merges the raw bytes.
    const json& modelJson = root.at("model");
    const bool bpe = !modelJson.contains("type") || modelJson.at("type") == "BPE";
    const bool byteLevel = bpe && spec.preTokenizer.endsWithByteLevel();
    spec.preTokenizer.finish(byteLevel);
    std::vector<std::string> vocab;
    std::unique_ptr<TokenModel> model = readModel(r, modelJson, byteLevel, vocab);

    // Vocabulary and added tokens share one id space.
    spec.added = readAddedTokens(r, root);
    size_t size = vocab.size();
    for (const AddedToken& t : spec.added) size = std::max(size, static_cast<size_t>(t.id) + 1);
    spec.tokens.assign(size, std::string());
    std::copy(vocab.begin(), vocab.end(), spec.tokens.begin());
    for (const AddedToken& t : spec.added) spec.tokens[t.id] = t.content;

    // SentencePiece-style text (no pre-tokenizer, or a Metaspace that does not
    // split) may be cut into words where the model allows it.
    if (!byteLevel && !pre.any) spec.wordMarker = kMarker;
    if (pre.onlyUnsplitMetaspace) spec.wordMarker = pre.metaspaceReplacement;

    // Beginning / end of sequence: the model's tokenizer_config.json, else the template.
    const auto configPath = std::filesystem::path(path).parent_path() / "tokenizer_config.json";
    std::optional<std::string> bosName, eosName;
    if (std::filesystem::exists(configPath)) {
        const json config = parseFile(configPath.string());
        bosName = configToken(config, "bos_token");
        eosName = configToken(config, "eos_token");
    }
    PieceIndex vocabIds;
    vocabIds.build(vocab);
    const auto lookup = [&](const std::string& name) -> std::optional<int64_t> {
        for (const AddedToken& t : spec.added)
            if (t.content == name) return t.id;
        const int32_t id = vocabIds.find(name);
        if (id < 0) return std::nullopt;
        return id;
    };
    if (bosName) spec.bos = lookup(*bosName);
    if (!spec.bos && spec.postProcessor.prefix().size() == 1) spec.bos = spec.postProcessor.prefix().front();
    if (eosName) spec.eos = lookup(*eosName);
    for (const char* name : {"</s>", "<|end_of_text|>", "<|endoftext|>"})
        if (!spec.eos) spec.eos = lookup(name);

    return std::make_unique<PipelineTokenizer>(std::move(spec), std::move(model));
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

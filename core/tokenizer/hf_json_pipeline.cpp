// tokenizer.json's normalizer, pre_tokenizer, post_processor and decoder ->
// the pipeline's components. Every type and option tokenizer.h lists; any
// other type is a FormatError naming it.
#include "core/tokenizer/hf_json_reader.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

SplitBehavior behavior(const JsonReader& r, const json& j, const std::string& where, SplitBehavior fallback) {
    if (!j.contains("behavior") || j.at("behavior").is_null()) return fallback;
    const std::string& name = r.str(j, "behavior", where);
    if (const auto b = parseSplitBehavior(name)) return *b;
    r.fail(where + ": behavior '" + name +
           "' is not one of Removed, Isolated, MergedWithPrevious, "
           "MergedWithNext, Contiguous");
}

// prepend_scheme "always" | "first" | "never"; older files: add_prefix_space.
MetaspacePrepend metaspacePrepend(const JsonReader& r, const json& j) {
    if (j.contains("prepend_scheme") && j.at("prepend_scheme").is_string()) {
        const std::string& s = j.at("prepend_scheme").get_ref<const std::string&>();
        if (s == "always") return MetaspacePrepend::Always;
        if (s == "first") return MetaspacePrepend::First;
        if (s == "never") return MetaspacePrepend::Never;
        r.fail("Metaspace prepend_scheme '" + s + "' is not supported (always, first, never)");
    }
    return r.flag(j, "add_prefix_space", true) ? MetaspacePrepend::Always : MetaspacePrepend::Never;
}

// BertProcessing / RobertaProcessing: "cls": ["[CLS]", 101].
int32_t tokenPair(const JsonReader& r, const json& j, const char* key, const std::string& where,
                  std::string* name) {
    if (!j.contains(key) || !j.at(key).is_array() || j.at(key).size() != 2 || !j.at(key)[0].is_string() ||
        !j.at(key)[1].is_number_integer())
        r.fail(where + ": '" + key + "' is not [token, id]");
    *name = j.at(key)[0].get<std::string>();
    return r.tokenId(j.at(key)[1], where + ": '" + key + "'");
}

void readPreTokenizerInto(const JsonReader& r, const json& j, PreTokenizer& out, PreTokenizerFacts& facts,
                          int& steps) {
    const std::string t = r.type(j, "pre_tokenizer");
    const std::string where = t + " pre-tokenizer";
    if (t == "Sequence") {
        for (const json& p : r.array(j, "pretokenizers", where))
            readPreTokenizerInto(r, p, out, facts, steps);
        return;
    }
    ++steps;
    if (t == "Split") {
        bool isRegex = false;
        const std::string p = r.pattern(j, where, &isRegex);
        out.add(splitPreTokenizer(p, isRegex, behavior(r, j, where, SplitBehavior::Isolated),
                                  r.flag(j, "invert", false), r.path()));
    } else if (t == "Digits") {
        out.add(digitsPreTokenizer(r.flag(j, "individual_digits", false)));
    } else if (t == "ByteLevel") {
        out.add(byteLevelPreTokenizer(r.flag(j, "add_prefix_space", false), r.flag(j, "use_regex", true)));
    } else if (t == "Metaspace") {
        const std::string replacement = r.str(j, "replacement", where);
        const bool split = r.flag(j, "split", true);
        out.add(metaspacePreTokenizer(replacement, metaspacePrepend(r, j), split));
        facts.metaspaceReplacement = replacement;
        facts.onlyUnsplitMetaspace = steps == 1 && !split;
    } else if (t == "Whitespace") {
        out.add(whitespacePreTokenizer());
    } else if (t == "WhitespaceSplit") {
        out.add(whitespaceSplitPreTokenizer());
    } else if (t == "Punctuation") {
        out.add(punctuationPreTokenizer(behavior(r, j, where, SplitBehavior::Isolated)));
    } else if (t == "UnicodeScripts") {
        out.add(unicodeScriptsPreTokenizer());
    } else if (t == "CharDelimiterSplit") {
        const std::string& d = r.str(j, "delimiter", where);
        if (d.empty() || utf8::charLength(static_cast<unsigned char>(d[0])) != d.size())
            r.fail(where + ": delimiter '" + d + "' is not one character");
        out.add(charDelimiterPreTokenizer(utf8::decodeAt(d, 0)));
    } else if (t == "BertPreTokenizer") {
        out.add(bertPreTokenizer());
    } else {
        r.fail("pre_tokenizer type " + t + " is not supported");
    }
}

}  // namespace

void readNormalizer(const JsonReader& r, const json& j, Normalizer& out) {
    if (j.is_null()) return;
    const std::string t = r.type(j, "normalizer");
    const std::string where = t + " normalizer";
    if (t == "Sequence") {
        for (const json& n : r.array(j, "normalizers", where)) readNormalizer(r, n, out);
    } else if (t == "NFC") {
        out.add(unicodeNormalizer(UnicodeForm::Nfc));
    } else if (t == "NFD") {
        out.add(unicodeNormalizer(UnicodeForm::Nfd));
    } else if (t == "NFKC") {
        out.add(unicodeNormalizer(UnicodeForm::Nfkc));
    } else if (t == "NFKD") {
        out.add(unicodeNormalizer(UnicodeForm::Nfkd));
    } else if (t == "Lowercase") {
        out.add(lowercaseNormalizer());
    } else if (t == "Strip") {
        out.add(stripNormalizer(r.flag(j, "strip_left", true), r.flag(j, "strip_right", true)));
    } else if (t == "StripAccents") {
        out.add(stripAccentsNormalizer());
    } else if (t == "Replace") {
        bool isRegex = false;
        const std::string p = r.pattern(j, where, &isRegex);
        out.add(replaceNormalizer(p, isRegex, r.str(j, "content", where), r.path()));
    } else if (t == "Prepend") {
        out.add(prependNormalizer(r.str(j, "prepend", where)));
    } else if (t == "BertNormalizer") {
        BertNormalizerOptions o;
        o.cleanText = r.flag(j, "clean_text", true);
        o.handleChineseChars = r.flag(j, "handle_chinese_chars", true);
        o.lowercase = r.flag(j, "lowercase", true);
        o.stripAccents = r.flag(j, "strip_accents", o.lowercase);  // null: follows lowercase, as in HF
        out.add(bertNormalizer(o));
    } else {
        r.fail("normalizer type " + t + " is not supported");
    }
}

PreTokenizerFacts readPreTokenizer(const JsonReader& r, const json& j, PreTokenizer& out) {
    PreTokenizerFacts facts;
    if (j.is_null()) return facts;
    int steps = 0;
    readPreTokenizerInto(r, j, out, facts, steps);
    facts.any = steps > 0;
    facts.onlyUnsplitMetaspace = facts.onlyUnsplitMetaspace && steps == 1;
    return facts;
}

namespace {

// `templates` counts the steps that add special tokens: HF's Sequence hands a
// second one the pieces the first made, not the sequence (it then drops the
// text), so a second one is refused rather than imitated.
void readPostProcessorInto(const JsonReader& r, const json& j, PostProcessor& out, int& templates) {
    const std::string t = r.type(j, "post_processor");
    const std::string where = t + " post-processor";
    if (t != "Sequence" && t != "ByteLevel" && ++templates > 1)
        r.fail(
            "post_processor: a Sequence with more than one processor that adds special tokens is not "
            "supported");
    if (t == "Sequence") {
        for (const json& p : r.array(j, "processors", where)) readPostProcessorInto(r, p, out, templates);
    } else if (t == "ByteLevel") {
        out.add("ByteLevel");  // adjusts offsets only
    } else if (t == "TemplateProcessing") {
        std::vector<int32_t> before, after;
        std::string shape;
        bool seenSequence = false;
        const json& specials = j.contains("special_tokens") ? j.at("special_tokens") : json::object();
        for (const json& piece : r.array(j, "single", where)) {
            if (piece.contains("Sequence")) {
                if (r.str(piece.at("Sequence"), "id", where) != "A")
                    r.fail(where + ": the single-sequence template uses sequence B");
                if (seenSequence) r.fail(where + ": the single-sequence template has $A twice");
                seenSequence = true;
                shape += shape.empty() ? "$A" : " $A";
            } else if (piece.contains("SpecialToken")) {
                const std::string& name = r.str(piece.at("SpecialToken"), "id", where);
                if (!specials.contains(name)) r.fail(where + ": special token " + name + " is not defined");
                auto& target = seenSequence ? after : before;
                for (const json& id : r.array(specials.at(name), "ids", where))
                    target.push_back(r.tokenId(id, where + ": special token " + name));
                shape += (shape.empty() ? "" : " ") + name;
            } else {
                r.fail(where + ": unknown template piece " + piece.dump());
            }
        }
        out.add("TemplateProcessing(" + shape + ")", before, after);
    } else if (t == "BertProcessing" || t == "RobertaProcessing") {
        std::string cls, sep;
        const int32_t clsId = tokenPair(r, j, "cls", where, &cls),
                      sepId = tokenPair(r, j, "sep", where, &sep);
        out.add(t + "(" + cls + " $A " + sep + ")", {clsId}, {sepId});
    } else {
        r.fail("post_processor type " + t + " is not supported");
    }
}

}  // namespace

void readPostProcessor(const JsonReader& r, const json& j, PostProcessor& out) {
    if (j.is_null()) return;
    int templates = 0;
    readPostProcessorInto(r, j, out, templates);
}

void readDecoder(const JsonReader& r, const json& j, Decoder& out) {
    if (j.is_null()) return;
    const std::string t = r.type(j, "decoder");
    const std::string where = t + " decoder";
    if (t == "Sequence") {
        for (const json& d : r.array(j, "decoders", where)) readDecoder(r, d, out);
    } else if (t == "ByteLevel") {
        out.add(byteLevelDecoder());
    } else if (t == "ByteFallback") {
        out.add(byteFallbackDecoder());
    } else if (t == "Fuse") {
        out.add(fuseDecoder());
    } else if (t == "Replace") {
        bool isRegex = false;
        const std::string p = r.pattern(j, where, &isRegex);
        out.add(replaceDecoder(p, isRegex, r.str(j, "content", where), r.path()));
    } else if (t == "Metaspace") {
        out.add(metaspaceDecoder(r.str(j, "replacement", where), metaspacePrepend(r, j)));
    } else if (t == "Strip") {
        out.add(stripDecoder(r.str(j, "content", where), static_cast<int>(r.integer(j, "start", where, 0)),
                             static_cast<int>(r.integer(j, "stop", where, 0))));
    } else if (t == "WordPiece") {
        out.add(wordPieceDecoder(r.str(j, "prefix", where, "##"), r.flag(j, "cleanup", true)));
    } else if (t == "BPEDecoder") {
        out.add(bpeDecoder(r.str(j, "suffix", where, "</w>")));
    } else if (t == "CTC") {
        out.add(ctcDecoder(r.str(j, "pad_token", where, "<pad>"),
                           r.str(j, "word_delimiter_token", where, "|"), r.flag(j, "cleanup", true)));
    } else {
        r.fail("decoder type " + t + " is not supported");
    }
}

}  // namespace sieve::tok

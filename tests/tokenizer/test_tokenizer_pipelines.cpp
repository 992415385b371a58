// Every tokenizer.json component and option, every GGUF pre-tokenizer name and
// the real SmolLM2 vocabulary against Hugging Face `tokenizers` (fixtures
// written by scripts/fixtures/tokenizer_pipelines.py; see its docstring for
// the file layout).
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/gguf_pre_tokenizers.h"
#include "core/tokenizer/normalizers.h"
#include "core/tokenizer/pre_tokenizers.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8.h"

using nlohmann::json;
using sieve::Tokenizer;

namespace {

const std::string kFixtures = SIEVE_FIXTURES_DIR "/tokenizer_pipelines";
const std::string kShared = SIEVE_SHARED_DIR;

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const json& fixture(const std::string& file) {
    static std::map<std::string, json> cache;
    auto it = cache.find(file);
    if (it == cache.end()) {
        const std::string text = readText(kFixtures + "/" + file);
        if (text.empty()) qFatal("cannot read %s/%s", kFixtures.c_str(), file.c_str());
        it = cache.emplace(file, json::parse(text)).first;
    }
    return it->second;
}

const json& base(const std::string& name) {
    return fixture("bases/" + name + ".json");
}

QTemporaryDir& scratch() {
    static QTemporaryDir dir;
    return dir;
}

std::string writeFile(const std::string& name, const QByteArray& bytes) {
    const std::string path = scratch().filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary).write(bytes.constData(), bytes.size());
    return path;
}

// A variant's tokenizer.json: its base with the patch applied (JSON pointer -> value).
json variantJson(const std::string& name) {
    const json& v = fixture("variants.json").at("variants").at(name);
    json root = base(v.at("base"));
    for (const auto& [pointer, value] : v.at("patch").items()) root[json::json_pointer(pointer)] = value;
    return root;
}

// Loaded once per test run.
const Tokenizer& variant(const std::string& name) {
    static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
    auto& slot = cache[name];
    if (!slot) {
        const std::string dump = variantJson(name).dump();
        slot = Tokenizer::load(writeFile(name + ".json", QByteArray::fromStdString(dump)));
    }
    return *slot;
}

// The variant, or nullptr (and the loader's message in the log) when it does not load.
const Tokenizer* tryVariant(const std::string& name) {
    try {
        return &variant(name);
    } catch (const std::exception& e) {
        qWarning("%s", e.what());
        return nullptr;
    }
}

std::vector<int64_t> toIds(const json& list) {
    return list.get<std::vector<int64_t>>();
}

QString show(const std::vector<int64_t>& ids) {
    QStringList parts;
    for (const auto id : ids) parts << QString::number(id);
    return "[" + parts.join(", ") + "]";
}

// A minimal GGUF v3 writer: metadata only, no tensors.
class GgufWriter {
public:
    void string(const std::string& key, const std::string& value) {
        header(key, 8);
        putString(value);
    }
    void u32(const std::string& key, uint32_t value) {
        header(key, 4);
        put(value);
    }
    void strings(const std::string& key, const std::vector<std::string>& values) {
        header(key, 9);
        put(uint32_t(8));
        put(uint64_t(values.size()));
        for (const auto& v : values) putString(v);
    }
    void i32s(const std::string& key, const std::vector<int32_t>& values) {
        header(key, 9);
        put(uint32_t(5));
        put(uint64_t(values.size()));
        for (const auto v : values) put(v);
    }
    QByteArray bytes() const {
        QByteArray out("GGUF");
        const auto append = [&](auto value) {
            out.append(reinterpret_cast<const char*>(&value), sizeof(value));
        };
        append(uint32_t(3));
        append(uint64_t(0));
        append(count_);
        return out + kv_;
    }

private:
    template <typename T>
    void put(T value) {
        kv_.append(reinterpret_cast<const char*>(&value), sizeof(value));
    }
    void putString(const std::string& s) {
        put(uint64_t(s.size()));
        kv_.append(s.data(), qsizetype(s.size()));
    }
    void header(const std::string& key, uint32_t type) {
        putString(key);
        put(type);
        ++count_;
    }
    QByteArray kv_;
    uint64_t count_ = 0;
};

// bpe_bytes' vocabulary as a GGUF "gpt2" vocab with tokenizer.ggml.pre = `pre`:
// its special added tokens CONTROL, bos <|im_start|>, eos <|im_end|>.
std::string bpeBytesGguf(const std::string& pre) {
    const json& b = base("bpe_bytes");
    const json& vocab = b.at("model").at("vocab");
    std::vector<std::string> tokens(vocab.size());
    for (auto it = vocab.begin(); it != vocab.end(); ++it) tokens.at(it.value().get<size_t>()) = it.key();
    std::vector<int32_t> types(tokens.size(), 1);
    for (const json& a : b.at("added_tokens"))
        if (a.at("special").get<bool>()) types.at(a.at("id").get<size_t>()) = 3;
    std::vector<std::string> merges;
    for (const json& m : b.at("model").at("merges"))
        merges.push_back(m.is_string() ? m.get<std::string>()
                                       : m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());
    const auto id = [&](const char* t) { return vocab.at(t).get<uint32_t>(); };
    GgufWriter w;
    w.string("general.architecture", "llama");
    w.string("tokenizer.ggml.model", "gpt2");
    w.string("tokenizer.ggml.pre", pre);
    w.strings("tokenizer.ggml.tokens", tokens);
    w.i32s("tokenizer.ggml.token_type", types);
    w.strings("tokenizer.ggml.merges", merges);
    w.u32("tokenizer.ggml.bos_token_id", id("<|im_start|>"));
    w.u32("tokenizer.ggml.eos_token_id", id("<|im_end|>"));
    return writeFile("pre-" + pre + ".gguf", w.bytes());
}

// All of Unicode but the surrogates, as UTF-8, and the code point starting at each byte.
struct AllCodePoints {
    std::string text;
    std::vector<char32_t> at;  // byte offset -> code point (at lead bytes)
    AllCodePoints() {
        for (char32_t cp = 0; cp < 0x110000; ++cp) {
            if (cp >= 0xD800 && cp < 0xE000) continue;
            const size_t begin = text.size();
            sieve::utf8::append(text, cp);
            at.resize(text.size(), 0);
            at[begin] = cp;
        }
    }
};

const AllCodePoints& allCodePoints() {
    static const AllCodePoints all;
    return all;
}

std::vector<bool> fromRanges(const json& ranges) {
    std::vector<bool> set(0x110000, false);
    for (const json& r : ranges)
        for (auto cp = r.at(0).get<uint32_t>(); cp <= r.at(1).get<uint32_t>(); ++cp) set[cp] = true;
    return set;
}

// The code points a normalizer removes: each one after a sentinel "A" that
// these normalizers keep, as the fixture script does.
std::vector<bool> removedBy(const sieve::tok::NormalizerStep& step) {
    std::string text;
    std::vector<char32_t> order;
    for (char32_t cp = 0; cp < 0x110000; ++cp) {
        if ((cp >= 0xD800 && cp < 0xE000) || cp == 'A') continue;
        text += 'A';
        sieve::utf8::append(text, cp);
        order.push_back(cp);
    }
    step.apply(text);
    std::vector<bool> removed(0x110000, false);
    size_t k = 0;
    for (size_t pos = 0; pos < text.size(); ++pos) {
        if (text[pos] != 'A') continue;
        const bool empty = pos + 1 == text.size() || text[pos + 1] == 'A';
        removed[order.at(k++)] = empty;
    }
    return removed;
}

// The code points a pre-tokenizer step drops from the text of all code points.
std::vector<bool> droppedBy(const sieve::tok::PreTokenizerStep& step) {
    const AllCodePoints& all = allCodePoints();
    sieve::tok::Pieces pieces{all.text, {{0, all.text.size()}}, true};
    step.apply(pieces);
    std::vector<bool> dropped(0x110000, true);
    for (char32_t cp = 0xD800; cp < 0xE000; ++cp) dropped[cp] = false;
    for (const auto& p : pieces.list)
        for (size_t pos = p.begin; pos < p.begin + p.size;
             pos += sieve::utf8::charLength(static_cast<unsigned char>(pieces.text[pos])))
            dropped[all.at[pos]] = false;
    return dropped;
}

// The code points that join an "a" before them in one piece ("a" + c, then a space).
std::vector<bool> joinedToA(const sieve::tok::PreTokenizerStep& step) {
    sieve::tok::Pieces pieces;
    for (char32_t cp = 0; cp < 0x110000; ++cp) {
        if ((cp >= 0xD800 && cp < 0xE000) || cp == ' ' || cp == 'a') continue;
        pieces.text += 'a';
        sieve::utf8::append(pieces.text, cp);
        pieces.text += ' ';
    }
    pieces.list = {{0, pieces.text.size()}};
    step.apply(pieces);
    std::vector<bool> joined(0x110000, false);
    joined['a'] = true;
    for (const auto& p : pieces.list)
        if (pieces.text[p.begin] == 'a' && p.size > 1 &&
            p.size == 1 + sieve::utf8::charLength(pieces.text[p.begin + 1]))
            joined[sieve::utf8::decodeAt(pieces.text, p.begin + 1)] = true;
    return joined;
}

std::vector<bool> matchedBy(const std::string& pattern) {
    const AllCodePoints& all = allCodePoints();
    const sieve::tok::RegexSplitter splitter(pattern, "test");
    std::vector<sieve::tok::Span> found;
    splitter.matches(all.text, {0, all.text.size()}, found);
    std::vector<bool> got(0x110000, false);
    for (const auto& m : found) got[all.at[m.begin]] = true;
    return got;
}

// Every component type in a tokenizer.json part, in order (Sequences opened).
void componentTypes(const json& j, std::vector<std::string>& out) {
    if (!j.is_object()) return;
    const std::string type = j.value("type", "");
    for (const char* list : {"normalizers", "pretokenizers", "processors", "decoders"})
        if (j.contains(list))
            for (const json& item : j.at(list)) componentTypes(item, out);
    if (type != "Sequence") out.push_back(type);
}

}  // namespace

class TestTokenizerPipelines : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("index");
        const json& f = fixture("variants.json");
        for (const auto& [name, v] : f.at("variants").items())
            for (size_t i = 0; i < f.at("texts").size(); ++i)
                QTest::newRow(
                    qPrintable(QString::fromStdString(name + "/" + f.at("texts")[i][0].get<std::string>())))
                    << QString::fromStdString(name) << int(i);
    }
    // Ids identical to HF with and without special tokens; decoded as HF does.
    void matchesReference() {
        QFETCH(QString, name);
        QFETCH(int, index);
        const json& f = fixture("variants.json");
        const json& v = f.at("variants").at(name.toStdString());
        const auto column = [&](const char* field) -> int {
            return v.contains(field) ? v.at(field).at(index).get<int>() : -1;
        };
        const std::string text = f.at("texts").at(index).at(1);
        const auto expected = toIds(f.at("id_lists").at(column("ids")));
        const auto expectedPlain =
            column("ids_plain") >= 0 ? toIds(f.at("id_lists").at(column("ids_plain"))) : expected;
        const std::string decoded =
            column("decoded") >= 0 ? f.at("strings").at(column("decoded")).get<std::string>() : text;
        const std::string keep = column("decoded_keep_special") >= 0
                                     ? f.at("strings").at(column("decoded_keep_special")).get<std::string>()
                                     : decoded;
        const Tokenizer* loaded = tryVariant(name.toStdString());
        QVERIFY2(loaded, "the variant does not load");
        const Tokenizer& t = *loaded;
        const auto ids = t.encode(text, true), plain = t.encode(text, false);
        if (ids != expected)
            QFAIL(qPrintable("with special:\n got      " + show(ids) + "\n expected " + show(expected)));
        if (plain != expectedPlain)
            QFAIL(qPrintable("plain:\n got      " + show(plain) + "\n expected " + show(expectedPlain)));
        QCOMPARE(QString::fromStdString(t.decode(expected, true)), QString::fromStdString(decoded));
        QCOMPARE(QString::fromStdString(t.decode(expected, false)), QString::fromStdString(keep));
        QCOMPARE(t.vocabSize(), v.at("vocab_size").get<int64_t>());
    }

    void describesWhatWasRead_data() {
        QTest::addColumn<QString>("name");
        for (const auto& [name, v] : fixture("variants.json").at("variants").items())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    // describe() names the model and every component of the file, in order,
    // on the line of its part.
    void describesWhatWasRead() {
        QFETCH(QString, name);
        const json root = variantJson(name.toStdString());
        const Tokenizer* t = tryVariant(name.toStdString());
        QVERIFY2(t, "the variant does not load");
        const std::vector<std::string> lines = t->describe();
        const auto line = [&](const std::string& label) -> std::string {
            for (const auto& l : lines)
                if (l.rfind(label + ": ", 0) == 0) return l;
            return "";
        };
        QVERIFY2(line("model").find(root.at("model").at("type").get<std::string>()) != std::string::npos,
                 line("model").c_str());
        for (const auto& [label, key] :
             std::vector<std::pair<std::string, std::string>>{{"normalizer", "normalizer"},
                                                              {"pre-tokenizer", "pre_tokenizer"},
                                                              {"post-processor", "post_processor"},
                                                              {"decoder", "decoder"}}) {
            const std::string l = line(label);
            QVERIFY2(!l.empty(), label.c_str());
            std::vector<std::string> types;
            componentTypes(root.value(key, json()), types);
            if (types.empty()) QVERIFY2(l.find("none") != std::string::npos, l.c_str());
            size_t from = 0;
            for (const auto& type : types) {
                const size_t at = l.find(type, from);
                QVERIFY2(at != std::string::npos,
                         qPrintable(QString::fromStdString(type + " missing in " + l)));
                from = at + type.size();
            }
        }
        QVERIFY(line("vocabulary").find(std::to_string(t->vocabSize())) != std::string::npos);
        QVERIFY(!line("bos").empty() && !line("eos").empty() && !line("format").empty());
    }

    void ggufPreTokenizerMatchesReference_data() {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("pre");
        for (const auto& [group, g] : fixture("gguf_pre.json").at("groups").items())
            for (const json& name : g.at("names"))
                QTest::newRow(qPrintable(QString::fromStdString(group + "/" + name.get<std::string>())))
                    << QString::fromStdString(group) << QString::fromStdString(name.get<std::string>());
    }
    // A GGUF vocabulary with tokenizer.ggml.pre = <name> gives the ids HF gives
    // with the pre-tokenizer of that name's models, on every text.
    void ggufPreTokenizerMatchesReference() {
        QFETCH(QString, group);
        QFETCH(QString, pre);
        const json& f = fixture("gguf_pre.json");
        const json& g = f.at("groups").at(group.toStdString());
        const auto t = Tokenizer::load(bpeBytesGguf(pre.toStdString()));
        for (size_t i = 0; i < f.at("texts").size(); ++i) {
            const std::string text = f.at("texts")[i][1];
            const auto expected = toIds(f.at("id_lists").at(g.at("ids").at(i).get<size_t>()));
            const auto got = t->encode(text, false);
            if (got != expected)
                QFAIL(qPrintable(QString::fromStdString(f.at("texts")[i][0].get<std::string>()) +
                                 ":\n got      " + show(got) + "\n expected " + show(expected)));
            QCOMPARE(QString::fromStdString(t->decode(got, false)), QString::fromStdString(text));
        }
    }

    // Every name the GGUF table knows is checked against a reference above,
    // and every name the fixture has is in the table.
    void everyGgufPreNameIsChecked() {
        std::set<std::string> checked;
        for (const auto& [group, g] : fixture("gguf_pre.json").at("groups").items())
            for (const json& name : g.at("names")) checked.insert(name.get<std::string>());
        const auto known = sieve::tok::ggufPreTokenizerNames();
        QCOMPARE(std::set<std::string>(known.begin(), known.end()), checked);
    }

    void ggufPreTokenizerAddsBos_data() {
        QTest::addColumn<QString>("pre");
        QTest::addColumn<bool>("addsBos");
        // llama.cpp (src/llama-vocab.cpp) sets add_bos for these types only.
        for (const char* name : {"llama3", "llama-bpe", "falcon3", "pixtral", "tekken"})
            QTest::newRow(name) << name << true;
        for (const char* name :
             {"default", "gpt-2", "smollm", "qwen2", "dbrx", "deepseek-llm", "bloom", "gpt-4o"})
            QTest::newRow(name) << name << false;
    }
    void ggufPreTokenizerAddsBos() {
        QFETCH(QString, pre);
        QFETCH(bool, addsBos);
        const auto t = Tokenizer::load(bpeBytesGguf(pre.toStdString()));
        auto expected = t->encode("Hello world", false);
        if (addsBos) expected.insert(expected.begin(), *t->bosId());
        QVERIFY(t->encode("Hello world", true) == expected);
    }

    // chatglm-bpe: llama.cpp drops the BOS id.
    void ggufChatglmHasNoBos() { QVERIFY(!Tokenizer::load(bpeBytesGguf("chatglm-bpe"))->bosId()); }

    // An unknown tokenizer.ggml.pre is an error naming the file and the name.
    void ggufUnknownPreTokenizerIsNamed() {
        const std::string path = bpeBytesGguf("no-such-pre");
        try {
            Tokenizer::load(path);
            QFAIL("no error");
        } catch (const sieve::FormatError& e) {
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(path)), e.what());
            QVERIFY2(QString(e.what()).contains("tokenizer.ggml.pre 'no-such-pre' is not supported"),
                     e.what());
        }
    }

    void smolLm2GgufMatchesTokenizerJson_data() {
        QTest::addColumn<int>("index");
        const json& cases = fixture("smollm2.json").at("cases");
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].at("name").get<std::string>().c_str()) << int(i);
    }
    // SmolLM2's GGUF vocabulary (tokenizer.ggml.pre "smollm") gives the ids HF
    // gives with the tokenizer.json of the same vocabulary and SmolLM2's pipeline.
    void smolLm2GgufMatchesTokenizerJson() {
        QFETCH(int, index);
        const json& f = fixture("smollm2.json");
        const std::string path = kShared + "/" + f.at("file").get<std::string>();
        if (!QFile::exists(QString::fromStdString(path)))
            QSKIP(qPrintable(QString::fromStdString("the shared folder has no " + path)));
        static const auto t = Tokenizer::load(path);
        const json& c = f.at("cases").at(index);
        const std::string text = c.at("text");
        const auto expected = toIds(c.at("ids"));
        const auto expectedPlain = c.contains("ids_plain") ? toIds(c.at("ids_plain")) : expected;
        const auto ids = t->encode(text, true), plain = t->encode(text, false);
        if (ids != expected) QFAIL(qPrintable("got      " + show(ids) + "\nexpected " + show(expected)));
        QVERIFY(plain == expectedPlain);
        const std::string decoded = c.value("decoded", text);
        QCOMPARE(QString::fromStdString(t->decode(expected, true)), QString::fromStdString(decoded));
        QCOMPARE(QString::fromStdString(t->decode(expected, false)),
                 QString::fromStdString(c.value("decoded_keep_special", decoded)));
        QCOMPARE(t->vocabSize(), f.at("vocab_size").get<int64_t>());
        QCOMPARE(t->bosId(), std::optional<int64_t>(f.at("bos").get<int64_t>()));
        QCOMPARE(t->eosId(), std::optional<int64_t>(f.at("eos").get<int64_t>()));
    }

    // describe() of SmolLM2's GGUF vocabulary says what was read (its 17
    // CONTROL tokens are added tokens, not BPE pieces: 49152 - 17).
    void describesSmolLm2Gguf() {
        const json& f = fixture("smollm2.json");
        const std::string path = kShared + "/" + f.at("file").get<std::string>();
        if (!QFile::exists(QString::fromStdString(path)))
            QSKIP(qPrintable(QString::fromStdString("the shared folder has no " + path)));
        const auto lines = Tokenizer::load(path)->describe();
        std::string all;
        for (const auto& l : lines) all += l + "\n";
        qInfo("%s", all.c_str());
        for (const char* expected :
             {"format: GGUF vocabulary (tokenizer.ggml.model gpt2, tokenizer.ggml.pre smollm)",
              "model: BPE (byte-level, 49135 pieces, 48900 merges", "normalizer: none",
              "pre-tokenizer: Sequence[Split(/\\p{N}/, Isolated), Split(/'s|'t",
              "ByteLevel(add_prefix_space=false, use_regex=false)]", "post-processor: none",
              "decoder: ByteLevel", "vocabulary: 49152 tokens (17 added, 17 special)",
              "bos: \"<|im_start|>\" (id 1)", "eos: \"<|im_end|>\" (id 2)"})
            QVERIFY2(all.find(expected) != std::string::npos, expected);
    }

    void unicodeDataMatchesHf_data() {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<int>("maxOnlyOurs");
        QTest::addColumn<int>("maxOnlyHf");
        // HF's tables for punctuation (unicode_categories), BERT's control
        // characters and combining marks (unicode-normalization-alignments)
        // are of about Unicode 9; ours (PCRE2: 14, utf8proc: 15) know the
        // characters assigned since, and a few whose category changed. Those
        // classes allow that many differences, each listed in the log.
        QTest::newRow("word") << "word" << 0 << 0;
        QTest::newRow("whitespace_word") << "whitespace_word" << 0 << 0;
        QTest::newRow("punctuation") << "punctuation" << 110 << 2;
        QTest::newRow("bert_clean_text_removes") << "bert_clean_text_removes" << 24 << 0;
        QTest::newRow("strip_accents_removes") << "strip_accents_removes" << 360 << 2;
    }
    // Our Unicode data against what HF's components do, over all code points.
    void unicodeDataMatchesHf() {
        QFETCH(QString, cls);
        QFETCH(int, maxOnlyOurs);
        QFETCH(int, maxOnlyHf);
        using namespace sieve::tok;
        const std::vector<bool> expected = fromRanges(fixture("unicode_classes.json").at(cls.toStdString()));
        std::vector<bool> got;
        if (cls == "word") got = matchedBy(R"(\w)");
        if (cls == "whitespace_word") got = joinedToA(*whitespacePreTokenizer());
        if (cls == "punctuation") got = droppedBy(*punctuationPreTokenizer(SplitBehavior::Removed));
        if (cls == "bert_clean_text_removes") got = removedBy(*bertNormalizer({true, false, false, false}));
        if (cls == "strip_accents_removes") got = removedBy(*stripAccentsNormalizer());
        // Unassigned to PCRE2 (Unicode 14) but assigned in HF's newer regex tables.
        const std::vector<bool> unassigned = matchedBy(R"(\p{Cn})");
        QStringList onlyOurs, onlyHf;
        int newer = 0;
        for (char32_t cp = 0; cp < 0x110000; ++cp) {
            if (got[cp] == expected[cp]) continue;
            if (unassigned[cp] && expected[cp])
                ++newer;
            else
                (got[cp] ? onlyOurs : onlyHf) << QString::number(uint(cp), 16);
        }
        qInfo("%s: %d code points assigned after Unicode 14; only ours: %s; only HF: %s", qPrintable(cls),
              newer, qPrintable(onlyOurs.join(" ")), qPrintable(onlyHf.join(" ")));
        QVERIFY2(onlyOurs.size() <= maxOnlyOurs, qPrintable(QString("%1 only ours").arg(onlyOurs.size())));
        QVERIFY2(onlyHf.size() <= maxOnlyHf, qPrintable(QString("%1 only HF").arg(onlyHf.size())));
    }

    // Lowercase maps every code point as Rust's char::to_lowercase (HF).
    void lowercaseMatchesHf() {
        std::map<char32_t, std::string> changed;
        for (const json& pair : fixture("unicode_classes.json").at("lowercase"))
            changed[pair.at(0).get<char32_t>()] = pair.at(1).get<std::string>();
        const std::vector<bool> unassigned = matchedBy(R"(\p{Cn})");
        QStringList differ;
        for (char32_t cp = 0; cp < 0x110000; ++cp) {
            if (cp >= 0xD800 && cp < 0xE000) continue;
            std::string c;
            sieve::utf8::append(c, cp);
            const auto it = changed.find(cp);
            const std::string expected = it == changed.end() ? c : it->second;
            if (sieve::tok::lowercased(c) != expected && !unassigned[cp])
                differ << QString::number(uint(cp), 16);
        }
        QVERIFY2(differ.isEmpty(), qPrintable(differ.mid(0, 60).join(" ")));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerPipelines)
#include "test_tokenizer_pipelines.moc"

// Tokenizers against Hugging Face `tokenizers` (fixtures written by
// scripts/fixtures/tokenizers.py) and llama2.c's own generation output.
#include <time.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/pipeline_tokenizer.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/tokenizer_json_writer.h"
#include "core/tokenizer/utf8.h"

using sieve::Tokenizer;

namespace {

const QString kFixtures = QStringLiteral(SIEVE_FIXTURES_DIR "/tokenizers");
const QString kShared = QStringLiteral(SIEVE_SHARED_DIR);

std::string readText(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const QJsonObject& reference() {
    static const QJsonObject root = [] {
        QFile f(kFixtures + "/reference.json");
        if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open reference.json");
        return QJsonDocument::fromJson(f.readAll()).object();
    }();
    return root;
}

std::vector<int64_t> toIds(const QJsonArray& a) {
    std::vector<int64_t> ids;
    for (const auto& v : a) ids.push_back(v.toInteger());
    return ids;
}

QString patchedLlama2(const QString& variant);
QString writtenFromGguf(const QString& ggufPath, const QString& name);

QString tokenizerPath(const QString& name) {
    // A GGUF vocabulary as an export writes it for transformers (tokenizer.json
    // + tokenizer_config.json), read back as Hugging Face files.
    if (name == "llama2_gguf_as_json") return writtenFromGguf(kFixtures + "/llama2_spm.gguf", name);
    if (name == "llama3_small_gguf_as_json") return writtenFromGguf(kFixtures + "/llama3_small.gguf", name);
    if (name == "llama3_small") return kFixtures + "/llama3_small.json";
    if (name == "llama2_gguf") return kFixtures + "/llama2_spm.gguf";
    if (name == "llama3_small_gguf") return kFixtures + "/llama3_small.gguf";
    if (name == "stories260k_gguf") return kFixtures + "/stories260k.gguf";
    if (name.startsWith("llama2_strip") || name.startsWith("llama2_metaspace")) return patchedLlama2(name);
    if (name == "tok512") return kShared + "/models/stories260K/tok512.bin";
    return kShared + "/tokenizers/" + name + "/tokenizer.json";
}

// A variant of llama2's tokenizer.json: the fixture's patch (the same one
// scripts/fixtures/tokenizers.py gave HF) applied, in a temporary file.
// (Patched with nlohmann::json: QJsonDocument drops U+FEFF from the vocabulary.)
QString patchedLlama2(const QString& variant) {
    static QTemporaryDir dir;
    const QString path = dir.filePath(variant + ".json");
    if (QFile::exists(path)) return path;
    using nlohmann::json;
    json root = json::parse(readText(kShared + "/tokenizers/llama2/tokenizer.json"));
    const QJsonObject patch = reference()[variant].toObject()["patch"].toObject();
    const json added = json::parse(QJsonDocument(patch["added"].toObject()).toJson().toStdString());
    const json replaced = json::parse(QJsonDocument(patch["root"].toObject()).toJson().toStdString());
    for (json& token : root["added_tokens"]) {
        const std::string content = token["content"];
        if (added.contains(content)) token.update(added[content]);
    }
    root.update(replaced);
    std::ofstream(path.toStdString(), std::ios::binary) << root.dump();
    return path;
}

QString writtenFromGguf(const QString& ggufPath, const QString& name) {
    static QTemporaryDir dir;
    const QString folder = dir.filePath(name);
    if (QFile::exists(folder + "/tokenizer.json")) return folder + "/tokenizer.json";
    QDir().mkpath(folder);
    const sieve::tok::HfTokenizerFiles files = sieve::tok::hfTokenizerFromGguf(ggufPath.toStdString());
    std::ofstream(folder.toStdString() + "/tokenizer.json", std::ios::binary) << files.tokenizer.dump();
    std::ofstream(folder.toStdString() + "/tokenizer_config.json", std::ios::binary)
        << files.tokenizerConfig.dump();
    return folder + "/tokenizer.json";
}

// Loaded once per test run (the Qwen3 file is 11 MB of JSON).
const Tokenizer& tokenizer(const QString& name) {
    static std::map<QString, std::unique_ptr<Tokenizer>> cache;
    auto& slot = cache[name];
    if (!slot) slot = Tokenizer::load(tokenizerPath(name).toStdString());
    return *slot;
}

// Which reference a tokenizer is checked against.
QString referenceName(const QString& name) {
    if (name == "llama2_gguf") return "llama2";
    if (name == "llama3_small_gguf" || name == "llama3_small_gguf_as_json") return "llama3_small";
    if (name == "llama2_gguf_as_json") return "llama2";
    return name;
}

QString show(const std::vector<int64_t>& ids) {
    QStringList parts;
    for (const auto id : ids) parts << QString::number(id);
    return "[" + parts.join(", ") + "]";
}

// A GGUF v3 file with no tensors and only string metadata (for error paths).
QByteArray ggufWithStrings(const std::vector<std::pair<std::string, std::string>>& kv) {
    QByteArray out("GGUF");
    const auto put = [&](auto value) { out.append(reinterpret_cast<const char*>(&value), sizeof(value)); };
    const auto putString = [&](const std::string& s) {
        put(uint64_t(s.size()));
        out.append(s.data(), qsizetype(s.size()));
    };
    put(uint32_t(3));
    put(uint64_t(0));
    put(uint64_t(kv.size()));
    for (const auto& [key, value] : kv) {
        putString(key);
        put(uint32_t(8));  // string
        putString(value);
    }
    return out;
}

std::string writeTemp(const QTemporaryDir& dir, const QString& name, const std::string& content) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

// CPU seconds of this thread to encode `text`: best of two runs, or one run
// when it takes over 0.5 s (noise no longer matters, and repeating the worst
// cases doubled the suite's longest test). CPU time, not wall time: the test
// machine is shared, and waiting for a core is not work.
double encodeSeconds(const Tokenizer& t, const std::string& text) {
    double best = 1e9;
    for (int run = 0; run < 2 && best > 0.5; ++run) {
        timespec start{}, end{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
        const auto ids = t.encode(text, false);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
        best = std::min(best, double(end.tv_sec - start.tv_sec) + double(end.tv_nsec - start.tv_nsec) * 1e-9);
        if (ids.empty()) return -1;
    }
    return best;
}

std::string repeatTo(const std::string& unit, size_t bytes) {
    std::string s;
    while (s.size() < bytes) s += unit;
    return s;
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // Every case reads the tokenizers and texts in ../shared (CI has them), as the
        // other tests on shared data skip without them.
        if (!QFile::exists(kShared + "/tokenizers/llama2/tokenizer.json"))
            QSKIP(qPrintable("no tokenizers under SIEVE_SHARED_DIR (" + kShared + ")"));
    }
    void matchesReference_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("index");
        for (const QString name : {"llama2", "llama3_1", "qwen3", "llama3_small", "llama2_gguf",
                                   "llama3_small_gguf", "llama2_gguf_as_json", "llama3_small_gguf_as_json",
                                   "llama2_strip", "llama2_metaspace_first", "llama2_metaspace_split"}) {
            const QJsonArray cases = reference()[referenceName(name)].toObject()["cases"].toArray();
            for (int i = 0; i < cases.size(); ++i)
                QTest::newRow(qPrintable(name + "/" + cases[i].toObject()["name"].toString())) << name << i;
        }
    }
    // Ids identical to HF with and without special tokens; decode as HF does.
    void matchesReference() {
        QFETCH(QString, name);
        QFETCH(int, index);
        const QJsonObject c =
            reference()[referenceName(name)].toObject()["cases"].toArray()[index].toObject();
        const Tokenizer& t = tokenizer(name);
        const std::string text = c["text"].toString().toStdString();
        const auto expected = toIds(c["ids"].toArray());
        const auto expectedPlain = toIds(c["ids_plain"].toArray());
        const auto ids = t.encode(text, true);
        const auto plain = t.encode(text, false);
        if (ids != expected)
            QFAIL(qPrintable("with special:\n got      " + show(ids) + "\n expected " + show(expected)));
        if (plain != expectedPlain)
            QFAIL(qPrintable("plain:\n got      " + show(plain) + "\n expected " + show(expectedPlain)));
        QCOMPARE(QString::fromStdString(t.decode(expected, true)), c["decoded"].toString());
        QCOMPARE(QString::fromStdString(t.decode(expected, false)), c["decoded_keep_special"].toString());
    }

    void decodesPartialUtf8_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("index");
        for (const QString name : {"llama2", "llama3_1", "qwen3", "llama2_gguf", "llama2_gguf_as_json"}) {
            const QJsonArray cases = reference()[referenceName(name)].toObject()["decode_cases"].toArray();
            for (int i = 0; i < cases.size(); ++i)
                QTest::newRow(qPrintable(name + "/" + cases[i].toObject()["name"].toString())) << name << i;
        }
    }
    // Id lists cut inside multi-byte characters: U+FFFD exactly where HF puts it.
    void decodesPartialUtf8() {
        QFETCH(QString, name);
        QFETCH(int, index);
        const QJsonObject c =
            reference()[referenceName(name)].toObject()["decode_cases"].toArray()[index].toObject();
        QCOMPARE(QString::fromStdString(tokenizer(name).decode(toIds(c["ids"].toArray()), true)),
                 c["decoded"].toString());
    }

    void vocabularyFacts_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("bos");
        QTest::addColumn<QString>("eos");
        // bos/eos as named in each model's tokenizer_config.json.
        QTest::newRow("llama2") << "llama2"
                                << "<s>"
                                << "</s>";
        QTest::newRow("llama3_1") << "llama3_1"
                                  << "<|begin_of_text|>"
                                  << "<|eot_id|>";
        QTest::newRow("qwen3") << "qwen3"
                               << ""
                               << "<|im_end|>";
    }
    void vocabularyFacts() {
        QFETCH(QString, name);
        QFETCH(QString, bos);
        QFETCH(QString, eos);
        const Tokenizer& t = tokenizer(name);
        QCOMPARE(t.vocabSize(), reference()[name].toObject()["vocab_size"].toInteger());
        if (bos.isEmpty()) {
            QVERIFY(!t.bosId());
        } else {
            QCOMPARE(t.bosId(), t.tokenId(bos.toStdString()));
            QVERIFY(t.bosId());
        }
        QCOMPARE(t.eosId(), t.tokenId(eos.toStdString()));
        QVERIFY(t.eosId());
    }

    // SmolLM2's GGUF vocabulary (tokenizer.ggml.pre "smollm": digits one by
    // one, then GPT-2's regex) written as tokenizer.json encodes every
    // reference text as the GGUF itself does, with the same BOS/EOS, and
    // tokenizer_config.json carries the chat template. (That transformers
    // reads the written files the same way: scripts/check_tokenizer_export.py,
    // docs/tokenizers.md.)
    void ggufWrittenAsJsonEncodesTheSame() {
        const QString gguf = kShared + "/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf";
        const QString json = writtenFromGguf(gguf, "smollm2_as_json");
        const auto fromGguf = Tokenizer::load(gguf.toStdString());
        const auto fromJson = Tokenizer::load(json.toStdString());
        QCOMPARE(fromJson->vocabSize(), fromGguf->vocabSize());
        QCOMPARE(fromJson->bosId(), fromGguf->bosId());
        QCOMPARE(fromJson->eosId(), fromGguf->eosId());
        int compared = 0;
        for (const char* set : {"llama3_1", "llama2"})
            for (const auto& c : reference()[set].toObject()["cases"].toArray()) {
                const std::string text = c.toObject()["text"].toString().toStdString();
                for (const bool special : {true, false}) {
                    const auto expected = fromGguf->encode(text, special);
                    const auto ids = fromJson->encode(text, special);
                    if (ids != expected)
                        QFAIL(qPrintable(c.toObject()["name"].toString() + ":\n got      " + show(ids) +
                                         "\n expected " + show(expected)));
                    QCOMPARE(fromJson->decode(ids, special), fromGguf->decode(ids, special));
                    ++compared;
                }
            }
        QVERIFY(compared > 40);
        const auto config =
            nlohmann::json::parse(readText(QFileInfo(json).path() + "/tokenizer_config.json"));
        QCOMPARE(QString::fromStdString(config.at("chat_template").get<std::string>()).left(30),
                 QStringLiteral("{% for message in messages %}{"));
        QCOMPARE(config.at("eos_token").get<std::string>(), std::string("<|im_end|>"));
    }

    // PCRE2's \s, \p{L}, \p{N} against what Oniguruma (HF) matches, code point
    // by code point over all of Unicode.
    void regexClassesMatchOniguruma_data() {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<QString>("pattern");
        QTest::newRow("space") << "space"
                               << R"(\s)";
        QTest::newRow("letter") << "letter"
                                << R"(\p{L})";
        QTest::newRow("number") << "number"
                                << R"(\p{N})";
    }
    void regexClassesMatchOniguruma() {
        QFETCH(QString, cls);
        QFETCH(QString, pattern);
        QFile f(kFixtures + "/class_ranges.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray ranges = QJsonDocument::fromJson(f.readAll()).object()[cls].toArray();
        std::vector<bool> expected(0x110000, false);
        for (const auto& r : ranges)
            for (auto cp = r.toArray()[0].toInteger(); cp <= r.toArray()[1].toInteger(); ++cp)
                expected[cp] = true;
        std::string all;
        std::vector<char32_t> offsetToCp;
        for (char32_t cp = 0; cp < 0x110000; ++cp) {
            if (cp >= 0xD800 && cp < 0xE000) continue;
            const size_t at = all.size();
            sieve::utf8::append(all, cp);
            offsetToCp.resize(all.size(), 0);
            offsetToCp[at] = cp;
        }
        const auto matched = [&](const std::string& p) {
            const sieve::tok::RegexSplitter splitter(p, "test");
            std::vector<sieve::tok::Span> found;
            splitter.matches(all, {0, all.size()}, found);
            std::vector<bool> got(0x110000, false);
            for (const auto& m : found) got[offsetToCp[m.begin]] = true;
            return got;
        };
        const std::vector<bool> got = matched(pattern.toStdString());
        // PCRE2 10.42 knows Unicode 14, HF's Oniguruma a newer version: the
        // characters assigned since are unassigned (Cn) to PCRE2, and only
        // those may differ. Text using them may pre-tokenize differently.
        const std::vector<bool> unassigned = matched(R"(\p{Cn})");
        QStringList differ;
        int newer = 0;
        for (char32_t cp = 0; cp < 0x110000; ++cp) {
            if (got[cp] == expected[cp]) continue;
            if (unassigned[cp] && expected[cp])
                ++newer;
            else
                differ << QString::number(cp, 16);
        }
        qInfo("%s: %d code points assigned after PCRE2's Unicode version", qPrintable(cls), newer);
        QVERIFY2(
            differ.isEmpty(),
            qPrintable(
                QString("%1 code points differ: %2").arg(differ.size()).arg(differ.mid(0, 40).join(" "))));
    }

    void rejectsUnsupportedModels_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("WordLevel") << R"({"model": {"type": "WordLevel", "vocab": {}}})"
                                   << "model type WordLevel is not supported";
        QTest::newRow("normalizer")
            << R"({"normalizer": {"type": "Precompiled", "precompiled_charsmap": ""}, "model": {"type": "BPE", "vocab": {}, "merges": []}})"
            << "normalizer type Precompiled is not supported";
        QTest::newRow("pre_tokenizer")
            << R"({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "FixedLength", "length": 5}]}, "model": {"type": "BPE", "vocab": {}, "merges": []}})"
            << "pre_tokenizer type FixedLength is not supported";
        QTest::newRow("post_processor")
            << R"({"post_processor": {"type": "Unknown"}, "model": {"type": "BPE", "vocab": {}, "merges": []}})"
            << "post_processor type Unknown is not supported";
        QTest::newRow("decoder")
            << R"({"model": {"type": "BPE", "vocab": {}, "merges": []}, "decoder": {"type": "Cyrillic"}})"
            << "decoder type Cyrillic is not supported";
        QTest::newRow("split behavior")
            << R"({"pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways", "invert": false}, "model": {"type": "BPE", "vocab": {}, "merges": []}})"
            << "Split pre-tokenizer: behavior 'Sideways'";
        QTest::newRow("bad regex")
            << R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "x{2,1}"}, "behavior": "Isolated", "invert": false}, "model": {"type": "BPE", "vocab": {}, "merges": []}})"
            << "regex does not compile";
        QTest::newRow("dropout") << R"({"model": {"type": "BPE", "dropout": 0.1, "vocab": {}, "merges": []}})"
                                 << "BPE model: dropout is not supported";
        QTest::newRow("unigram unk_id")
            << R"({"model": {"type": "Unigram", "unk_id": 3, "vocab": [["a", 0.0]]}})"
            << "Unigram model: unk_id 3 is outside the vocabulary";
        QTest::newRow("merge")
            << R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}, "decoder": {"type": "Fuse"}})"
            << "merge 0 'a b' uses a token not in the vocabulary";
        QTest::newRow("not json") << "{ oops"
                                  << "not valid JSON";
        QTest::newRow("wrong type")
            << R"({"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}, "decoder": {"type": "Fuse"}})"
            << R"(vocab entry 'a': token id "zero" is not an integer)";
        QTest::newRow("not a tokenizer") << "hello, I am a text file"
                                         << "not a llama2.c tokenizer";
    }
    void rejectsUnsupportedModels() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string path = writeTemp(dir, "tokenizer.json", json.toStdString());
        try {
            Tokenizer::load(path);
            QFAIL("no error");
        } catch (const sieve::FormatError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(path)), e.what());
        }
    }

    void rejectsInvalidUtf8_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        for (const QString name : {"llama2", "llama3_1", "qwen3", "tok512", "llama2_gguf"}) {
            QTest::newRow(qPrintable(name + "/lone continuation")) << name << QByteArray("ab\x80z") << 2;
            QTest::newRow(qPrintable(name + "/truncated")) << name << QByteArray("\xe4\xbd\xa0\xe5\xa5") << 3;
            QTest::newRow(qPrintable(name + "/surrogate")) << name << QByteArray("x\xed\xa0\x80") << 1;
            QTest::newRow(qPrintable(name + "/overlong")) << name << QByteArray("\xc0\xaf") << 0;
        }
    }
    // Invalid UTF-8 is rejected (HF cannot even receive it: Python str / Rust
    // &str), with the byte offset of the first bad sequence.
    void rejectsInvalidUtf8() {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        try {
            tokenizer(name).encode(bytes.toStdString(), true);
            QFAIL("no error");
        } catch (const sieve::InputError& e) {
            QVERIFY2(QString(e.what()).contains(QString("byte offset %1").arg(offset)), e.what());
        }
    }

    // SentencePiece-style inputs are cut into words before each "▁" run (so
    // words can be cached; without it one merge loop runs over the whole
    // text, ~50x slower). The reference tests show the cut changes no ids;
    // this checks it is in use where the vocabulary allows it.
    void cutsSentencePieceTextIntoWords_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("cuts");
        QTest::newRow("llama2") << "llama2" << true;
        QTest::newRow("llama2_gguf") << "llama2_gguf" << true;
        QTest::newRow("llama2_metaspace_first") << "llama2_metaspace_first" << true;
        QTest::newRow("llama2_metaspace_split") << "llama2_metaspace_split" << false;  // already words
        QTest::newRow("tok512") << "tok512" << true;
        QTest::newRow("llama3_1") << "llama3_1" << false;  // byte-level: regex pre-tokens
    }
    void cutsSentencePieceTextIntoWords() {
        QFETCH(QString, name);
        QFETCH(bool, cuts);
        const auto* bpe = dynamic_cast<const sieve::tok::PipelineTokenizer*>(&tokenizer(name));
        QVERIFY(bpe);
        QCOMPARE(bpe->cutsAtWordMarker(), cuts);
    }

    // One instance used from several threads at once gives the same ids.
    void concurrentEncodeIsConsistent() {
        const Tokenizer& t = tokenizer("llama3_1");
        const std::string text = readText(kShared + "/data/tinystories-valid-sample.txt");
        const auto expected = t.encode(text);
        std::vector<std::vector<int64_t>> got(4);
        std::vector<std::thread> threads;
        for (auto& g : got) threads.emplace_back([&] { g = t.encode(text); });
        for (auto& th : threads) th.join();
        for (const auto& g : got) QVERIFY(g == expected);
    }

    // A model directory finds its tokenizer file.
    void loadsFromDirectory() {
        const auto fromDir = Tokenizer::load((kShared + "/tokenizers/llama2").toStdString());
        QVERIFY(fromDir->encode("Hello world") == tokenizer("llama2").encode("Hello world"));
        QTemporaryDir empty;
        QVERIFY_THROWS_EXCEPTION(sieve::InputError, Tokenizer::load(empty.path().toStdString()));
    }

    void rejectsOutOfRangeIds() {
        const Tokenizer& t = tokenizer("qwen3");
        QVERIFY_THROWS_EXCEPTION(sieve::InputError, t.decode({1, t.vocabSize()}));
        QVERIFY_THROWS_EXCEPTION(sieve::InputError, t.decode({-1}));
    }

    // stories260K: decoding the ids run.c generated gives run.c's text, and
    // encoding that text gives the ids back (after the BOS that encode adds).
    // The .txt ends with the "\n" run.c's generate() prints after the last
    // token; it is not part of the generated ids.
    void llama2cRoundTrip() {
        const Tokenizer& t = tokenizer("tok512");
        QCOMPARE(t.vocabSize(), 512);
        QCOMPARE(t.bosId(), std::optional<int64_t>(1));
        QCOMPARE(t.eosId(), std::optional<int64_t>(2));
        std::string text = readText(kShared + "/models/stories260K/greedy_from_bos.txt");
        QVERIFY(!text.empty() && text.back() == '\n');
        text.pop_back();
        std::vector<int64_t> generated;
        std::istringstream idStream(readText(kShared + "/models/stories260K/greedy_from_bos.ids"));
        for (int64_t id; idStream >> id;) generated.push_back(id);
        QCOMPARE(generated.size(), size_t(256));
        QCOMPARE(QString::fromStdString(t.decode(generated)), QString::fromStdString(text));
        std::vector<int64_t> withBos{1};
        withBos.insert(withBos.end(), generated.begin(), generated.end());
        QCOMPARE(QString::fromStdString(t.decode(withBos, false)), QString::fromStdString("\n<s>\n" + text));
        const auto encoded = t.encode(text, true);
        if (encoded != withBos)
            QFAIL(qPrintable("got      " + show(encoded) + "\nexpected " + show(withBos)));
        QVERIFY(t.encode("", true) == std::vector<int64_t>{1});
        QVERIFY(t.encode("", false).empty());
    }

    // The same vocabulary as a GGUF "llama" vocab encodes as the llama2.c file.
    void ggufStoriesMatchesLlama2c() {
        const Tokenizer& gguf = tokenizer("stories260k_gguf");
        const Tokenizer& bin = tokenizer("tok512");
        QCOMPARE(gguf.vocabSize(), bin.vocabSize());
        QCOMPARE(gguf.bosId(), bin.bosId());
        const std::string story = readText(kShared + "/data/tinystories-valid-sample.txt").substr(0, 20000);
        QVERIFY(gguf.encode(story, true) == bin.encode(story, true));
        const auto ids = bin.encode(story, false);
        QCOMPARE(QString::fromStdString(gguf.decode(ids)), QString::fromStdString(bin.decode(ids)));
    }

    void rejectsBadGguf_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        const QByteArray truncated =
            QByteArray::fromStdString(readText(kFixtures + "/stories260k.gguf").substr(0, 3000));
        QTest::newRow("truncated") << truncated << "tokenizer.ggml.tokens";
        QByteArray version = QByteArray::fromStdString(readText(kFixtures + "/stories260k.gguf"));
        version[4] = 9;
        QTest::newRow("version") << version << "GGUF version 9 is not supported";
        QByteArray huge = QByteArray::fromStdString(readText(kFixtures + "/stories260k.gguf"));
        for (int i = 16; i < 24; ++i) huge[i] = char(0x7f);  // metadata count
        QTest::newRow("implausible count") << huge << "do not fit in the file";
        QTest::newRow("no vocabulary")
            << ggufWithStrings({{"general.architecture", "llama"}}) << "no tokenizer.ggml.model";
        QTest::newRow("unsupported model") << ggufWithStrings({{"tokenizer.ggml.model", "bert"}})
                                           << "tokenizer model 'bert' is not supported";
        QTest::newRow("no tokens") << ggufWithStrings({{"tokenizer.ggml.model", "llama"}})
                                   << "tokenizer.ggml.tokens is missing";
    }
    void rejectsBadGguf() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string path = writeTemp(dir, "vocab.gguf", bytes.toStdString());
        try {
            Tokenizer::load(path);
            QFAIL("no error");
        } catch (const sieve::FormatError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void encodingTimeIsLinear_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("kind");
        for (const QString name : {"llama2", "llama3_1", "qwen3", "tok512"}) {
            QTest::newRow(qPrintable(name + "/stories")) << name << "stories";
            QTest::newRow(qPrintable(name + "/one long word")) << name << "word";
            QTest::newRow(qPrintable(name + "/chinese run")) << name << "chinese";
            QTest::newRow(qPrintable(name + "/spaces")) << name << "spaces";
        }
    }
    // Quadrupling the text from 1 MB to 4 MB must about quadruple the time
    // for ordinary text (bound 8x: halfway on a log scale between linear, 4x,
    // and quadratic, 16x). A single pre-token of megabytes (one long word, a
    // whitespace run, a byte-level Chinese run) is the merge loop's worst case:
    // there we measured 7.2-8.1x, i.e. time ~ n^1.5 (a known defect, filed on
    // the tokenizer issue), so those cases assert only "no quadratic blow-up"
    // (bound 12x, log-halfway between n^1.5 and n^2) until it is fixed. They
    // run at ~1.4 MB/s, so they quadruple 512 KB, not 1 MB: the same ratios
    // (4-7.3 measured), and the test takes 25 s instead of 60.
    void encodingTimeIsLinear() {
        QFETCH(QString, name);
        QFETCH(QString, kind);
        std::string unit;
        if (kind == "stories") unit = readText(kShared + "/data/tinystories-valid-sample.txt");
        if (kind == "word") unit = "thequickbrownfoxjumpsoverthelazydog";
        if (kind == "chinese") unit = "人工智能正在改变世界语言模型越来越强大";
        if (kind == "spaces") unit = "    ";
        const Tokenizer& t = tokenizer(name);
        const size_t quarterBytes = kind == "stories" ? 1024 * 1024 : 512 * 1024;
        const std::string quarter = repeatTo(unit, quarterBytes), full = repeatTo(unit, 4 * quarterBytes);
        const double tQuarter = encodeSeconds(t, quarter), tFull = encodeSeconds(t, full);
        const double mb = double(quarterBytes) / (1024 * 1024);
        qInfo("%s %s: %g MB %.1f ms, %g MB %.1f ms (%.1f MB/s), ratio %.2f", qPrintable(name),
              qPrintable(kind), mb, tQuarter * 1e3, 4 * mb, tFull * 1e3, 4 * mb / tFull, tFull / tQuarter);
        QVERIFY(tQuarter > 0 && tFull > 0);
        const double bound = kind == "stories" ? 8.0 : 12.0;
        QVERIFY2(tFull / tQuarter < bound,
                 qPrintable(
                     QString("ratio %1 >= %2 (linear: 4, quadratic: 16)").arg(tFull / tQuarter).arg(bound)));
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"

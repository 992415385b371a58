// The GGUF reader and ggml's tensor types against the gguf Python package
// (scripts/fixtures/gguf_quants.py): for every type the loader decodes, the
// values gguf.quants.dequantize read from the same bytes; the metadata
// gguf.GGUFReader read from a file with every value type; and hand-made
// hostile files, each of which must give a FormatError naming the file and
// the key or tensor at fault.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/common/error.h"
#include "core/gguf/dequantize.h"
#include "core/gguf/gguf_file.h"
#include "core/model/gguf_tensor.h"
#include "core/tokenizer/gguf_metadata.h"
#include "model/npy.h"

using namespace sieve;
using nlohmann::json;

namespace {

const std::string kDir = std::string(SIEVE_FIXTURES_DIR) + "/gguf_quants";

const json& readJson(const std::string& path) {
    static std::map<std::string, json> cache;
    auto it = cache.find(path);
    if (it == cache.end()) {
        std::ifstream in(path);
        it = cache.emplace(path, json::parse(in)).first;
    }
    return it->second;
}

const json& manifest() {
    return readJson(kDir + "/quants/quants.json");
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Distance in representable float32 values (0 = identical bits; both NaN = 0).
int64_t ulpDistance(float a, float b) {
    if (std::isnan(a) && std::isnan(b)) return 0;
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<int64_t>::max();
    auto ordered = [](float f) {
        int32_t i;
        std::memcpy(&i, &f, 4);
        return i < 0 ? int64_t(std::numeric_limits<int32_t>::min()) - i : int64_t(i);
    };
    return std::llabs(ordered(a) - ordered(b));
}

// Bitwise equality of two tensors of the same dtype (NaN payloads included).
bool sameBits(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || !a.sizes().equals(b.sizes())) return false;
    const auto ac = a.contiguous(), bc = b.contiguous();
    return std::memcmp(ac.data_ptr(), bc.data_ptr(), size_t(ac.nbytes())) == 0;
}

// A GGUF file written byte by byte, for the hostile cases.
struct GgufImage {
    std::string bytes;

    template <typename T>
    GgufImage& put(T v) {
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
        return *this;
    }
    GgufImage& str(const std::string& s) {
        put<uint64_t>(s.size());
        bytes += s;
        return *this;
    }
    static GgufImage header(uint64_t tensors, uint64_t kvs, uint32_t version = 3) {
        GgufImage g;
        g.bytes = "GGUF";
        g.put(version).put<uint64_t>(tensors).put<uint64_t>(kvs);
        return g;
    }
    GgufImage& key(const std::string& k, uint32_t type) {
        str(k);
        return put(type);
    }
    GgufImage& tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
        str(name).put<uint32_t>(uint32_t(ne.size()));
        for (uint64_t n : ne) put(n);
        return put(type).put(offset);
    }
    // Appends n zero bytes (so that a header's counts fit the file and the
    // error under test is the one the parser meets).
    GgufImage& pad(size_t n) {
        bytes.append(n, '\0');
        return *this;
    }
    // Pads to the default alignment and appends `n` data bytes.
    GgufImage& data(size_t n) {
        bytes.resize((bytes.size() + 31) / 32 * 32, '\0');
        bytes.append(n, '\x11');
        return *this;
    }
};

constexpr uint32_t kU32 = 4, kBool = 7, kString = 8, kArray = 9;
constexpr uint32_t kF32 = 0, kQ4_K = 12;

std::string writeTemp(const QTemporaryDir& dir, const std::string& name, const std::string& bytes) {
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// Reads every tensor a damaged file still describes; any exception but
// InputError (FormatError is one) fails the test.
void readEverything(const std::string& path, const std::string& what) {
    try {
        const GgufFile file(path);
        for (const auto& info : file.tensors()) {
            if (!canDequantize(info.type)) continue;
            std::vector<float> out(static_cast<size_t>(info.elements()));
            dequantize(info.type, file.bytes(info).data, info.elements(), out.data());
        }
    } catch (const InputError&) {
    } catch (const std::exception& e) {
        QFAIL((what + ": " + e.what()).c_str());
    }
    try {
        tok::GgufMetadata::read(path);
    } catch (const InputError&) {
    } catch (const std::exception& e) {
        QFAIL((what + " (tokenizer metadata): " + e.what()).c_str());
    }
}

}  // namespace

class TestGgufQuants : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    // ---- every decodable type against gguf.quants.dequantize ------------------------
    void dequantizeMatchesGgufPackage_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("tensor");
        for (const auto& t : manifest()["types"])
            for (auto it = t["tensors"].begin(); it != t["tensors"].end(); ++it)
                QTest::newRow((t["type"].get<std::string>() + "/" + it.key()).c_str())
                    << QString::fromStdString(t["type"].get<std::string>())
                    << QString::fromStdString(it.key());
    }
    // Expected: bit-identical (0 ulp). Both sides compute every weight as the
    // same float32 operations in the same order: the float16 scales are exact in
    // float32, the per-group factor is one rounded product (d * sc), and the
    // weight is that factor times the small integer quant (exact in float32),
    // rounded once, minus the (rounded) minimum for the types that have one.
    // The library is compiled with -ffp-contract=off so no FMA fuses these.
    void dequantizeMatchesGgufPackage() {
        QFETCH(QString, type);
        QFETCH(QString, tensor);
        const std::string stem = kDir + "/quants/" + lower(type.toStdString());
        const GgufFile file(stem + ".gguf");
        const GgufTensorInfo* info = file.findTensor(tensor.toStdString());
        QVERIFY(info);
        QCOMPARE(QString::fromStdString(ggmlTypeName(info->type)), type);
        QVERIFY(canDequantize(info->type));
        const torch::Tensor want = test::readNpyFloat32(stem + "." + tensor.toStdString() + ".npy");
        QCOMPARE(std::vector<int64_t>(info->shape), want.sizes().vec());
        QCOMPARE(file.bytes(*info).size, ggmlBytesFor(info->type, info->elements()));

        std::vector<float> got(static_cast<size_t>(info->elements()));
        dequantize(info->type, file.bytes(*info).data, info->elements(), got.data());
        const float* w = want.data_ptr<float>();
        int64_t worst = 0, at = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            const int64_t d = ulpDistance(got[i], w[i]);
            if (d > worst) worst = d, at = int64_t(i);
        }
        QVERIFY2(worst <= 1,
                 (type + "/" + tensor + ": " + QString::number(worst) + " ulp at " + QString::number(at) +
                  ": " + QString::number(got[size_t(at)], 'g', 9) + " vs " + QString::number(w[at], 'g', 9))
                     .toUtf8());
        QCOMPARE(worst, int64_t(0));  // see above: no reason for any difference
    }

    // The loader's path: rows reordered while decoding (the q/k un-permutation)
    // and converted to the compute dtype in chunks, which must equal decoding
    // to float32 and converting with torch.
    void loaderReordersAndConverts_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("dtype");
        for (const auto& t : manifest()["types"])
            for (const auto& [name, dtype] :
                 std::vector<std::pair<std::string, torch::ScalarType>>{{"float32", torch::kFloat32},
                                                                        {"bfloat16", torch::kBFloat16},
                                                                        {"float16", torch::kFloat16}})
                QTest::newRow((t["type"].get<std::string>() + "/" + name).c_str())
                    << QString::fromStdString(t["type"].get<std::string>()) << int(dtype);
    }
    void loaderReordersAndConverts() {
        QFETCH(QString, type);
        QFETCH(int, dtype);
        const auto scalar = static_cast<torch::ScalarType>(dtype);
        const std::string stem = kDir + "/quants/" + lower(type.toStdString());
        const GgufFile file(stem + ".gguf");
        for (const char* name : {"matrix", "tall"}) {
            const GgufTensorInfo& info = *file.findTensor(name);
            const torch::Tensor want = test::readNpyFloat32(stem + "." + name + ".npy");
            QVERIFY(sameBits(readGgufTensor(file, info, scalar, torch::kCPU), want.to(scalar)));
            std::vector<int64_t> rows(static_cast<size_t>(info.rows()));
            for (size_t r = 0; r < rows.size(); ++r) rows[r] = int64_t(rows.size() - 1 - r);
            const torch::Tensor reversed = readGgufTensor(file, info, scalar, torch::kCPU, rows);
            QVERIFY2(sameBits(reversed, want.flip(0).to(scalar)), name);
        }
    }

    // ---- metadata of every value type against gguf.GGUFReader ---------------------------
    void metadataMatchesGgufReader() {
        const json& want = readJson(kDir + "/metadata.json");
        const GgufFile file(kDir + "/metadata.gguf");
        const std::map<std::string, GgufType> types = {
            {"UINT8", GgufType::U8},    {"INT8", GgufType::I8},    {"UINT16", GgufType::U16},
            {"INT16", GgufType::I16},   {"UINT32", GgufType::U32}, {"INT32", GgufType::I32},
            {"FLOAT32", GgufType::F32}, {"BOOL", GgufType::Bool},  {"STRING", GgufType::String},
            {"ARRAY", GgufType::Array}, {"UINT64", GgufType::U64}, {"INT64", GgufType::I64},
            {"FLOAT64", GgufType::F64},
        };
        // One scalar of a JSON value as ours must read it.
        auto checkScalar = [&](const std::string& key, GgufType type, const json& j, double number,
                               int64_t integer, bool isInt) {
            if (type == GgufType::Bool) {
                QCOMPARE(integer, int64_t(j.get<bool>()));
            } else if (type == GgufType::U64) {
                const uint64_t u = j.get<uint64_t>();
                QCOMPARE(number, double(u));
                QCOMPARE(integer, u > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(u));  // clamped, documented
            } else if (isInt) {
                QCOMPARE(integer, j.get<int64_t>());
                QCOMPARE(number, double(j.get<int64_t>()));
            } else {
                QVERIFY2(number == j.get<double>(), key.c_str());
            }
        };
        for (auto it = want.begin(); it != want.end(); ++it) {
            const std::string& key = it.key();
            const GgufValue* v = file.find(key);
            QVERIFY2(v, key.c_str());
            QCOMPARE(v->type, types.at((*it)["type"].get<std::string>()));
            const json& value = (*it)["value"];
            if (v->type == GgufType::String) {
                QCOMPARE(v->text, value.get<std::string>());
            } else if (v->type != GgufType::Array) {
                checkScalar(key, v->type, value, v->number, v->integer, v->isInteger());
                if (v->type == GgufType::Bool) QCOMPARE(v->boolean, value.get<bool>());
            } else if (v->elementType == GgufType::Array) {
                // gguf.GGUFReader flattens arrays of arrays; compare the flattened values.
                QCOMPARE(v->elementType, types.at((*it)["element"].get<std::string>()));
                std::vector<int64_t> flat;
                std::vector<int64_t> lengths;
                for (const GgufValue& inner : v->arrays) {
                    QCOMPARE(inner.elementType, types.at((*it)["inner_element"].get<std::string>()));
                    lengths.push_back(int64_t(inner.count));
                    for (uint64_t i = 0; i < inner.count; ++i) flat.push_back(inner.integerAt(i));
                }
                QCOMPARE(lengths, (*it)["inner_lengths"].get<std::vector<int64_t>>());
                QCOMPARE(flat, value.get<std::vector<int64_t>>());
            } else {
                QCOMPARE(v->elementType, types.at((*it)["element"].get<std::string>()));
                QCOMPARE(v->count, uint64_t(value.size()));
                for (uint64_t i = 0; i < v->count; ++i) {
                    if (v->elementType == GgufType::String) {
                        QCOMPARE(v->strings[i], value[i].get<std::string>());
                        continue;
                    }
                    const bool isInt = v->elementType != GgufType::F32 && v->elementType != GgufType::F64;
                    checkScalar(key, v->elementType, value[i], v->numberAt(i), v->integerAt(i),
                                isInt && v->elementType != GgufType::Bool);
                    if (QTest::currentTestFailed()) return;
                }
            }
            if (QTest::currentTestFailed()) return;
        }
        QCOMPARE(file.tensors().size(), size_t(0));
    }

    // The tokenizer's API (core/tokenizer/gguf_metadata.h) reads through the same parser.
    void tokenizerMetadataApi() {
        const json& want = readJson(kDir + "/metadata.json");
        const std::string path = kDir + "/metadata.gguf";
        const auto meta = tok::GgufMetadata::read(path);
        QCOMPARE(meta.version(), uint32_t(3));
        QCOMPARE(meta.string("t.string").value(), want["t.string"]["value"].get<std::string>());
        QCOMPARE(meta.string("t.empty").value(), std::string());
        QCOMPARE(meta.integer("t.i64").value(), want["t.i64"]["value"].get<int64_t>());
        QCOMPARE(meta.integer("t.u8").value(), int64_t(255));
        QCOMPARE(meta.boolean("t.true").value(), true);
        QCOMPARE(meta.boolean("t.false").value(), false);
        QCOMPARE(meta.strings("a.string"), want["a.string"]["value"].get<std::vector<std::string>>());
        QCOMPARE(meta.numbers("a.f32"), want["a.f32"]["value"].get<std::vector<double>>());
        QCOMPARE(meta.numbers("a.i16"), (std::vector<double>{-32768, 5}));
        QVERIFY(!meta.string("no.such.key"));
        QVERIFY(meta.numbers("no.such.key").empty());
        for (auto bad : std::vector<std::function<void()>>{
                 [&] { meta.string("t.u8"); }, [&] { meta.integer("t.f32"); }, [&] { meta.boolean("t.u8"); },
                 [&] { meta.strings("a.u8"); }, [&] { meta.numbers("a.nested"); }}) {
            try {
                bad();
                QFAIL("no error for a value of the wrong type");
            } catch (const FormatError& e) {
                QVERIFY2(std::string(e.what()).find("metadata.gguf") != std::string::npos, e.what());
            }
        }
    }

    // ---- hostile files -------------------------------------------------------------
    void hostileFile_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        auto row = [](const char* name, const GgufImage& g, const char* needle) {
            QTest::newRow(name) << QByteArray::fromStdString(g.bytes) << QString(needle);
        };
        auto kv = [](const std::string& key, uint32_t type) {
            return GgufImage::header(0, 1).key(key, type);
        };
        GgufImage magic = GgufImage::header(0, 0);
        magic.bytes[3] = 'X';
        row("bad magic", magic, "not a GGUF file");
        row("big-endian", GgufImage::header(0, 0, 0x03000000u), "big-endian");
        row("version 4", GgufImage::header(0, 0, 4), "GGUF version 4 is not supported");
        row("counts beyond the file", GgufImage::header(1ull << 40, 1ull << 40), "do not fit in the file");
        row("key length beyond the file", GgufImage::header(0, 1).put<uint64_t>(1ull << 62).pad(16),
            "truncated: metadata key 0");
        row("unknown value type", kv("k", 13), "metadata 'k': unknown value type 13");
        row("string beyond the file", kv("k", kString).put<uint64_t>(1ull << 40), "truncated: metadata 'k'");
        row("array count beyond the file", kv("k", kArray).put<uint32_t>(kU32).put<uint64_t>(1ull << 61),
            "metadata 'k' claims 2305843009213693952 elements");
        row("unknown array element type", kv("k", kArray).put<uint32_t>(77).put<uint64_t>(1),
            "metadata 'k': unknown array element type 77");
        GgufImage deep = kv("k", kArray);
        for (int i = 0; i < 6; ++i) deep.put<uint32_t>(kArray).put<uint64_t>(1);
        row("arrays nested too deep", deep.put<uint32_t>(0), "metadata 'k': arrays nested too deep");
        row("bool value 2", kv("k", kBool).put<uint8_t>(2), "metadata 'k': bool value 2");
        row("bool element 3",
            kv("k", kArray).put<uint32_t>(kBool).put<uint64_t>(2).put<uint8_t>(1).put<uint8_t>(3),
            "metadata 'k': bool element 1 is 3");
        row("key twice",
            GgufImage::header(0, 2).key("k", kU32).put<uint32_t>(1).key("k", kU32).put<uint32_t>(2),
            "metadata key 'k' appears twice");
        row("alignment 48", kv("general.alignment", kU32).put<uint32_t>(48), "general.alignment");
        row("tensor name beyond the file", GgufImage::header(1, 0).put<uint64_t>(1ull << 40).pad(64),
            "truncated: tensor name 0");
        row("5 dimensions", GgufImage::header(1, 0).tensor("w", {1, 1, 1, 1, 1}, kF32, 0).data(4),
            "tensor 'w': 5 dimensions");
        row("zero dimension", GgufImage::header(1, 0).tensor("w", {0}, kF32, 0).data(4),
            "tensor 'w': implausible dimension 0");
        row("dimension product overflows",
            GgufImage::header(1, 0).tensor("w", {1ull << 40, 1ull << 40}, kF32, 0),
            "tensor 'w': implausible dimension");
        row("unknown tensor type", GgufImage::header(1, 0).tensor("w", {32}, 999, 0).data(128),
            "tensor 'w' has ggml type 999, which has no known block layout");
        row("removed tensor type", GgufImage::header(1, 0).tensor("w", {32}, 31, 0).data(128),
            "tensor 'w' has ggml type 31 (Q4_0_4_4)");
        row("row not whole blocks", GgufImage::header(1, 0).tensor("w", {100, 2}, kQ4_K, 0).data(288),
            "tensor 'w': row length 100 is not a multiple of Q4_K's block of 256");
        row("misaligned offset", GgufImage::header(1, 0).tensor("w", {2}, kF32, 8).data(64),
            "tensor 'w': offset 8 is not a multiple of the alignment 32");
        row("data beyond the file", GgufImage::header(1, 0).tensor("w", {256, 4}, kQ4_K, 1 << 20).data(64),
            "truncated: tensor 'w' needs bytes [1048576, 1049152)");
        row("offset near 2^64",
            GgufImage::header(1, 0).tensor("w", {8}, kF32, 0xFFFFFFFFFFFFFFE0ull).data(64),
            "truncated: tensor 'w'");
        row("data cut short", GgufImage::header(1, 0).tensor("w", {256, 4}, kQ4_K, 0).data(500),
            "truncated: tensor 'w' needs bytes [0, 576) of a data section of 500 bytes");
        row("overlapping tensors",
            GgufImage::header(2, 0).tensor("a", {16}, kF32, 0).tensor("b", {8}, kF32, 32).data(64),
            "tensors 'a' and 'b' overlap");
        row("tensor twice",
            GgufImage::header(2, 0).tensor("w", {8}, kF32, 0).tensor("w", {8}, kF32, 32).data(64),
            "tensor 'w' appears twice");
    }
    void hostileFile() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        const std::string path = writeTemp(dir, "hostile.gguf", bytes.toStdString());
        try {
            GgufFile file(path);
            QFAIL("no error");
        } catch (const FormatError& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("hostile.gguf"), qPrintable("message lacks the file: " + what));
            QVERIFY2(what.contains(needle), qPrintable("message lacks '" + needle + "': " + what));
        }
    }

    // Tensor types the reader knows but the loader does not decode are refused
    // when read, naming the tensor, its type and what is supported; the
    // tokenizer still reads the metadata of such files.
    void undecodableTypeIsNamed() {
        QTemporaryDir dir;
        const uint32_t iq2xxs = 16;
        const GgufImage g = GgufImage::header(1, 1)
                                .key("general.name", kString)
                                .str("x")
                                .tensor("blk.3.ffn_up.weight", {256, 3}, iq2xxs, 0);
        const std::string path = writeTemp(dir, "iq.gguf", GgufImage(g).data(3 * 66).bytes);
        const GgufFile file(path);
        QCOMPARE(file.tensors().at(0).bytes, uint64_t(3 * 66));
        QVERIFY(!canDequantize(file.tensors()[0].type));
        try {
            readGgufTensor(file, file.tensors()[0], torch::kFloat32, torch::kCPU);
            QFAIL("no error");
        } catch (const FormatError& e) {
            const std::string what = e.what();
            for (const char* needle : {"iq.gguf", "'blk.3.ffn_up.weight' has type IQ2_XXS", "Q4_1", "Q6_K"})
                QVERIFY2(what.find(needle) != std::string::npos, what.c_str());
        }
        QCOMPARE(tok::GgufMetadata::read(path).string("general.name").value(), std::string("x"));
        // A tensor type with no layout at all does not stop the tokenizer either.
        const std::string unknown = writeTemp(dir, "unknown.gguf",
                                              GgufImage::header(1, 1)
                                                  .key("general.name", kString)
                                                  .str("y")
                                                  .tensor("w", {32}, 999, 0)
                                                  .data(64)
                                                  .bytes);
        QCOMPARE(tok::GgufMetadata::read(unknown).string("general.name").value(), std::string("y"));
    }

    // Damaged copies of every fixture (cut at many lengths; bytes overwritten in
    // the header region) open and decode, or throw InputError: never a crash.
    void damagedFilesNeverCrash_data() {
        QTest::addColumn<QString>("file");
        for (const auto& t : manifest()["types"])
            QTest::newRow(t["type"].get<std::string>().c_str())
                << QString::fromStdString("quants/" + t["file"].get<std::string>());
        QTest::newRow("metadata") << "metadata.gguf";
    }
    void damagedFilesNeverCrash() {
        QFETCH(QString, file);
        QFile in(QString::fromStdString(kDir) + "/" + file);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const std::string good = in.readAll().toStdString();
        QTemporaryDir dir;
        const int n = int(good.size());
        for (int cut = 0; cut < n; cut += std::max(1, n / 97)) {
            readEverything(writeTemp(dir, "x.gguf", good.substr(0, size_t(cut))),
                           "cut at " + std::to_string(cut));
            if (QTest::currentTestFailed()) return;
        }
        std::mt19937 rng(17);
        const int headerRegion = std::min(n, 1024);
        for (int trial = 0; trial < 300; ++trial) {
            std::string bad = good;
            for (int k = 0; k < 1 + trial % 3; ++k)
                bad[rng() % unsigned(headerRegion)] = static_cast<char>(rng() & 0xff);
            readEverything(writeTemp(dir, "x.gguf", bad), "trial " + std::to_string(trial));
            if (QTest::currentTestFailed()) return;
        }
    }
};

QTEST_GUILESS_MAIN(TestGgufQuants)
#include "test_gguf_quants.moc"

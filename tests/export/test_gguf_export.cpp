// Dense GGUF export (issue 16) against the gguf package: scripts/fixtures/
// gguf_export.py wrote the demo model with gguf.GGUFWriter as llama.cpp
// would (names, q/k permutation, F32 norms, F16 or Q8_0 matrices through
// gguf.quants) and recorded its metadata and the sha256 of every tensor's
// bytes. Our writer must produce the same keys, values and bytes; our loader
// must read the file back as the model it came from; a GGUF source's
// tokenizer must travel with it.
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/export/gguf_export.h"
#include "core/gguf/gguf_file.h"
#include "core/model/model.h"
#include "core/session/sha256.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kFixtures = SIEVE_SOURCE_DIR "/tests/fixtures/gguf_export";

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return nlohmann::json::parse(in);
}

torch::Tensor logitsOn(const Model& model) {
    return model.forward(
        torch::tensor({1, 69, 72, 72, 4, 27, 24, 15, 26, 29, 33}, torch::kLong).unsqueeze(0));
}

// Every 2-D tensor (matrices, embeddings, lm_head) rounded to binary16, as
// an F16 GGUF stores it; norms and biases stay float32 there too.
void roundMatricesToHalf(Model& model) {
    torch::NoGradGuard noGrad;
    for (torch::Tensor& p : model.parameters())
        if (p.dim() == 2) p.copy_(p.to(torch::kHalf).to(p.scalar_type()));
}

}  // namespace

class TestGgufExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { model_ = Model::load(kDemo); }

    void bytesAndMetadataAreTheGgufPackagesOwn_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("f16") << "f16";
        QTest::newRow("q8_0") << "q8_0";
    }
    void bytesAndMetadataAreTheGgufPackagesOwn() {
        QFETCH(QString, type);
        const bool q8 = type == "q8_0";
        QTemporaryDir dir;
        const ExportReport report = exportGguf(*model_, dir.path().toStdString() + "/out",
                                               q8 ? GgufWeights::Q8_0 : GgufWeights::F16, kDemo);
        QCOMPARE(report.format, q8 ? std::string("gguf-q8_0") : std::string("gguf-f16"));
        QCOMPARE(report.notes.size(), size_t(1));  // an HF source: no tokenizer in the file, and it says so
        const GgufFile file(report.files.front());
        const nlohmann::json reference = readJson(kFixtures + "/demo-" + type.toStdString() + ".json");

        QCOMPARE(file.metadata().size(), reference["metadata"].size());
        for (const auto& m : reference["metadata"]) {
            const std::string key = m["key"];
            const GgufValue* v = file.find(key);
            QVERIFY2(v, key.c_str());
            QVERIFY2(uint32_t(v->type) == m["type"].get<uint32_t>(), key.c_str());
            if (v->type == GgufType::String)
                QCOMPARE(v->text, m["value"].get<std::string>());
            else
                QVERIFY2(v->number == m["value"].get<double>(), key.c_str());
        }
        QCOMPARE(file.tensors().size(), reference["tensors"].size());
        int q8Tensors = 0;
        for (const auto& t : reference["tensors"]) {
            const GgufTensorInfo* info = file.findTensor(t["name"]);
            QVERIFY2(info, t["name"].get<std::string>().c_str());
            QCOMPARE(ggmlTypeName(info->type), t["type"].get<std::string>());
            QCOMPARE(info->shape, t["shape"].get<std::vector<int64_t>>());
            const GgufBytes bytes = file.bytes(*info);
            QVERIFY2(sha256Hex(bytes.data, bytes.size) == t["sha256"].get<std::string>(),
                     t["name"].get<std::string>().c_str());
            q8Tensors += info->type == GgmlType::Q8_0;
        }
        QCOMPARE(q8Tensors > 0, q8);

        // Our loader reads it back as the model it was written from (q/k
        // permuted back), within the storage type's rounding.
        const auto back = Model::load(report.files.front());
        const double diff = maxAbsDiff(logitsOn(*back), logitsOn(*model_));
        QVERIFY2(diff < (q8 ? 0.1 : 0.01), qPrintable(QString::number(diff)));
        QVERIFY(diff > 0);  // rounded: not the float32 file read twice
        if (!q8) {  // F16 exactly: the source with its matrices rounded to F16
            auto rounded = Model::load(kDemo);
            roundMatricesToHalf(*rounded);
            QVERIFY(maxAbsDiff(logitsOn(*back), logitsOn(*rounded)) < 1e-4);
        }
    }

    // A GGUF source (Qwen2, q/k/v biases) keeps its tokenizer and reads back.
    void aGgufSourceKeepsItsTokenizer() {
        const std::string source = SIEVE_SOURCE_DIR "/tests/fixtures/checkpoints/tiny_qwen2_f32.gguf";
        const auto qwen = Model::load(source);
        QTemporaryDir dir;
        const ExportReport report =
            exportGguf(*qwen, dir.path().toStdString() + "/out", GgufWeights::F16, source);
        QVERIFY(report.notes.empty());
        const GgufFile original(source, GgufFile::Parts::MetadataOnly), copy(report.files.front());
        int tokenizerKeys = 0;
        for (const auto& [key, value] : original.metadata())
            if (key.rfind("tokenizer.", 0) == 0) {
                ++tokenizerKeys;
                const GgufValue* v = copy.find(key);
                QVERIFY2(v && v->type == value.type && v->count == value.count &&
                             v->strings == value.strings && v->text == value.text &&
                             v->integer == value.integer,
                         key.c_str());
                for (uint64_t i = 0; i < value.count && value.isNumericArray(); ++i)
                    QCOMPARE(v->numberAt(i), value.numberAt(i));
            }
        QVERIFY(tokenizerKeys >= 4);
        const auto back = Model::load(report.files.front());
        QCOMPARE(back->config().modelType, std::string("qwen2"));
        const torch::Tensor ids = torch::tensor({1, 5, 9, 3, 7}, torch::kLong).unsqueeze(0);
        // The source with every matrix rounded to F16 is what the file holds:
        // the same logits up to float32 summation order.
        QVERIFY(maxAbsDiff(back->forward(ids), qwen->forward(ids)) > 1e-4);
        roundMatricesToHalf(*qwen);
        QVERIFY2(maxAbsDiff(back->forward(ids), qwen->forward(ids)) < 1e-4,
                 qPrintable(QString::number(maxAbsDiff(back->forward(ids), qwen->forward(ids)))));
    }

    void refusesWhatItCannotWrite() {
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString() + "/busy";
        std::filesystem::create_directories(out);
        std::ofstream(out + "/file") << "x";
        QVERIFY_THROWS_EXCEPTION(InputError, exportGguf(*model_, out, GgufWeights::F16, kDemo));
    }

private:
    std::unique_ptr<Model> model_;
};

QTEST_GUILESS_MAIN(TestGgufExport)
#include "test_gguf_export.moc"

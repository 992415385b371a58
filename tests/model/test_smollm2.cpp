// SmolLM2-135M-Instruct as published (the original Q4_1 GGUF from the shared
// folder, see shared/models/smollm2-135m-instruct/README.md) against
// transformers' LlamaForCausalLM running the gguf package's dequantization of
// the same file (scripts/fixtures/gguf_quants.py, tests/fixtures/gguf_quants/
// smollm2.json): the config, the logits at a few positions of three prompts
// and 20 greedy ids per prompt. Prompts are token ids (tokenized by
// transformers' GGUF tokenizer), so the test does not depend on ours.
#include <QtTest/QtTest>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/gguf/gguf_file.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"

using namespace sieve;
using nlohmann::json;

namespace {

const std::string kModel =
    std::string(SIEVE_SHARED_DIR) + "/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf";

const json& reference() {
    static const json j = [] {
        std::ifstream in(std::string(SIEVE_FIXTURES_DIR) + "/gguf_quants/smollm2.json");
        return json::parse(in);
    }();
    return j;
}

const Model& model(DType dtype = DType::Float32) {
    static std::map<DType, std::unique_ptr<Model>> loaded;
    auto& m = loaded[dtype];
    if (!m) {
        LoadOptions options;
        options.device.device = "cpu";
        options.device.dtype = dtype;
        m = Model::load(kModel, options);
    }
    return *m;
}

}  // namespace

class TestSmolLM2 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(2);
        if (!QFileInfo::exists(QString::fromStdString(kModel)))
            QSKIP(qPrintable("SmolLM2-135M-Instruct.Q4_1.gguf not found under SIEVE_SHARED_DIR (" +
                             QString::fromStdString(kModel) + "); scripts/fetch-models.sh downloads it"));
    }

    void configAndTensorTypes() {
        const json& want = reference()["config"];
        const Checkpoint ck = readCheckpoint(kModel);
        const ModelConfig& c = ck.config;
        QCOMPARE(ck.format, std::string("gguf"));
        QCOMPARE(c.modelType, std::string("llama"));
        QCOMPARE(c.layers, want["num_hidden_layers"].get<int>());
        QCOMPARE(c.hidden, want["hidden_size"].get<int64_t>());
        QCOMPARE(c.intermediate, want["intermediate_size"].get<int64_t>());
        QCOMPARE(c.heads, want["num_attention_heads"].get<int64_t>());
        QCOMPARE(c.kvHeads, want["num_key_value_heads"].get<int64_t>());
        QCOMPARE(c.headDim, int64_t(64));
        QCOMPARE(c.vocab, want["vocab_size"].get<int64_t>());
        QCOMPARE(c.maxPositions, want["max_position_embeddings"].get<int64_t>());
        QCOMPARE(c.tieEmbeddings, want["tie_word_embeddings"].get<bool>());
        QCOMPARE(c.ropeTheta, want["rope_parameters"]["rope_theta"].get<double>());
        QCOMPARE(c.rmsEps, want["rms_norm_eps"].get<double>());
        QCOMPARE(c.bosTokenIds, std::vector<int64_t>{want["bos_token_id"].get<int64_t>()});
        QCOMPARE(c.eosTokenIds, std::vector<int64_t>{want["eos_token_id"].get<int64_t>()});
        QVERIFY(ck.tensors.empty());
        QCOMPARE(ck.deferred.size(), size_t(30 * 9 + 2));  // 7 matrices + 2 norms per layer, embedding, norm

        std::map<std::string, int> types;
        const GgufFile file(kModel);
        for (const auto& t : file.tensors()) ++types[ggmlTypeName(t.type)];
        QCOMPARE(types, (reference()["tensor_types"].get<std::map<std::string, int>>()));
        QCOMPARE(types["Q4_1"], 210);
        QCOMPARE(types["Q8_0"], 1);
    }

    // Max |logit difference| at the recorded positions: 128 fixed vocabulary
    // probes, the top-10 logits and the log-sum-exp of the whole row.
    void logitsMatchTransformers_data() {
        QTest::addColumn<QString>("prompt");
        for (auto it = reference()["prompts"].begin(); it != reference()["prompts"].end(); ++it)
            QTest::newRow(it.key().c_str()) << QString::fromStdString(it.key());
    }
    void logitsMatchTransformers() {
        QFETCH(QString, prompt);
        const json& ref = reference()["prompts"][prompt.toStdString()];
        const auto ids = ref["ids"].get<std::vector<int64_t>>();
        const torch::Tensor logits = model().forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0];
        QCOMPARE(logits.size(1), reference()["config"]["vocab_size"].get<int64_t>());
        const auto probe = reference()["probe_ids"].get<std::vector<int64_t>>();
        double worst = 0;
        for (const json& row : ref["logits"]) {
            const torch::Tensor got = logits[row["position"].get<int64_t>()];
            const auto want = row["probe"].get<std::vector<double>>();
            for (size_t k = 0; k < probe.size(); ++k)
                worst = std::max(worst, std::abs(got[probe[k]].item<double>() - want[k]));
            const auto topIds = row["top_ids"].get<std::vector<int64_t>>();
            const auto topValues = row["top_values"].get<std::vector<double>>();
            for (size_t k = 0; k < topIds.size(); ++k)
                worst = std::max(worst, std::abs(got[topIds[k]].item<double>() - topValues[k]));
            QCOMPARE(got.argmax().item<int64_t>(), topIds[0]);
            const double lse = torch::logsumexp(got.to(torch::kFloat64), 0).item<double>();
            worst = std::max(worst, std::abs(lse - row["logsumexp"].get<double>()));
        }
        qInfo("%s: max |logit diff| vs transformers %.3g (|logits| up to %.1f)", qPrintable(prompt), worst,
              ref["logits_abs_max"].get<double>());
        QVERIFY2(worst < 1e-3, qPrintable("max |logit diff| " + QString::number(worst)));
    }

    void greedyMatchesTransformers_data() { logitsMatchTransformers_data(); }
    void greedyMatchesTransformers() {
        QFETCH(QString, prompt);
        const json& ref = reference()["prompts"][prompt.toStdString()];
        const auto want = ref["greedy"].get<std::vector<int64_t>>();
        // transformers generated without stopping (eos_token_id=None): no stop tokens here either.
        const auto got =
            model().generateGreedy({ref["ids"].get<std::vector<int64_t>>()}, int(want.size()), {});
        QCOMPARE(got.at(0), want);
    }

    // Loading into bfloat16 dequantizes each tensor through a small float32
    // buffer: every weight must equal the float32 load rounded by torch.
    void bfloat16LoadIsFloat32Rounded() {
        const auto f32 = model(DType::Float32).hfStateDict(false);
        const auto bf16 = model(DType::BFloat16).hfStateDict(false);
        QCOMPARE(bf16.size(), f32.size());
        for (const auto& [name, t] : bf16) {
            QCOMPARE(t.scalar_type(), torch::kBFloat16);
            QVERIFY2(torch::equal(t, f32.at(name).to(torch::kBFloat16)), name.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestSmolLM2)
#include "test_smollm2.moc"

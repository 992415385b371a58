// Checkpoint readers and config parsing against what the reference tools
// wrote and read back (scripts/fixtures/checkpoints.py): transformers'
// save_pretrained + safetensors, the gguf package's writer and dequantizer,
// numpy reads of llama2.c files with transformers' q/k permutation. Checksums
// use a position-dependent weight, so a wrong permutation or a misplaced
// tensor changes them.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/common/error.h"
#include "core/gguf/gguf_file.h"
#include "core/model/checkpoint.h"
#include "core/model/config.h"
#include "core/model/model.h"
#include "core/model/safetensors.h"

using namespace sieve;
using nlohmann::json;

namespace {

std::string fixture(const std::string& rel) {
    return std::string(SIEVE_FIXTURES_DIR) + "/checkpoints/" + rel;
}

// A checkpoint with its deferred tensors read too (float32, CPU), as the
// tests compare every tensor.
Checkpoint readWhole(const std::string& path) {
    Checkpoint ck = readCheckpoint(path);
    ck.readDeferred();
    return ck;
}

const json& expected() {
    static const json j = [] {
        std::ifstream in(fixture("expected.json"));
        return json::parse(in);
    }();
    return j;
}

double weightAt(int64_t i) {
    return static_cast<double>((i * 7919) % 101) / 101.0 + 0.5;
}

// Compares a tensor with a summary written by the fixture script. `tol` is
// the allowed absolute error per element; sums get tol * numel.
void compareToSummary(const std::string& name, const torch::Tensor& t, const json& s, double tol) {
    QVERIFY2(t.defined(), name.c_str());
    std::vector<int64_t> shape = s["shape"].get<std::vector<int64_t>>();
    QCOMPARE(t.sizes().vec(), shape);
    QCOMPARE(t.scalar_type(), torch::kFloat32);
    const torch::Tensor flat = t.contiguous().view(-1).to(torch::kFloat64);
    const double* p = flat.data_ptr<double>();
    double sum = 0, weighted = 0;
    for (int64_t i = 0; i < flat.numel(); ++i) {
        sum += p[i];
        weighted += p[i] * weightAt(i);
    }
    const double n = static_cast<double>(flat.numel());
    const double sumTol = tol * n + 1e-9 * std::max(1.0, std::abs(s["sum"].get<double>()));
    QVERIFY2(std::abs(sum - s["sum"].get<double>()) <= sumTol,
             (name + ": sum " + std::to_string(sum) + " vs " + s["sum"].dump()).c_str());
    QVERIFY2(
        std::abs(weighted - s["weighted"].get<double>()) <= 1.5 * sumTol,
        (name + ": weighted checksum " + std::to_string(weighted) + " vs " + s["weighted"].dump()).c_str());
    for (const auto& sample : s["samples"]) {
        const int64_t k = sample[0].get<int64_t>();
        const double want = sample[1].get<double>();
        QVERIFY2(std::abs(p[k] - want) <= tol, (name + "[" + std::to_string(k) + "] = " +
                                                std::to_string(p[k]) + ", expected " + sample[1].dump())
                                                   .c_str());
    }
}

void compareAll(const Checkpoint& ck, const json& tensors, double tol) {
    QCOMPARE(ck.tensors.size(), tensors.size());
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
        auto found = ck.tensors.find(it.key());
        QVERIFY2(found != ck.tensors.end(), ("missing tensor " + it.key()).c_str());
        compareToSummary(it.key(), found->second, *it, tol);
        if (QTest::currentTestFailed()) return;
    }
}

// Runs `fn` and checks it throws E whose message names the file and the cause.
template <typename E, typename Fn>
void expectError(Fn fn, const std::string& fileName, const std::string& needle) {
    try {
        fn();
    } catch (const E& e) {
        const std::string what = e.what();
        QVERIFY2(what.find(fileName) != std::string::npos, ("message lacks the file name: " + what).c_str());
        QVERIFY2(what.find(needle) != std::string::npos, ("message lacks '" + needle + "': " + what).c_str());
        return;
    } catch (const std::exception& e) {
        QFAIL((std::string("wrong exception type: ") + e.what()).c_str());
    }
    QFAIL(("no error for " + fileName).c_str());
}

}  // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---- config.json ----------------------------------------------------------
    void configMatchesTransformers_data() {
        QTest::addColumn<QString>("name");
        for (auto it = expected()["configs"].begin(); it != expected()["configs"].end(); ++it)
            QTest::newRow(it.key().c_str()) << QString::fromStdString(it.key());
    }
    void configMatchesTransformers() {
        QFETCH(QString, name);
        const json& want = expected()["configs"][name.toStdString()];
        const ModelConfig c = ModelConfig::fromHfFile(fixture("configs/" + name.toStdString() + ".json"));
        QCOMPARE(c.modelType, want["modelType"].get<std::string>());
        QCOMPARE(c.hidden, want["hidden"].get<int64_t>());
        QCOMPARE(c.intermediate, want["intermediate"].get<int64_t>());
        QCOMPARE(c.layers, want["layers"].get<int>());
        QCOMPARE(c.heads, want["heads"].get<int64_t>());
        QCOMPARE(c.kvHeads, want["kvHeads"].get<int64_t>());
        QCOMPARE(c.headDim, want["headDim"].get<int64_t>());
        QCOMPARE(c.vocab, want["vocab"].get<int64_t>());
        QCOMPARE(c.maxPositions, want["maxPositions"].get<int64_t>());
        QCOMPARE(c.rmsEps, want["rmsEps"].get<double>());
        QCOMPARE(c.ropeTheta, want["ropeTheta"].get<double>());
        QCOMPARE(c.ropeScaling.type, want["ropeType"].get<std::string>());
        QCOMPARE(c.tieEmbeddings, want["tieEmbeddings"].get<bool>());
        QCOMPARE(c.bosTokenIds, want["bos"].get<std::vector<int64_t>>());
        QCOMPARE(c.eosTokenIds, want["eos"].get<std::vector<int64_t>>());
        QCOMPARE(c.attentionBias, c.modelType == "qwen2");
        QCOMPARE(c.fusedQkv, c.modelType == "phi3");
        if (c.ropeScaling.type == "llama3") {
            QCOMPARE(c.ropeScaling.factor, want["ropeFactor"].get<double>());
            QCOMPARE(c.ropeScaling.lowFreqFactor, want["lowFreqFactor"].get<double>());
            QCOMPARE(c.ropeScaling.highFreqFactor, want["highFreqFactor"].get<double>());
            QCOMPARE(c.ropeScaling.originalMaxPositions, want["originalMaxPositions"].get<int64_t>());
        }
        // toHfJson must describe the same model.
        const ModelConfig back = ModelConfig::fromHfJson(c.toHfJson(), "round-trip");
        QCOMPARE(back.modelType, c.modelType);
        QCOMPARE(back.hidden, c.hidden);
        QCOMPARE(back.intermediate, c.intermediate);
        QCOMPARE(back.layers, c.layers);
        QCOMPARE(back.heads, c.heads);
        QCOMPARE(back.kvHeads, c.kvHeads);
        QCOMPARE(back.headDim, c.headDim);
        QCOMPARE(back.vocab, c.vocab);
        QCOMPARE(back.maxPositions, c.maxPositions);
        QCOMPARE(back.rmsEps, c.rmsEps);
        QCOMPARE(back.ropeTheta, c.ropeTheta);
        QCOMPARE(back.ropeScaling.type, c.ropeScaling.type);
        QCOMPARE(back.ropeScaling.factor, c.ropeScaling.factor);
        QCOMPARE(back.ropeScaling.originalMaxPositions, c.ropeScaling.originalMaxPositions);
        QCOMPARE(back.tieEmbeddings, c.tieEmbeddings);
        QCOMPARE(back.bosTokenIds, c.bosTokenIds);
        QCOMPARE(back.eosTokenIds, c.eosTokenIds);
        QCOMPARE(back.attentionBias, c.attentionBias);
        QCOMPARE(back.fusedQkv, c.fusedQkv);
    }

    void badConfig_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("needle");
        for (auto it = expected()["bad_configs"].begin(); it != expected()["bad_configs"].end(); ++it)
            QTest::newRow(it.key().c_str())
                << QString::fromStdString(it.key()) << QString::fromStdString(it->get<std::string>());
    }
    void badConfig() {
        QFETCH(QString, name);
        QFETCH(QString, needle);
        const std::string file = name.toStdString() + ".json";
        expectError<InputError>([&] { ModelConfig::fromHfFile(fixture("configs/" + file)); }, file,
                                needle.toStdString());
    }

    // ---- Hugging Face safetensors ----------------------------------------------
    void hfSingleFile() {
        const Checkpoint ck = readHfCheckpoint(fixture("tiny_llama"));
        QCOMPARE(ck.format, std::string("hf"));
        QCOMPARE(ck.files.size(), size_t(1));
        QCOMPARE(ck.config.hidden, int64_t(32));
        QCOMPARE(ck.config.kvHeads, int64_t(2));
        QCOMPARE(ck.config.tieEmbeddings, false);
        compareAll(ck, expected()["tiny_llama"], 0.0);  // float32 stored: bit-exact
    }

    void hfShardedEqualsSingle() {
        const Checkpoint single = readHfCheckpoint(fixture("tiny_llama"));
        const Checkpoint sharded = readHfCheckpoint(fixture("tiny_llama_sharded"));
        QCOMPARE(sharded.files.size(), expected()["tiny_llama_shards"].size());
        QVERIFY(sharded.files.size() > 1);
        QCOMPARE(sharded.tensors.size(), single.tensors.size());
        for (const auto& [name, t] : single.tensors) {
            auto it = sharded.tensors.find(name);
            QVERIFY2(it != sharded.tensors.end(), name.c_str());
            QVERIFY2(torch::equal(it->second, t), name.c_str());
        }
    }

    // generation_config.json's eos ids join the config's (transformers' generate() stops on them).
    void hfGenerationConfigStopTokens() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const char* f : {"config.json", "model.safetensors"})
            QVERIFY(QFile::copy(QString::fromStdString(fixture(std::string("tiny_llama/") + f)),
                                dir.filePath(f)));
        {
            std::ofstream out(dir.filePath("generation_config.json").toStdString());
            out << R"({"bos_token_id": 1, "eos_token_id": [2, 7, 9], "pad_token_id": 3})";
        }
        const Checkpoint ck = readHfCheckpoint(dir.path().toStdString());
        QCOMPARE(ck.config.eosTokenIds, (std::vector<int64_t>{2, 7, 9}));
        QCOMPARE(ck.config.bosTokenIds, (std::vector<int64_t>{1}));
        QCOMPARE(ck.config.padTokenId.value_or(-1), int64_t(3));
        {
            std::ofstream out(dir.filePath("generation_config.json").toStdString());
            out << R"({"eos_token_id": "two"})";
        }
        expectError<FormatError>([&] { readHfCheckpoint(dir.path().toStdString()); },
                                 "generation_config.json", "eos_token_id");
    }

    // transformers itself loads the config.json we write (what export relies on).
    void toHfJsonLoadsInTransformers() {
        const QString python = QStandardPaths::findExecutable("python3");
        if (python.isEmpty()) QSKIP("python3 not found; the transformers check is skipped");
        QProcess probe;
        probe.start(python, {"-c", "import transformers"});
        probe.waitForFinished(120000);
        if (probe.exitCode() != 0) QSKIP("python3 lacks transformers; the config export check is skipped");

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QStringList names;
        for (auto it = expected()["configs"].begin(); it != expected()["configs"].end(); ++it) {
            const ModelConfig c = ModelConfig::fromHfFile(fixture("configs/" + it.key() + ".json"));
            QDir(dir.path()).mkdir(QString::fromStdString(it.key()));
            std::ofstream out(dir.filePath(QString::fromStdString(it.key() + "/config.json")).toStdString());
            out << c.toHfJson().dump(2);
            names << QString::fromStdString(it.key());
        }
        const char* script =
            "import sys, json\n"
            "from transformers import AutoConfig\n"
            "out = {}\n"
            "for name in sys.argv[2:]:\n"
            "    c = AutoConfig.from_pretrained(sys.argv[1] + '/' + name)\n"
            "    rp = getattr(c, 'rope_parameters', None) or {'rope_theta': getattr(c, 'rope_theta', None),\n"
            "                                                 **(getattr(c, 'rope_scaling', None) or {})}\n"
            "    out[name] = dict(model_type=c.model_type, hidden=c.hidden_size, "
            "layers=c.num_hidden_layers,\n"
            "        heads=c.num_attention_heads, kv=c.num_key_value_heads, vocab=c.vocab_size,\n"
            "        head_dim=getattr(c, 'head_dim', None) or c.hidden_size // c.num_attention_heads,\n"
            "        eps=c.rms_norm_eps, theta=rp.get('rope_theta'), rope_type=rp.get('rope_type', "
            "'default'),\n"
            "        factor=rp.get('factor'), tie=bool(c.tie_word_embeddings))\n"
            "print(json.dumps(out))\n";
        QProcess py;
        py.start(python, QStringList{"-c", script, dir.path()} + names);
        QVERIFY(py.waitForFinished(180000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        const json got = json::parse(py.readAllStandardOutput().toStdString());
        for (auto it = expected()["configs"].begin(); it != expected()["configs"].end(); ++it) {
            const json& want = *it;
            const json& g = got[it.key()];
            QCOMPARE(g["model_type"].get<std::string>(), want["modelType"].get<std::string>());
            QCOMPARE(g["hidden"].get<int64_t>(), want["hidden"].get<int64_t>());
            QCOMPARE(g["layers"].get<int64_t>(), want["layers"].get<int64_t>());
            QCOMPARE(g["heads"].get<int64_t>(), want["heads"].get<int64_t>());
            QCOMPARE(g["kv"].get<int64_t>(), want["kvHeads"].get<int64_t>());
            QCOMPARE(g["head_dim"].get<int64_t>(), want["headDim"].get<int64_t>());
            QCOMPARE(g["vocab"].get<int64_t>(), want["vocab"].get<int64_t>());
            QCOMPARE(g["eps"].get<double>(), want["rmsEps"].get<double>());
            QCOMPARE(g["theta"].get<double>(), want["ropeTheta"].get<double>());
            const std::string type = want["ropeType"].get<std::string>();
            QCOMPARE(g["rope_type"].get<std::string>(), type.empty() ? std::string("default") : type);
            if (type == "llama3") QCOMPARE(g["factor"].get<double>(), want["ropeFactor"].get<double>());
            QCOMPARE(g["tie"].get<bool>(), want["tieEmbeddings"].get<bool>());
        }
    }

    void detectsFormats() {
        QCOMPARE(readCheckpoint(fixture("tiny_llama")).format, std::string("hf"));
        QCOMPARE(readCheckpoint(fixture("tiny_llama_f32.gguf")).format, std::string("gguf"));
        QCOMPARE(readCheckpoint(fixture("tiny_llama2c_untied.bin")).format, std::string("llama2c"));
        expectError<FormatError>([] { readCheckpoint(fixture("does_not_exist.bin")); }, "does_not_exist.bin",
                                 "does not exist");
        expectError<FormatError>([] { readCheckpoint(fixture("configs")); }, "configs", "config.json");
    }

    // ---- GGUF ------------------------------------------------------------------
    void gguf_data() {
        QTest::addColumn<QString>("tag");
        for (auto it = expected()["gguf"].begin(); it != expected()["gguf"].end(); ++it)
            QTest::newRow(it.key().c_str()) << QString::fromStdString(it.key());
    }
    void gguf() {
        QFETCH(QString, tag);
        const json& want = expected()["gguf"][tag.toStdString()];
        const std::string file = fixture("tiny_llama_" + tag.toStdString() + ".gguf");
        QCOMPARE(GgufFile(file).version(), want["version"].get<uint32_t>());

        Checkpoint ck = readGgufCheckpoint(file);
        QCOMPARE(ck.format, std::string("gguf"));
        QVERIFY(ck.tensors.empty());  // every tensor is left for the Model to read in its dtype
        ck.readDeferred();
        // Against the gguf package's own dequantization, un-permuted with transformers' formula.
        compareAll(ck, want["tensors"], 1e-6);
        if (QTest::currentTestFailed()) return;

        // Against the original HF weights: exact for F32, within the quantisation error otherwise.
        const Checkpoint hf = readHfCheckpoint(fixture("tiny_llama"));
        for (const auto& [name, t] : hf.tensors) {
            const torch::Tensor got = ck.tensors.at(name);
            if (tag == "f32") {
                QVERIFY2(torch::equal(got, t), name.c_str());
                continue;
            }
            const double err = (got - t).abs().max().item<double>();
            const double bound = want["max_error_vs_hf"][name].get<double>() + 1e-7;
            QVERIFY2(err <= bound, (name + ": error " + std::to_string(err)).c_str());
            // And the quantisation error is what the format allows. Q8_0: step d = absmax/127
            // stored as fp16, so |err| <= d/2 + 127 d 2^-11 < 0.57 d; F16: 2^-11, BF16: 2^-8 relative.
            const double maxAbs = t.abs().max().item<double>();
            const double allowed =
                tag == "q8_0" ? maxAbs / 127.0 * 0.57 : maxAbs * (tag == "bf16" ? 1.0 / 256 : 1.0 / 2048);
            QVERIFY2(err <= allowed,
                     (name + ": error " + std::to_string(err) + " > " + std::to_string(allowed)).c_str());
        }
        const ModelConfig& c = ck.config;
        const ModelConfig& h = hf.config;
        QCOMPARE(c.modelType, h.modelType);
        QCOMPARE(c.hidden, h.hidden);
        QCOMPARE(c.intermediate, h.intermediate);
        QCOMPARE(c.layers, h.layers);
        QCOMPARE(c.heads, h.heads);
        QCOMPARE(c.kvHeads, h.kvHeads);
        QCOMPARE(c.headDim, h.headDim);
        QCOMPARE(c.vocab, h.vocab);
        QCOMPARE(c.maxPositions, h.maxPositions);
        QCOMPARE(static_cast<float>(c.rmsEps), static_cast<float>(h.rmsEps));  // GGUF stores it as f32
        QCOMPARE(c.ropeTheta, h.ropeTheta);
        QCOMPARE(c.tieEmbeddings, h.tieEmbeddings);
        QCOMPARE(c.bosTokenIds, h.bosTokenIds);
        QCOMPARE(c.eosTokenIds, h.eosTokenIds);
    }

    // No output.weight -> tied; rope_freqs.weight (llama.cpp's form of llama3
    // scaling) -> the llama3 parameters transformers would use.
    void ggufTiedLlama3() {
        const json& want = expected()["gguf_tied_llama3"];
        const Checkpoint ck = readWhole(fixture("tiny_llama_tied_llama3.gguf"));
        QCOMPARE(ck.config.tieEmbeddings, true);
        QVERIFY(!ck.tensors.count("lm_head.weight"));
        QVERIFY(!ck.tensors.count("rope_freqs.weight"));
        QCOMPARE(ck.config.ropeTheta, want["ropeTheta"].get<double>());
        QCOMPARE(ck.config.ropeScaling.type, std::string("llama3"));
        QCOMPARE(ck.config.ropeScaling.factor, want["factor"].get<double>());
        QCOMPARE(ck.config.ropeScaling.lowFreqFactor, want["lowFreqFactor"].get<double>());
        QCOMPARE(ck.config.ropeScaling.highFreqFactor, want["highFreqFactor"].get<double>());
        QCOMPARE(ck.config.ropeScaling.originalMaxPositions, want["originalMaxPositions"].get<int64_t>());
        const Checkpoint hf = readHfCheckpoint(fixture("tiny_llama"));
        QVERIFY(torch::equal(ck.tensors.at("model.embed_tokens.weight"),
                             hf.tensors.at("model.embed_tokens.weight")));
        QVERIFY(torch::equal(ck.tensors.at("model.layers.1.self_attn.k_proj.weight"),
                             hf.tensors.at("model.layers.1.self_attn.k_proj.weight")));
    }

    void ggufMetadata() {
        const GgufFile f(fixture("tiny_llama_q8_0.gguf"));
        QCOMPARE(f.alignment(), uint64_t(64));
        const GgufValue* tokens = f.find("tokenizer.ggml.tokens");
        QVERIFY(tokens);
        QCOMPARE(tokens->type, GgufType::Array);
        QCOMPARE(tokens->elementType, GgufType::String);
        QCOMPARE(tokens->count, uint64_t(64));
        QCOMPARE(tokens->strings.size(), size_t(64));
        QCOMPARE(tokens->strings[5], std::string("tok5"));
        const GgufValue* scores = f.find("tokenizer.ggml.scores");
        QVERIFY(scores);
        QVERIFY(scores->isNumericArray());
        QCOMPARE(scores->elementType, GgufType::F32);
        QCOMPARE(scores->count, uint64_t(64));
        QCOMPARE(scores->numberAt(3), -3.0);
        QCOMPARE(f.find("general.architecture")->text, std::string("llama"));
        QCOMPARE(f.find("llama.block_count")->integer, int64_t(2));
    }

    // ---- llama2.c ----------------------------------------------------------------
    void llama2cUntied() {
        const json& want = expected()["tiny_llama2c_untied"];
        const Checkpoint ck = readLlama2cCheckpoint(fixture("tiny_llama2c_untied.bin"));
        QCOMPARE(ck.format, std::string("llama2c"));
        QCOMPARE(ck.config.tieEmbeddings, false);
        QVERIFY(ck.tensors.count("lm_head.weight"));
        QCOMPARE(ck.config.hidden, want["header"]["dim"].get<int64_t>());
        QCOMPARE(ck.config.kvHeads, want["header"]["kv_heads"].get<int64_t>());
        QCOMPARE(ck.config.vocab, want["header"]["vocab"].get<int64_t>());
        compareAll(ck, want["tensors"], 0.0);
    }

    void stories260K() {
        const std::string path = std::string(SIEVE_SHARED_DIR) + "/models/stories260K/stories260K.bin";
        if (!QFile::exists(QString::fromStdString(path)))
            QSKIP("stories260K.bin not present in the shared folder");
        const json& want = expected()["stories260K"];
        const Checkpoint ck = readCheckpoint(path);
        QCOMPARE(ck.format, std::string("llama2c"));
        const ModelConfig& c = ck.config;
        QCOMPARE(c.hidden, int64_t(64));
        QCOMPARE(c.intermediate, int64_t(172));
        QCOMPARE(c.layers, 5);
        QCOMPARE(c.heads, int64_t(8));
        QCOMPARE(c.kvHeads, int64_t(4));
        QCOMPARE(c.headDim, int64_t(8));
        QCOMPARE(c.vocab, int64_t(512));
        QCOMPARE(c.maxPositions, int64_t(512));
        QCOMPARE(c.rmsEps, 1e-5);
        QCOMPARE(c.ropeTheta, 10000.0);
        QCOMPARE(c.tieEmbeddings, true);
        QVERIFY(!ck.tensors.count("lm_head.weight"));
        compareAll(ck, want["tensors"], 0.0);
        if (QTest::currentTestFailed()) return;
        // The q rows were permuted: row 1 of head 0 now holds what was row 2 (the
        // second pair's first element) in llama2.c's interleaved layout.
        const torch::Tensor q = ck.tensors.at("model.layers.0.self_attn.q_proj.weight");
        const auto hfRow = want["q0_row1_hf"].get<std::vector<double>>();
        const auto rawRow = want["q0_row1_raw"].get<std::vector<double>>();
        bool differsFromRaw = false;
        for (int k = 0; k < 4; ++k) {
            QCOMPARE(static_cast<double>(q[1][k].item<float>()), hfRow[k]);
            differsFromRaw = differsFromRaw || hfRow[k] != rawRow[k];
        }
        QVERIFY(differsFromRaw);
    }

    // ---- end to end: the Model built from each format against transformers ----------
    // transformers ran the same weights (HF layout, half rotation); our Model on
    // the GGUF/llama2.c file (interleaved layout, permuted back on load) must agree.
    void logitsMatchTransformers_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reference");
        QTest::newRow("hf") << "tiny_llama"
                            << "logits_tiny_llama";
        QTest::newRow("gguf-f32") << "tiny_llama_f32.gguf"
                                  << "logits_tiny_llama";
        QTest::newRow("gguf-tied-llama3") << "tiny_llama_tied_llama3.gguf"
                                          << "logits_tied_llama3";
        QTest::newRow("gguf-qwen2-bias") << "tiny_qwen2_f32.gguf"
                                         << "logits_tiny_qwen2";
        QTest::newRow("llama2c-untied") << "tiny_llama2c_untied.bin"
                                        << "logits_tiny_llama2c_untied";
    }
    void logitsMatchTransformers() {
        QFETCH(QString, file);
        QFETCH(QString, reference);
        const json& ref = expected()[reference.toStdString()];
        LoadOptions options;
        options.device.device = "cpu";
        const auto model = Model::load(fixture(file.toStdString()), options);
        const auto ids = ref["ids"].get<std::vector<int64_t>>();
        const torch::Tensor logits = model->forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0];
        const auto rows = ref["rows"].get<std::vector<std::vector<float>>>();
        QCOMPARE(logits.size(0), int64_t(rows.size()));
        QCOMPARE(logits.size(1), int64_t(rows[0].size()));
        torch::Tensor want = torch::empty_like(logits);
        for (size_t i = 0; i < rows.size(); ++i)
            want[static_cast<int64_t>(i)] = torch::tensor(rows[i], torch::kFloat32);
        const double diff = (logits - want).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, ("max |logit diff| " + std::to_string(diff)).c_str());
    }

    // ---- bad files ---------------------------------------------------------------
    void badFiles_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("needle");
        for (auto it = expected()["bad_files"].begin(); it != expected()["bad_files"].end(); ++it)
            QTest::newRow(it.key().c_str()) << QString::fromStdString((*it)["path"].get<std::string>())
                                            << QString::fromStdString((*it)["file"].get<std::string>())
                                            << QString::fromStdString((*it)["needle"].get<std::string>());
    }
    void badFiles() {
        QFETCH(QString, path);
        QFETCH(QString, file);
        QFETCH(QString, needle);
        // Config errors are InputError; broken weight files are FormatError (a subclass).
        const bool configError = file == "config.json";
        auto read = [&] { readWhole(fixture(path.toStdString())); };
        if (configError)
            expectError<InputError>(read, file.toStdString(), needle.toStdString());
        else
            expectError<FormatError>(read, file.toStdString(), needle.toStdString());
    }

    // Damaged copies of every good file (cut at many lengths, bytes overwritten
    // in the header region) either load or throw InputError: never a crash,
    // never another exception type.
    void damagedFilesNeverCrash_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("name");  // the file name to give the copy
        QTest::newRow("safetensors") << "tiny_llama/model.safetensors"
                                     << "model.safetensors";
        QTest::newRow("gguf-q8_0") << "tiny_llama_q8_0.gguf"
                                   << "x.gguf";
        QTest::newRow("gguf-f16") << "tiny_llama_f16.gguf"
                                  << "x.gguf";
        QTest::newRow("llama2c") << "tiny_llama2c_untied.bin"
                                 << "x.bin";
    }
    void damagedFilesNeverCrash() {
        QFETCH(QString, source);
        QFETCH(QString, name);
        QFile in(QString::fromStdString(fixture(source.toStdString())));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray good = in.readAll();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const bool hf = name == "model.safetensors";
        if (hf)
            QVERIFY(QFile::copy(QString::fromStdString(fixture("tiny_llama/config.json")),
                                dir.filePath("config.json")));
        const std::string target = hf ? dir.path().toStdString() : dir.filePath(name).toStdString();
        auto attempt = [&](const QByteArray& bytes, const std::string& what) {
            QFile out(dir.filePath(name));
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(bytes);
            out.close();
            try {
                readWhole(target);
            } catch (const InputError&) {
            } catch (const std::exception& e) {
                QFAIL((what + ": " + e.what()).c_str());
            }
        };
        const int n = good.size();
        for (int cut = 0; cut < n; cut += std::max(1, n / 97))
            attempt(good.left(cut), "cut at " + std::to_string(cut));
        std::mt19937 rng(11);
        const int headerRegion = std::min(n, 2048);  // metadata, tensor infos, JSON header
        for (int trial = 0; trial < 300; ++trial) {
            QByteArray bad = good;
            for (int k = 0; k < 1 + trial % 3; ++k) {
                const int at = static_cast<int>(rng() % static_cast<unsigned>(headerRegion));
                bad[at] = static_cast<char>(rng() & 0xff);
            }
            attempt(bad, "trial " + std::to_string(trial));
            if (QTest::currentTestFailed()) return;
        }
    }

    // ---- writer --------------------------------------------------------------------
    void writerRoundTrip() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string file = dir.filePath("out.safetensors").toStdString();
        torch::manual_seed(3);
        std::map<std::string, torch::Tensor> tensors = {
            {"f32", torch::randn({3, 5})},
            {"bf16", torch::randn({7}).to(torch::kBFloat16)},
            {"f16", torch::randn({2, 3, 4}).to(torch::kFloat16)},
            {"i64", torch::arange(0, 11, torch::kInt64)},
            {"strided", torch::randn({4, 6}).t()},  // non-contiguous input
            {"scalar", torch::tensor(2.5f).reshape({})},
        };
        const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "sieve \"test\""}};
        writeSafetensors(file, tensors, metadata);

        std::ifstream in(file, std::ios::binary);
        uint64_t headerLen = 0;
        in.read(reinterpret_cast<char*>(&headerLen), 8);
        QCOMPARE(headerLen % 8, uint64_t(0));

        const SafetensorsFile back(file);
        QCOMPARE(back.metadata(), metadata);
        QCOMPARE(back.entries().size(), tensors.size());
        for (const auto& e : back.entries()) {
            const torch::Tensor& original = tensors.at(e.name);
            const torch::Tensor got = back.read(e);
            QCOMPARE(got.scalar_type(), original.scalar_type());
            QVERIFY2(torch::equal(got, original.contiguous()), e.name.c_str());
        }
        expectError<InputError>(
            [&] {
                writeSafetensors(file, {{"c", torch::zeros({2}, torch::kComplexFloat)}});
            },
            "out.safetensors", "dtype");
    }

    // The reference implementation reads what we wrote.
    void writerReadByPythonSafetensors() {
        const QString python = QStandardPaths::findExecutable("python3");
        if (python.isEmpty()) QSKIP("python3 not found; the Python safetensors check is skipped");
        QProcess probe;
        probe.start(python, {"-c", "import safetensors, numpy"});
        probe.waitForFinished(60000);
        if (probe.exitCode() != 0)
            QSKIP("python3 lacks safetensors/numpy; the Python safetensors check is skipped");

        QTemporaryDir dir;
        const std::string file = dir.filePath("py.safetensors").toStdString();
        torch::manual_seed(5);
        const std::map<std::string, torch::Tensor> tensors = {
            {"a.weight", torch::randn({4, 3})},
            {"b.half", torch::randn({5}).to(torch::kFloat16)},
            {"c.ids", torch::arange(3, 9, torch::kInt64)},
        };
        writeSafetensors(file, tensors, {{"who", "sieve"}});
        const char* script =
            "import sys, json, numpy as np\n"
            "from safetensors import safe_open\n"
            "out = {}\n"
            "with safe_open(sys.argv[1], framework='numpy') as f:\n"
            "    out['__metadata__'] = f.metadata()\n"
            "    for k in f.keys():\n"
            "        a = f.get_tensor(k)\n"
            "        out[k] = [str(a.dtype), list(a.shape), [float(x) for x in a.reshape(-1)]]\n"
            "print(json.dumps(out))\n";
        QProcess py;
        py.start(python, {"-c", script, QString::fromStdString(file)});
        QVERIFY(py.waitForFinished(60000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        const json got = json::parse(py.readAllStandardOutput().toStdString());
        QCOMPARE(got["__metadata__"]["who"].get<std::string>(), std::string("sieve"));
        const std::map<std::string, std::string> dtypes = {
            {"a.weight", "float32"}, {"b.half", "float16"}, {"c.ids", "int64"}};
        for (const auto& [name, t] : tensors) {
            QCOMPARE(got[name][0].get<std::string>(), dtypes.at(name));
            QCOMPARE(got[name][1].get<std::vector<int64_t>>(), t.sizes().vec());
            const auto values = got[name][2].get<std::vector<double>>();
            const torch::Tensor flat = t.to(torch::kFloat64).reshape(-1);
            for (int64_t i = 0; i < flat.numel(); ++i) QCOMPARE(values[i], flat[i].item<double>());
        }
    }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"

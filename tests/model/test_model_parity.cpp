// The transformer against Hugging Face transformers: every architecture's
// float32 logits (whole sequence, left-padded batch, KV-cache decoding), its
// greedy ids and continuation log-likelihoods, all from the reference files
// that scripts/fixtures/models.py wrote with transformers. Then what the
// pruning engine relies on: factorized maps, the input observer, the state
// dict (Phi-3 re-fused), training through autograd.
#include <QtTest/QtTest>

#include <fstream>
#include <map>

#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "model/npy.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

constexpr double kTolerance = 1e-4;  // max |ours - transformers| on float32 logits

std::string fixtureDir(const QString& arch) {
    return std::string(SIEVE_FIXTURES_DIR) + "/models/" + arch.toStdString();
}

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

torch::Tensor idsTensor(const std::vector<std::vector<int64_t>>& rows) {
    torch::Tensor t = torch::empty({int64_t(rows.size()), int64_t(rows[0].size())}, torch::kLong);
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[i].size(); ++j) t[int64_t(i)][int64_t(j)] = rows[i][j];
    return t;
}

struct Fixture {
    std::unique_ptr<Model> model;
    nlohmann::json ref;
    std::string dir;
};

Fixture loadFixture(const QString& arch, DType dtype = DType::Float32) {
    Fixture f;
    f.dir = fixtureDir(arch);
    LoadOptions options;
    options.device.device = "cpu";
    options.device.dtype = dtype;
    f.model = Model::load(f.dir, options);
    f.ref = readJson(f.dir + "/reference.json");
    return f;
}

}  // namespace

class TestModelParity : public QObject {
    Q_OBJECT

private:
    void architectures() {
        QTest::addColumn<QString>("arch");
        for (const char* a : {"llama3", "llama2", "mistral", "qwen2", "phi3"}) QTest::newRow(a) << QString(a);
    }

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void fullSequenceMatchesTransformers_data() { architectures(); }
    void fullSequenceMatchesTransformers() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor expected = test::readNpyFloat32(f.dir + "/logits_single.npy");
        const torch::Tensor ids = idsTensor({f.ref["single_ids"].get<std::vector<int64_t>>()});
        const torch::Tensor logits = f.model->forward(ids);
        QCOMPARE(logits.scalar_type(), torch::kFloat32);
        QVERIFY(logits.sizes().equals(expected.sizes()));
        const double diff = maxAbsDiff(logits, expected);
        QVERIFY2(diff < kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
    }

    void leftPaddedBatchMatchesTransformers_data() { architectures(); }
    void leftPaddedBatchMatchesTransformers() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor expected = test::readNpyFloat32(f.dir + "/logits_batch.npy");
        const torch::Tensor ids = idsTensor(f.ref["batch_ids"].get<std::vector<std::vector<int64_t>>>());
        const torch::Tensor mask = idsTensor(f.ref["batch_mask"].get<std::vector<std::vector<int64_t>>>());
        const torch::Tensor logits = f.model->forward(ids, mask);
        // Only real tokens have meaningful logits; padding rows are ignored by both sides.
        const torch::Tensor valid = mask.to(torch::kBool);
        QCOMPARE(valid.sum().item<int64_t>(), int64_t(11 + 6 + 8));
        const double diff = maxAbsDiff(logits.index({valid}), expected.index({valid}));
        QVERIFY2(diff < kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
        QVERIFY(torch::isfinite(logits).all().item<bool>());
    }

    // Prefill a few tokens, then one token at a time through the KV cache: each
    // step must give the logits transformers computed for the whole sequence.
    void kvCacheDecodingMatchesTransformers_data() { architectures(); }
    void kvCacheDecodingMatchesTransformers() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor expected = test::readNpyFloat32(f.dir + "/logits_single.npy")[0];  // [T, V]
        const auto prompt = f.ref["single_ids"].get<std::vector<int64_t>>();
        const torch::Tensor ids = idsTensor({prompt});
        const int64_t T = ids.size(1), prefill = 4;
        KVCache cache;
        torch::Tensor logits = f.model->forward(ids.narrow(1, 0, prefill), {}, &cache);
        QCOMPARE(cache.length(), prefill);
        double diff = maxAbsDiff(logits[0], expected.narrow(0, 0, prefill));
        for (int64_t t = prefill; t < T; ++t) {
            logits = f.model->forward(ids.narrow(1, t, 1), {}, &cache);
            QCOMPARE(logits.size(1), int64_t(1));
            diff = std::max(diff, maxAbsDiff(logits[0][0], expected[t]));
        }
        QCOMPARE(cache.length(), T);
        QVERIFY2(diff < kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
    }

    // The left-padded batch decoded step by step with the tokens transformers'
    // generate() chose: each step's logits against generate()'s own (it used a cache too).
    void kvCacheBatchDecodingMatchesGenerate_data() { architectures(); }
    void kvCacheBatchDecodingMatchesGenerate() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor expected = test::readNpyFloat32(f.dir + "/logits_gen.npy");  // [B, N, V]
        const torch::Tensor ids = idsTensor(f.ref["batch_ids"].get<std::vector<std::vector<int64_t>>>());
        const torch::Tensor mask = idsTensor(f.ref["batch_mask"].get<std::vector<std::vector<int64_t>>>());
        const torch::Tensor generated =
            idsTensor(f.ref["generated_ids"].get<std::vector<std::vector<int64_t>>>());
        const int64_t B = ids.size(0), N = generated.size(1);
        KVCache cache;
        torch::Tensor logits = f.model->forward(ids, mask, &cache).select(1, -1);  // [B, V]
        double diff = maxAbsDiff(logits, expected.select(1, 0));
        for (int64_t step = 1; step < N; ++step) {
            logits =
                f.model->forward(generated.narrow(1, step - 1, 1), torch::ones({B, 1}, torch::kLong), &cache)
                    .select(1, 0);
            diff = std::max(diff, maxAbsDiff(logits, expected.select(1, step)));
        }
        QVERIFY2(diff < kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
    }

    void greedyGenerationMatchesTransformers_data() { architectures(); }
    void greedyGenerationMatchesTransformers() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const auto prompts = f.ref["batch_prompts"].get<std::vector<std::vector<int64_t>>>();
        const auto expected = f.ref["generated_ids"].get<std::vector<std::vector<int64_t>>>();
        const auto ours = f.model->generateGreedy(prompts, f.ref["new_tokens"].get<int>());
        QCOMPARE(ours, expected);
        // A stop token ends its row and is not returned; other rows go on.
        const int64_t stop = expected[1][2];
        const auto stopped = f.model->generateGreedy(prompts, f.ref["new_tokens"].get<int>(), {stop});
        auto until = [stop](const std::vector<int64_t>& row) {
            return std::vector<int64_t>(row.begin(), std::find(row.begin(), row.end(), stop));
        };
        for (size_t i = 0; i < prompts.size(); ++i) QCOMPARE(stopped[i], until(expected[i]));
    }

    // Sum of log-softmax of the reference logits at the continuation's tokens.
    void continuationLogLikelihoodMatchesTransformers_data() { architectures(); }
    void continuationLogLikelihoodMatchesTransformers() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor reference =
            torch::log_softmax(test::readNpyFloat32(f.dir + "/logits_single.npy")[0].to(torch::kFloat64), -1);
        const auto seq = f.ref["single_ids"].get<std::vector<int64_t>>();
        std::vector<std::vector<int64_t>> prompts, continuations;
        std::vector<double> expected;
        for (size_t split : {size_t(1), size_t(4), size_t(7), seq.size() - 1}) {
            prompts.emplace_back(seq.begin(), seq.begin() + long(split));
            continuations.emplace_back(seq.begin() + long(split), seq.end());
            double sum = 0;
            for (size_t t = split; t < seq.size(); ++t) sum += reference[long(t - 1)][seq[t]].item<double>();
            expected.push_back(sum);
        }
        const std::vector<double> ours = f.model->continuationLogLikelihood(prompts, continuations);
        QCOMPARE(ours.size(), expected.size());
        for (size_t i = 0; i < ours.size(); ++i)
            QVERIFY2(std::abs(ours[i] - expected[i]) < 1e-3,
                     qPrintable(QString("pair %1: %2 vs %3").arg(i).arg(ours[i]).arg(expected[i])));
        QVERIFY_EXCEPTION_THROWN(f.model->continuationLogLikelihood({{}}, {{5}}), InputError);
    }

    // B = W, A = I (full rank) is the same map; restoring is exact.
    void factorizedIdentityKeepsLogits_data() { architectures(); }
    void factorizedIdentityKeepsLogits() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const torch::Tensor ids = idsTensor({f.ref["single_ids"].get<std::vector<int64_t>>()});
        const torch::Tensor dense = f.model->forward(ids);
        const int64_t denseParams = f.model->currentPrunableParams();
        QCOMPARE(denseParams, f.model->summary().prunableParams);
        for (int i = 0; i < f.model->matrixCount(); ++i) {
            PrunableLinear& m = f.model->matrix(i);
            m.setFactors(m.weight().clone(), torch::eye(m.info().cols));
            QVERIFY(m.isFactorized());
            QCOMPARE(m.rank(), m.info().cols);
            QCOMPARE(m.currentParams(), m.info().cols * (m.info().rows + m.info().cols));
        }
        const torch::Tensor factorized = f.model->forward(ids);
        QVERIFY2(maxAbsDiff(factorized, dense) < 1e-5, "B=W, A=I changed the logits");
        // A rank-1 map really changes the output (the factors are used).
        PrunableLinear& q0 = f.model->matrix(0);
        q0.setFactors(torch::ones({q0.info().rows, 1}), torch::ones({1, q0.info().cols}));
        QVERIFY(maxAbsDiff(f.model->forward(ids), dense) > 1e-3);
        QVERIFY_EXCEPTION_THROWN(q0.setFactors(torch::ones({3, 1}), torch::ones({1, q0.info().cols})),
                                 InputError);
        f.model->restoreAllDense();
        QCOMPARE(f.model->currentPrunableParams(), denseParams);
        QVERIFY(torch::equal(f.model->forward(ids), dense));
        // A replacement weight (e.g. a masked W) is applied and restored the same way.
        PrunableLinear& down = f.model->matrix(6);
        down.setReplacementWeight(torch::zeros_like(down.weight()));
        QVERIFY(maxAbsDiff(f.model->forward(ids), dense) > 1e-3);
        down.restoreDense();
        QVERIFY(torch::equal(f.model->forward(ids), dense));
    }

    // The observer gets exactly the valid tokens of each site, and those rows
    // are the same as when each prompt runs alone (padding changes nothing).
    void observerSeesOnlyValidTokens_data() { architectures(); }
    void observerSeesOnlyValidTokens() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const auto prompts = f.ref["batch_prompts"].get<std::vector<std::vector<int64_t>>>();
        const torch::Tensor ids = idsTensor(f.ref["batch_ids"].get<std::vector<std::vector<int64_t>>>());
        const torch::Tensor mask = idsTensor(f.ref["batch_mask"].get<std::vector<std::vector<int64_t>>>());
        const ModelConfig& c = f.model->config();
        std::map<std::pair<int, InputSite>, std::vector<torch::Tensor>> seen;
        f.model->setInputObserver([&seen](int layer, InputSite site, const torch::Tensor& x) {
            seen[{layer, site}].push_back(x.clone());
        });
        f.model->forward(ids, mask);
        QCOMPARE(int(seen.size()), c.layers * 4);
        const int64_t valid = mask.sum().item<int64_t>();
        const std::map<InputSite, int64_t> width{{InputSite::AttentionIn, c.hidden},
                                                 {InputSite::AttentionOut, c.heads * c.headDim},
                                                 {InputSite::MlpIn, c.hidden},
                                                 {InputSite::MlpHidden, c.intermediate}};
        for (const auto& [key, xs] : seen) {
            QCOMPARE(int(xs.size()), 1);
            QCOMPARE(xs[0].size(0), valid);
            QCOMPARE(xs[0].size(1), width.at(key.second));
        }
        auto batched = std::move(seen);
        seen.clear();
        for (const auto& p : prompts) f.model->forward(idsTensor({p}));
        for (const auto& [key, xs] : seen) {
            const double diff = maxAbsDiff(torch::cat(xs, 0), batched.at(key)[0]);
            QVERIFY2(
                diff < 1e-4,
                qPrintable(QString("layer %1 site %2: %3").arg(key.first).arg(int(key.second)).arg(diff)));
        }
        f.model->clearInputObserver();
    }

    // The state dict is the checkpoint again: same names (Phi-3 fused again),
    // same values, same parameter count.
    void stateDictRoundTrips_data() { architectures(); }
    void stateDictRoundTrips() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const Checkpoint checkpoint = readHfCheckpoint(f.dir);
        const auto ours = f.model->hfStateDict();
        int64_t checkpointParams = 0;
        for (const auto& [name, t] : checkpoint.tensors) {
            checkpointParams += t.numel();
            QVERIFY2(ours.count(name), qPrintable(QString::fromStdString("missing " + name)));
            QVERIFY2(torch::equal(ours.at(name), t.to(torch::kFloat32)), name.c_str());
        }
        QCOMPARE(ours.size(), checkpoint.tensors.size());
        QCOMPARE(f.model->summary().totalParams, checkpointParams);
        if (arch == "phi3") {
            QVERIFY(ours.count("model.layers.1.self_attn.qkv_proj.weight"));
            QVERIFY(ours.count("model.layers.1.mlp.gate_up_proj.weight"));
            QVERIFY(!ours.count("model.layers.1.self_attn.q_proj.weight"));
        }
        // Effective weights: a factorized map is exported as B A.
        PrunableLinear& up = f.model->matrix(5);
        const torch::Tensor B = torch::randn({up.info().rows, 2}), A = torch::randn({2, up.info().cols});
        up.setFactors(B, A);
        const auto pruned = f.model->hfStateDict(true);
        const torch::Tensor exported = arch == "phi3" ? pruned.at("model.layers.0.mlp.gate_up_proj.weight")
                                                            .narrow(0, up.info().rows, up.info().rows)
                                                      : pruned.at("model.layers.0.mlp.up_proj.weight");
        QVERIFY(maxAbsDiff(exported, torch::matmul(B, A)) < 1e-5);
        QVERIFY(torch::equal(
            f.model->hfStateDict(false).at(arch == "phi3" ? "model.layers.0.mlp.gate_up_proj.weight"
                                                          : "model.layers.0.mlp.up_proj.weight"),
            ours.at(arch == "phi3" ? "model.layers.0.mlp.gate_up_proj.weight"
                                   : "model.layers.0.mlp.up_proj.weight")));
    }

    void summaryListsTheSevenMatricesPerLayer_data() { architectures(); }
    void summaryListsTheSevenMatricesPerLayer() {
        QFETCH(QString, arch);
        Fixture f = loadFixture(arch);
        const ModelSummary& s = f.model->summary();
        const ModelConfig& c = f.model->config();
        QCOMPARE(int(s.matrices.size()), c.layers * kMatrixTypeCount);
        QCOMPARE(f.model->matrixCount(), int(s.matrices.size()));
        QCOMPARE(s.architecture, arch.startsWith("llama") ? std::string("llama") : arch.toStdString());
        int64_t prunable = 0;
        for (size_t i = 0; i < s.matrices.size(); ++i) {
            const MatrixInfo& m = s.matrices[i];
            QCOMPARE(m.layer, int(i) / kMatrixTypeCount);
            QCOMPARE(int(m.type), int(i) % kMatrixTypeCount);
            const bool attention = int(m.type) <= int(MatrixType::O);
            QCOMPARE(m.name, "model.layers." + std::to_string(m.layer) +
                                 (attention ? ".self_attn." : ".mlp.") + matrixTypeName(m.type));
            const bool qkv = int(m.type) <= int(MatrixType::V);
            QCOMPARE(m.hasBias, arch == "qwen2" && qkv);
            QCOMPARE(f.model->matrix(int(i)).weight().size(0), m.rows);
            QCOMPARE(f.model->matrix(int(i)).weight().size(1), m.cols);
            prunable += m.rows * m.cols;
        }
        QCOMPARE(s.prunableParams, prunable);
        QCOMPARE(s.device, std::string("cpu"));
        QCOMPARE(s.dtype, std::string("float32"));
    }

    // bfloat16 runs the same code path; its logits stay near the float32 reference.
    void bfloat16IsCloseToReference() {
        Fixture f = loadFixture("llama3", DType::BFloat16);
        QCOMPARE(f.model->dtype(), torch::kBFloat16);
        const torch::Tensor expected = test::readNpyFloat32(f.dir + "/logits_single.npy");
        const torch::Tensor logits =
            f.model->forward(idsTensor({f.ref["single_ids"].get<std::vector<int64_t>>()}));
        QCOMPARE(logits.scalar_type(), torch::kFloat32);
        const double diff = maxAbsDiff(logits, expected);
        QVERIFY2(diff < 0.15, qPrintable(QString("bf16 max abs diff %1").arg(diff)));
    }

    // randomInit: deterministic per seed, and trainable through parameters().
    void randomInitTrainsUnderAutograd() {
        ModelConfig c;
        c.modelType = "llama";
        c.hidden = 32, c.intermediate = 48, c.layers = 2, c.heads = 4, c.kvHeads = 2, c.vocab = 50;
        LoadOptions cpu;
        cpu.device.device = "cpu";
        auto a = Model::randomInit(c, 7, cpu), b = Model::randomInit(c, 7, cpu),
             other = Model::randomInit(c, 8, cpu);
        QVERIFY(torch::equal(a->matrix(3).weight(), b->matrix(3).weight()));
        QVERIFY(!torch::equal(a->matrix(3).weight(), other->matrix(3).weight()));
        QCOMPARE(a->config().headDim, int64_t(8));

        std::vector<torch::Tensor> params = a->parameters();
        int64_t count = 0;
        for (auto& p : params) {
            p.requires_grad_(true);
            count += p.numel();
        }
        QCOMPARE(a->summary().totalParams, count);
        torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-2));
        const torch::Tensor ids = torch::randint(0, 50, {2, 12}, torch::kLong);
        auto loss = [&] {
            const torch::Tensor logits = a->forward(ids.narrow(1, 0, 11));
            return torch::nn::functional::cross_entropy(logits.reshape({-1, 50}),
                                                        ids.narrow(1, 1, 11).reshape({-1}));
        };
        const double first = loss().item<double>();
        for (int step = 0; step < 20; ++step) {
            optimizer.zero_grad();
            torch::Tensor l = loss();
            l.backward();
            optimizer.step();
        }
        QVERIFY(a->matrix(0).weight().grad().defined());
        QVERIFY(loss().item<double>() < first - 0.5);
    }

    void badInputIsRefused() {
        Fixture f = loadFixture("llama3");
        QVERIFY_EXCEPTION_THROWN(f.model->forward(torch::zeros({3}, torch::kLong)), InputError);
        QVERIFY_EXCEPTION_THROWN(f.model->forward(torch::zeros({1, 3}, torch::kLong), torch::ones({1, 4})),
                                 InputError);
        QVERIFY_EXCEPTION_THROWN(f.model->forward(torch::full({1, 2}, 512, torch::kLong)), InputError);
        QVERIFY_EXCEPTION_THROWN(f.model->forward(torch::full({1, 2}, -1, torch::kLong)), InputError);
        QVERIFY_EXCEPTION_THROWN(f.model->generateGreedy({{}}, 3), InputError);
        QVERIFY_EXCEPTION_THROWN(f.model->generateGreedy({{1, 100000}}, 3), InputError);
        ModelConfig c = f.model->config();
        c.ropeScaling.type = "yarn";
        QVERIFY_EXCEPTION_THROWN(Model::randomInit(c, 1), InputError);
        c = f.model->config();
        c.kvHeads = 3;
        QVERIFY_EXCEPTION_THROWN(Model::randomInit(c, 1), InputError);
        // A checkpoint tensor with the wrong shape names the tensor.
        Checkpoint checkpoint = readHfCheckpoint(f.dir);
        checkpoint.tensors["model.layers.1.mlp.up_proj.weight"] = torch::zeros({3, 3});
        try {
            Model::fromCheckpoint(checkpoint);
            QFAIL("a wrong shape was accepted");
        } catch (const FormatError& e) {
            QVERIFY(std::string(e.what()).find("model.layers.1.mlp.up_proj.weight") != std::string::npos);
        }
        checkpoint.tensors.erase("model.layers.1.mlp.up_proj.weight");
        QVERIFY_EXCEPTION_THROWN(Model::fromCheckpoint(checkpoint), FormatError);
    }
};

QTEST_GUILESS_MAIN(TestModelParity)
#include "test_model_parity.moc"

// LoRA recovery (issue 16) against peft, not against ourselves:
// scripts/fixtures/lora.py built a batch from the demo add task, gave the
// demo model peft adapters (r 4, alpha 8, every projection; B drawn at
// random so that every gradient is non-zero), and recorded the loss, the
// gradients, the adapters after one torch.optim.AdamW step, the logits after
// it and what peft's save_pretrained wrote. Our batch, loss, gradients, step,
// forward and PEFT export must agree with each.
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "core/model/safetensors.h"
#include "core/recovery/lora.h"
#include "core/recovery/peft_adapter.h"
#include "core/task/task_file.h"
#include "core/tokenizer/tokenizer.h"
#include "tensor_compare.h"

using namespace sieve;
using sieve::test::maxAbsDiff;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kFixtures = SIEVE_SOURCE_DIR "/tests/fixtures/lora";

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::map<std::string, torch::Tensor> readTensors(const std::string& path) {
    SafetensorsFile file(path);
    std::map<std::string, torch::Tensor> out;
    for (const SafetensorsEntry& e : file.entries()) out[e.name] = file.read(e);
    return out;
}

torch::Tensor longTensor(const nlohmann::json& rows) {
    std::vector<int64_t> flat;
    for (const auto& row : rows)
        for (const auto& v : row) flat.push_back(v.get<int64_t>());
    return torch::tensor(flat, torch::kLong).view({int64_t(rows.size()), -1});
}

// Tolerance relative to the reference's size: float32 sums of a few
// thousand terms agree to ~1e-6 of their magnitude.
double scaledDiff(const torch::Tensor& ours, const torch::Tensor& reference) {
    return maxAbsDiff(ours, reference) / std::max(1.0, reference.abs().max().item<double>());
}

LoraSettings fixtureSettings() {
    LoraSettings s;
    s.rank = 4;
    s.alpha = 8;
    s.learningRate = 1e-2;
    return s;
}

// The fixture's initial adapters on every matrix of `model`, training.
void attachFixtureAdapters(Model& model) {
    const auto initial = readTensors(kFixtures + "/initial.safetensors");
    const LoraSettings s = fixtureSettings();
    for (int i = 0; i < model.matrixCount(); ++i) {
        const std::string name = model.matrix(i).info().name;
        torch::Tensor A = initial.at(name + ".lora_A.weight").clone().requires_grad_(true);
        torch::Tensor B = initial.at(name + ".lora_B.weight").clone().requires_grad_(true);
        model.matrix(i).setAdapter({A, B, s.alpha / s.rank});
    }
}

}  // namespace

class TestLora : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        model_ = Model::load(kDemo);
        tokenizer_ = Tokenizer::load(kDemo + "/tokenizer.json");
        task_ = loadTask(kDemo + "/tasks/add.jsonl");
        batchJson_ = nlohmann::json::parse(readText(kFixtures + "/batch.json"));
        step_ = nlohmann::json::parse(readText(kFixtures + "/step.json"));
    }
    void cleanup() { model_->restoreAllDense(); }

    // Prompt + answer + stop string, labels on the answer only, as the script built them.
    void batchIsTheOneTheFixtureTrainedOn() {
        const auto sequences = answerSequences(task_, tokenizer_.get(), model_->config().maxPositions);
        QVERIFY(sequences.size() >= 4);
        const LoraBatch batch = loraBatch(sequences, {0, 1, 2, 3}, *model_->config().padTokenId);
        QVERIFY(torch::equal(batch.ids, longTensor(batchJson_["ids"])));
        QVERIFY(torch::equal(batch.labels, longTensor(batchJson_["labels"])));
    }

    void lossGradientsAndStepMatchPeft() {
        attachFixtureAdapters(*model_);
        const LoraBatch batch{longTensor(batchJson_["ids"]), longTensor(batchJson_["labels"])};
        LoraTrainer trainer(*model_, fixtureSettings());
        const double loss = trainer.step(batch);
        const double reference = step_["loss"].get<double>();
        QVERIFY2(std::abs(loss - reference) <= 1e-5 * std::max(1.0, reference),
                 qPrintable(QString("loss %1, peft %2").arg(loss, 0, 'g', 10).arg(reference, 0, 'g', 10)));
        QVERIFY(reference > 1.0);  // a batch with something to learn (the fixture's random B)

        const auto gradients = readTensors(kFixtures + "/gradients.safetensors");
        double worstGradient = 0;
        for (int i = 0; i < model_->matrixCount(); ++i) {
            const LoraAdapter* a = model_->matrix(i).adapter();
            QVERIFY(a && a->A.grad().defined() && a->B.grad().defined());
            const std::string name = model_->matrix(i).info().name;
            const torch::Tensor gA = gradients.at(name + ".lora_A.weight");
            QVERIFY(gA.abs().max().item<double>() > 1e-3);  // the random B made A learn
            worstGradient = std::max(worstGradient, scaledDiff(a->A.grad(), gA));
            worstGradient =
                std::max(worstGradient, scaledDiff(a->B.grad(), gradients.at(name + ".lora_B.weight")));
        }
        QVERIFY2(worstGradient <= 1e-5, qPrintable(QString("gradients differ by %1").arg(worstGradient)));

        // After the step: the adapters peft saved. Adam's first step moves
        // each weight by lr g / (|g| + eps): where |g| is near eps (1e-8)
        // float32 noise in g decides the move, so those weights (a small
        // minority) are only checked to move by at most lr.
        freezeLoraAdapters(*model_);
        const auto initial = readTensors(kFixtures + "/initial.safetensors");
        const auto saved = readTensors(kFixtures + "/peft/adapter_model.safetensors");
        const auto ours = peftAdapterTensors(*model_);
        QCOMPARE(ours.size(), saved.size());
        const double lr = fixtureSettings().learningRate;
        double worstWeight = 0;
        int64_t checked = 0, total = 0;
        for (const auto& [name, tensor] : saved) {
            QVERIFY2(ours.count(name), qPrintable(QString::fromStdString("missing " + name)));
            const std::string plain = name.substr(std::string("base_model.model.").size());
            const torch::Tensor before = initial.at(plain), gradient = gradients.at(plain);
            QCOMPARE(ours.at(name).sizes(), tensor.sizes());
            const torch::Tensor conditioned = gradient.abs() > 1e-4;
            const torch::Tensor diff = (ours.at(name) - tensor).abs();
            worstWeight = std::max(worstWeight, diff.masked_select(conditioned).max().item<double>());
            QVERIFY((ours.at(name) - before).abs().max().item<double>() <= lr * (1 + 1e-4));
            checked += conditioned.sum().item<int64_t>();
            total += tensor.numel();
        }
        QVERIFY2(worstWeight <= 1e-6,
                 qPrintable(QString("adapters after the step differ by %1").arg(worstWeight)));
        QVERIFY2(checked > total * 9 / 10,
                 qPrintable(QString("%1 of %2 weights checked").arg(checked).arg(total)));
        const torch::Tensor logits = model_->forward(batch.ids);
        const torch::Tensor reference_logits = readTensors(kFixtures + "/logits.safetensors").at("logits");
        QVERIFY(scaledDiff(logits, reference_logits) <= 1e-4);
    }

    // adapter_config.json: what peft needs to rebuild the same adapters.
    void peftConfigDescribesTheAdapters() {
        const auto ours = nlohmann::json::parse(peftAdapterConfig(*model_, fixtureSettings()));
        const auto peft = nlohmann::json::parse(readText(kFixtures + "/peft/adapter_config.json"));
        for (const char* key : {"peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "bias",
                                "fan_in_fan_out", "use_rslora", "use_dora"})
            QVERIFY2(ours.at(key) == peft.at(key), key);
        auto sorted = [](nlohmann::json list) {
            std::vector<std::string> v = list.get<std::vector<std::string>>();
            std::sort(v.begin(), v.end());
            return v;
        };
        QCOMPARE(sorted(ours.at("target_modules")), sorted(peft.at("target_modules")));
    }

    // PEFT's initialisation: B zero (the pruned model is where training
    // starts), A uniform within 1/sqrt(H); only the targets get one.
    void freshAdaptersStartFromThePrunedModel() {
        const torch::Tensor ids = longTensor(batchJson_["ids"]);
        const torch::Tensor before = model_->forward(ids);
        LoraSettings s = fixtureSettings();
        s.targets = {"q", "down"};
        const int64_t params = attachLoraAdapters(*model_, s);
        int64_t expected = 0;
        for (int i = 0; i < model_->matrixCount(); ++i) {
            const PrunableLinear& m = model_->matrix(i);
            const bool target = m.info().type == MatrixType::Q || m.info().type == MatrixType::Down;
            QCOMPARE(m.adapter() != nullptr, target);
            if (!target) continue;
            expected += 4 * (m.info().rows + m.info().cols);
            QVERIFY(m.adapter()->B.abs().max().item<double>() == 0.0);
            const double bound = 1.0 / std::sqrt(double(m.info().cols));
            QVERIFY(m.adapter()->A.abs().max().item<double>() <= bound);
            QVERIFY(m.adapter()->A.abs().max().item<double>() > 0.8 * bound);
        }
        QCOMPARE(params, expected);
        QCOMPARE(maxAbsDiff(model_->forward(ids), before), 0.0);
        QVERIFY(!model_->matrix(0).isDense());
        model_->restoreAllDense();
        QVERIFY(model_->matrix(0).adapter() == nullptr);
    }

    // A factorized matrix keeps its adapter on every forward path (the
    // shared-input GEMM of q/k/v and gate/up included): the same logits as
    // its dense product B A with the same adapter.
    void adaptersComposeWithFactorizedMatrices() {
        const torch::Tensor ids = longTensor(batchJson_["ids"]);  // 4 x T >= 16 rows: the fused path
        QVERIFY(ids.numel() >= 16);
        torch::NoGradGuard noGrad;
        LoraSettings s = fixtureSettings();
        s.seed = 3;
        attachLoraAdapters(*model_, s);
        std::vector<LoraAdapter> adapters;
        torch::Generator generator = at::detail::createCPUGenerator(11);
        for (int i = 0; i < model_->matrixCount(); ++i) {
            LoraAdapter a = *model_->matrix(i).adapter();
            a.B = torch::randn(a.B.sizes(), generator) * 0.1;  // a trained-looking adapter
            adapters.push_back(a);
        }
        auto applyRank = [&](bool factorized) {
            for (int i = 0; i < model_->matrixCount(); ++i) {
                PrunableLinear& m = model_->matrix(i);
                const int64_t r = std::min(m.info().rows, m.info().cols) / 2;
                const auto [U, S, Vh] = torch::linalg_svd(m.weight(), false);
                const torch::Tensor B = U.narrow(1, 0, r) * S.narrow(0, 0, r), A = Vh.narrow(0, 0, r);
                if (factorized)
                    m.setFactors(B, A);
                else
                    m.setReplacementWeight(B.matmul(A));
                m.setAdapter(adapters[size_t(i)]);
            }
        };
        applyRank(true);
        QVERIFY(model_->matrix(0).isFactorized());
        const torch::Tensor factorized = model_->forward(ids);
        applyRank(false);
        const torch::Tensor product = model_->forward(ids);
        model_->restoreAllDense();
        const torch::Tensor dense = model_->forward(ids);
        QVERIFY(maxAbsDiff(factorized, product) <= 1e-4);
        QVERIFY(maxAbsDiff(factorized, dense) > 1e-2);  // the adapters and the pruning changed something
    }

    // Training on the calibration split lowers the answer loss of a pruned
    // model, the factors stay as they were, and the adapters end frozen.
    void trainingLowersTheLossOfAPrunedModel() {
        for (int i = 0; i < model_->matrixCount(); ++i) {
            PrunableLinear& m = model_->matrix(i);
            const int64_t r = std::min(m.info().rows, m.info().cols) / 4;
            const auto [U, S, Vh] = torch::linalg_svd(m.weight(), false);
            m.setFactors(U.narrow(1, 0, r) * S.narrow(0, 0, r), Vh.narrow(0, 0, r));
        }
        const torch::Tensor factorB = model_->matrix(5).factorB().clone();
        const auto sequences = answerSequences(task_, tokenizer_.get(), model_->config().maxPositions);
        std::vector<size_t> all(sequences.size());
        std::iota(all.begin(), all.end(), size_t(0));
        const LoraBatch everything = loraBatch(sequences, all, *model_->config().padTokenId);
        const double before = answerLoss(*model_, everything).item<double>();
        LoraSettings s = fixtureSettings();
        s.steps = 40;
        s.learningRate = 3e-3;  // 1e-2 overshoots on this model (the loss rises to 0.7)
        attachLoraAdapters(*model_, s);
        JobContext quiet;
        const std::vector<double> losses =
            trainLora(*model_, sequences, s, *model_->config().padTokenId, quiet);
        QCOMPARE(int(losses.size()), 40);

        const double after = answerLoss(*model_, everything).item<double>();
        QVERIFY2(after < 0.5 * before, qPrintable(QString("loss %1 -> %2").arg(before).arg(after)));
        QVERIFY(torch::equal(model_->matrix(5).factorB(), factorB));
        QVERIFY(!model_->matrix(5).adapter()->A.requires_grad());
    }

    // An adapter directory our CLI wrote, loaded by peft onto the demo model
    // (scripts/fixtures/lora.py): our reader applies it as peft did.
    void peftLoadsWhatTheCliWrote() {
        const auto reference = nlohmann::json::parse(readText(kFixtures + "/cli-adapter-logits.json"));
        std::vector<torch::Tensor> base;
        for (const auto& prompt : reference["prompts"])
            base.push_back(
                model_->forward(torch::tensor(prompt["ids"].get<std::vector<int64_t>>()).unsqueeze(0))[0]);
        QCOMPARE(loadPeftAdapter(*model_, kFixtures + "/cli-adapter"), model_->matrixCount());
        size_t i = 0;
        for (const auto& prompt : reference["prompts"]) {
            const auto ids = prompt["ids"].get<std::vector<int64_t>>();
            std::vector<double> flat;
            for (const auto& row : prompt["logits"])
                for (const auto& v : row) flat.push_back(v.get<double>());
            const torch::Tensor peft = torch::tensor(flat).view({int64_t(ids.size()), -1});
            const torch::Tensor ours = model_->forward(torch::tensor(ids).unsqueeze(0))[0];
            QVERIFY2(maxAbsDiff(ours, peft) <= 1e-4, qPrintable(QString::number(maxAbsDiff(ours, peft))));
            QVERIFY(maxAbsDiff(base[i++], peft) > 1e-2);  // peft applied the adapter
        }
    }

    // Phi-3's checkpoints fuse q/k/v and gate/up. An adapter peft put on the
    // fused modules, with its own rank and alpha there (rank_pattern,
    // alpha_pattern; scripts/fixtures/lora_phi3.py), applies as in peft and is
    // written back as peft wrote it; adapters we attach per part are written
    // as fused modules that read back to the same logits.
    void phi3FusedAdaptersAsPeftHasThem() {
        const std::string fixtures = SIEVE_SOURCE_DIR "/tests/fixtures/lora_phi3";
        const std::string phi3Path = SIEVE_SOURCE_DIR "/tests/fixtures/models/phi3";
        auto phi3 = Model::load(phi3Path);
        const auto reference = readTensors(fixtures + "/logits.safetensors");
        const torch::Tensor ids = reference.at("ids");
        QVERIFY(scaledDiff(phi3->forward(ids), reference.at("base")) <= 1e-5);
        QCOMPARE(loadPeftAdapter(*phi3, fixtures + "/peft"), phi3->matrixCount());
        const double fromPeft = scaledDiff(phi3->forward(ids), reference.at("logits"));
        QVERIFY2(fromPeft <= 1e-5, qPrintable(QString::number(fromPeft)));
        QVERIFY(scaledDiff(reference.at("base"), reference.at("logits")) > 0.1);  // the adapter matters

        const auto saved = readTensors(fixtures + "/peft/adapter_model.safetensors");
        const auto written = peftAdapterTensors(*phi3);
        QCOMPARE(written.size(), saved.size());
        for (const auto& [name, tensor] : saved) {
            QVERIFY2(written.count(name), name.c_str());
            QVERIFY2(torch::equal(written.at(name), tensor.to(torch::kFloat32)), name.c_str());
        }
        const auto config = nlohmann::json::parse(peftAdapterConfig(*phi3, fixtureSettings()));
        const auto peftConfig = nlohmann::json::parse(readText(fixtures + "/peft/adapter_config.json"));
        QCOMPARE(config.at("rank_pattern"), peftConfig.at("rank_pattern"));
        QCOMPARE(config.at("alpha_pattern").at("qkv_proj").get<double>(), 9.0);
        QCOMPARE(config.at("alpha_pattern").size(), size_t(1));

        // Per-part adapters (random B), written and read into a fresh model.
        phi3->restoreAllDense();
        LoraSettings s = fixtureSettings();
        s.targets = {"q", "v", "o", "gate", "up"};  // k without: zero rows in the fused B
        attachLoraAdapters(*phi3, s);
        torch::manual_seed(3);
        for (int i = 0; i < phi3->matrixCount(); ++i)
            if (const LoraAdapter* a = phi3->matrix(i).adapter())
                phi3->matrix(i).setAdapter({a->A.detach(), torch::randn_like(a->B) * 0.3, a->scaling});
        const torch::Tensor adapted = phi3->forward(ids);
        QTemporaryDir dir;
        writePeftAdapter(*phi3, s, dir.path().toStdString(), "phi3");
        const auto written2 =
            nlohmann::json::parse(readText(dir.path().toStdString() + "/adapter_config.json"));
        QCOMPARE(written2.at("rank_pattern"), (nlohmann::json{{"qkv_proj", 8}, {"gate_up_proj", 8}}));
        QCOMPARE(written2.at("alpha_pattern"), (nlohmann::json{{"qkv_proj", 16.0}, {"gate_up_proj", 16.0}}));
        auto fresh = Model::load(phi3Path);
        // Every part of the fused modules gets the adapter (k with zero rows), down_proj none.
        QCOMPARE(loadPeftAdapter(*fresh, dir.path().toStdString()),
                 phi3->matrixCount() - fresh->config().layers);
        const double roundTrip = scaledDiff(fresh->forward(ids), adapted);
        QVERIFY2(roundTrip <= 1e-5, qPrintable(QString::number(roundTrip)));
        QVERIFY(scaledDiff(adapted, reference.at("base")) > 0.01);
    }

    void badAdapterDirectoriesAreRefusedByName() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        try {
            loadPeftAdapter(*model_, path);
            QFAIL("an empty directory was read as an adapter");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("adapter_config.json") != std::string::npos);
        }
        // Tensors of another model: the file and the tensor are named.
        std::filesystem::copy(
            kFixtures + "/cli-adapter", path,
            std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
        writeSafetensors(
            path + "/adapter_model.safetensors",
            {{"base_model.model.model.layers.9.self_attn.q_proj.lora_A.weight", torch::zeros({4, 128})}});
        try {
            loadPeftAdapter(*model_, path);
            QFAIL("a tensor of another model was accepted");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("layers.9") != std::string::npos);
        }
        model_->restoreAllDense();
    }

    void badSettingsAreRefusedByName() {
        LoraSettings s;
        s.rank = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, validateLoraSettings(s));
        s = LoraSettings{};
        s.targets = {"q", "qkv"};
        try {
            validateLoraSettings(s);
            QFAIL("an unknown target was accepted");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("'qkv'") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(InputError, parseLoraTargets("q,,bogus", "--lora-targets"));
        QCOMPARE(parseLoraTargets("q,v", "--lora-targets"), (std::vector<std::string>{"q", "v"}));
        QVERIFY_THROWS_EXCEPTION(InputError, peftAdapterTensors(*model_));  // nothing attached
    }

private:
    std::unique_ptr<Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;
    Task task_;
    nlohmann::json batchJson_, step_;
};

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"

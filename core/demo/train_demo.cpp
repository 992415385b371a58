#include "core/demo/train_demo.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/torch_compat.h"
#include "core/demo/char_vocab.h"
#include "core/demo/demo_tasks.h"
#include "core/demo/skills.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "core/task/evaluator.h"
#include "core/task/task_file.h"
#include "core/tokenizer/tokenizer.h"
#include "core/types/device_choice.h"

namespace sieve {

namespace fs = std::filesystem;
using demo::CharVocab;
using demo::DemoExample;
using demo::Skill;
using Clock = std::chrono::steady_clock;

namespace {

// Harder skills are drawn more often (addition and reversal learn slowest).
constexpr int kSkillWeights[demo::kSkillCount] = {3, 2, 2, 1, 1};
constexpr int kMaxPositions = 64;

ModelConfig demoConfig(const TrainDemoOptions& o, int64_t vocab) {
    ModelConfig c;
    c.modelType = "llama";
    c.hidden = o.hidden;
    c.intermediate = o.intermediate;
    c.layers = o.layers;
    c.heads = o.heads;
    c.kvHeads = o.heads;
    c.headDim = o.hidden / o.heads;
    c.vocab = vocab;
    c.maxPositions = kMaxPositions;
    c.rmsEps = 1e-5;
    c.ropeTheta = 10000.0;
    c.tieEmbeddings = false;
    c.bosTokenIds = {demo::kBosId};
    c.eosTokenIds = {demo::kEosId};
    c.padTokenId = demo::kUnkId;
    c.torchDtype = "float32";
    return c;
}

void checkOptions(const TrainDemoOptions& o) {
    auto require = [](bool ok, const std::string& what) {
        if (!ok) throw InputError("train-demo: " + what);
    };
    require(!o.outputDir.empty(), "an output directory is required");
    require(o.hidden > 0 && o.heads > 0 && o.hidden % o.heads == 0 && (o.hidden / o.heads) % 2 == 0,
            "hidden must be a multiple of heads with an even head size");
    require(o.layers > 0 && o.intermediate > 0, "layers and intermediate must be positive");
    require(o.steps > 0 && o.batchSize > 0, "steps and batch size must be positive");
    require(o.learningRate > 0, "the learning rate must be positive");
    require(o.threads > 0, "threads must be positive");
    require(o.taskExamplesPerSkill >= 2, "at least 2 task examples per skill are needed");
}

class TrainingStream {
public:
    TrainingStream(uint64_t seed, const std::set<std::string>& excluded) : gen_(seed), excluded_(excluded) {
        for (int w : kSkillWeights) totalWeight_ += w;
    }
    DemoExample next() {
        for (;;) {
            uint64_t r = gen_.below(uint64_t(totalWeight_));
            int s = 0;
            while (r >= uint64_t(kSkillWeights[s])) r -= uint64_t(kSkillWeights[s++]);
            DemoExample ex = gen_.next(Skill(s));
            // The capital table is the skill itself; every other task prompt stays held out.
            if (ex.skill == Skill::Capital || !excluded_.count(ex.prompt)) return ex;
        }
    }

private:
    demo::ExampleGenerator gen_;
    const std::set<std::string>& excluded_;
    int totalWeight_ = 0;
};

// ids [B, T] = BOS prompt answer "\n" (right-padded); targets [B, T-1] hold
// the next token on answer positions and -100 elsewhere (prompts are not learned).
std::pair<torch::Tensor, torch::Tensor> makeBatch(TrainingStream& stream, const CharVocab& vocab,
                                                  int batchSize) {
    std::vector<std::vector<int64_t>> rows;
    std::vector<size_t> answerStart;
    size_t T = 0;
    for (int b = 0; b < batchSize; ++b) {
        const DemoExample ex = stream.next();
        std::vector<int64_t> ids{demo::kBosId};
        const auto p = vocab.encode(ex.prompt);
        ids.insert(ids.end(), p.begin(), p.end());
        answerStart.push_back(ids.size());
        const auto a = vocab.encode(ex.answer + "\n");
        ids.insert(ids.end(), a.begin(), a.end());
        T = std::max(T, ids.size());
        rows.push_back(std::move(ids));
    }
    auto ids = torch::full({batchSize, int64_t(T)}, demo::kUnkId, torch::kLong);
    auto targets = torch::full({batchSize, int64_t(T) - 1}, -100, torch::kLong);
    auto idsA = ids.accessor<int64_t, 2>();
    auto tA = targets.accessor<int64_t, 2>();
    for (int b = 0; b < batchSize; ++b) {
        const auto& r = rows[size_t(b)];
        for (size_t t = 0; t < r.size(); ++t) idsA[b][int64_t(t)] = r[t];
        // position t predicts token t + 1; answer tokens start at answerStart
        for (size_t t = answerStart[size_t(b)]; t < r.size(); ++t) tA[b][int64_t(t) - 1] = r[t];
    }
    return {ids, targets};
}

// Greedy exact match per skill on freshly generated check examples.
std::map<Skill, double> checkAccuracy(const Model& model, const CharVocab& vocab,
                                      const std::vector<std::vector<DemoExample>>& checkSets) {
    torch::NoGradGuard noGrad;
    std::map<Skill, double> out;
    for (const auto& set : checkSets) {
        std::vector<std::vector<int64_t>> prompts;
        for (const auto& ex : set) {
            std::vector<int64_t> ids{demo::kBosId};
            const auto p = vocab.encode(ex.prompt);
            ids.insert(ids.end(), p.begin(), p.end());
            prompts.push_back(std::move(ids));
        }
        const auto generated = model.generateGreedy(prompts, 10, {demo::kNewlineId, demo::kEosId});
        int correct = 0;
        for (size_t i = 0; i < set.size(); ++i) correct += vocab.decode(generated[i]) == set[i].answer;
        out[set.front().skill] = double(correct) / double(set.size());
    }
    return out;
}

double learningRateAt(const TrainDemoOptions& o, int step) {
    const double warm = std::min(1.0, double(step + 1) / double(std::max(1, o.warmupSteps)));
    const double progress = double(step) / double(o.steps);
    return o.learningRate * warm * 0.5 * (1.0 + std::cos(M_PI * progress));
}

void saveModel(const Model& model, const TrainDemoOptions& o, const std::string& dir) {
    nlohmann::json config = model.config().toHfJson();
    std::ofstream(fs::path(dir) / "config.json") << config.dump(2) << '\n';
    writeSafetensors((fs::path(dir) / "model.safetensors").string(), model.hfStateDict(true),
                     {{"format", "pt"}, {"sieve_train_seed", std::to_string(o.seed)}});
    CharVocab().writeTokenizerJson((fs::path(dir) / "tokenizer.json").string());
}

}  // namespace

TrainDemoResult trainDemoModel(const TrainDemoOptions& o, JobContext& context) {
    checkOptions(o);
    const auto start = Clock::now();
    torch::set_num_threads(o.threads);
    const CharVocab vocab;
    TrainDemoResult result;

    // Task files first: their prompts are kept out of training.
    const demo::DemoTaskSet tasks =
        demo::makeDemoTasks(o.taskSeed, o.taskExamplesPerSkill, o.mixedExamplesPerSkill);
    std::vector<std::vector<DemoExample>> checkSets;
    {
        demo::ExampleGenerator gen(o.seed ^ 0x5EEDC0DEull);
        for (Skill s : demo::allSkills()) {
            std::vector<DemoExample> set;
            while (int(set.size()) < o.checkExamplesPerSkill) {
                DemoExample ex = gen.next(s);
                if (s == Skill::Capital || !tasks.prompts.count(ex.prompt)) set.push_back(std::move(ex));
            }
            checkSets.push_back(std::move(set));
        }
    }

    LoadOptions load;
    load.device.device = "cpu";
    auto model = Model::randomInit(demoConfig(o, vocab.size()), o.seed, load);
    std::vector<torch::Tensor> params = model->parameters();
    for (auto& p : params) {
        p.requires_grad_(true);
        result.parameters += p.numel();
    }
    torch::manual_seed(o.seed);
    torch::optim::AdamW optimizer(
        params, torch::optim::AdamWOptions(o.learningRate).betas({0.9, 0.98}).weight_decay(o.weightDecay));
    TrainingStream stream(o.seed, tasks.prompts);
    context.log("train-demo: " + std::to_string(result.parameters) + " parameters, " +
                std::to_string(o.steps) + " steps of " + std::to_string(o.batchSize) + " examples, " +
                std::to_string(o.threads) + " threads");

    context.beginPhase("train", o.steps);
    double smoothed = 0;
    int step = 0;
    for (; step < o.steps; ++step) {
        const double lr = learningRateAt(o, step);
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        auto [ids, targets] = makeBatch(stream, vocab, o.batchSize);
        const auto logits = model->forward(ids);  // [B, T, V]
        const int64_t T = ids.size(1);
        const auto loss = torch::nn::functional::cross_entropy(
            logits.slice(1, 0, T - 1).reshape({-1, logits.size(2)}), targets.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
        optimizer.zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(params, 1.0);
        optimizer.step();
        const double l = loss.item<double>();
        smoothed = step == 0 ? l : 0.98 * smoothed + 0.02 * l;
        context.advance(step + 1, "loss " + std::to_string(smoothed).substr(0, 6));

        if (o.checkEvery > 0 && (step + 1) % o.checkEvery == 0 && step + 1 < o.steps) {
            const auto acc = checkAccuracy(*model, vocab, checkSets);
            std::string line = "step " + std::to_string(step + 1) + " loss " + std::to_string(smoothed);
            bool allDone = true;
            for (const auto& [skill, a] : acc) {
                line += " " + std::string(demo::skillName(skill)) + "=" + std::to_string(a).substr(0, 5);
                allDone = allDone && a >= o.stopAccuracy;
            }
            context.log(line);
            if (allDone) {
                ++step;
                context.log("every skill reached the check accuracy: stopping early");
                break;
            }
        }
    }
    result.steps = step;
    result.finalLoss = smoothed;
    result.trainSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& p : params) p.requires_grad_(false);

    // Save, then score the saved files the way every user will: loaded back
    // with our tokenizer and evaluated on each skill's evaluation split.
    fs::create_directories(o.outputDir);
    saveModel(*model, o, o.outputDir);
    const std::string taskDir = (fs::path(o.outputDir) / "tasks").string();
    const auto taskPaths = demo::writeDemoTasks(tasks, taskDir, o.taskSeed);

    auto saved = Model::load(o.outputDir, load);
    auto tokenizer = Tokenizer::load(o.outputDir);
    for (const auto& path : taskPaths) {
        const Task task = loadTask(path);
        JobContext quiet({}, {}, context.cancelToken());
        const EvalResult r = evaluateTask(*saved, tokenizer.get(), task, {}, quiet);
        if (task.spec.name == "mixed")
            result.mixedAccuracy = r.score;
        else
            result.skillAccuracy[task.spec.name] = r.score;
        context.log("evaluation " + task.spec.name + ": exact match " + std::to_string(r.score) + " on " +
                    std::to_string(r.examples) + " examples");
    }
    result.totalSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    nlohmann::json record = {
        {"seed", o.seed},
        {"threads", o.threads},
        {"architecture",
         {{"hidden", o.hidden}, {"layers", o.layers}, {"intermediate", o.intermediate}, {"heads", o.heads}}},
        {"parameters", result.parameters},
        {"steps", result.steps},
        {"max_steps", o.steps},
        {"batch_size", o.batchSize},
        {"learning_rate", o.learningRate},
        {"weight_decay", o.weightDecay},
        {"task_seed", o.taskSeed},
        {"final_loss", result.finalLoss},
        {"train_seconds", result.trainSeconds},
        {"total_seconds", result.totalSeconds},
        {"skill_exact_match", result.skillAccuracy},
        {"mixed_exact_match", result.mixedAccuracy},
        {"torch", torchVersion()},
    };
    std::ofstream(fs::path(o.outputDir) / "train-demo.json") << record.dump(2) << '\n';
    return result;
}

}  // namespace sieve

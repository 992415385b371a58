#include "core/recovery/lora.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/search/rng.h"

namespace sieve {

std::vector<int> loraTargetMatrices(const Model& model, const LoraSettings& settings) {
    std::vector<int> out;
    for (int i = 0; i < model.matrixCount(); ++i) {
        const std::string type = matrixTypeShortName(model.matrix(i).info().type);
        if (std::find(settings.targets.begin(), settings.targets.end(), type) != settings.targets.end())
            out.push_back(i);
    }
    return out;
}

int64_t attachLoraAdapters(Model& model, const LoraSettings& settings) {
    validateLoraSettings(settings);
    torch::NoGradGuard noGrad;
    // One CPU stream for every adapter, so that the initialisation does not
    // depend on the device; drawn in model order, A of each matrix.
    at::Generator generator = at::detail::createCPUGenerator(settings.seed);
    int64_t params = 0;
    // Autograd cannot keep inference tensors for the backward pass, and the
    // factor store makes its factors in InferenceMode: such factors are
    // copied once here (the copy is an ordinary tensor), at the applied rank;
    // so is a masked weight.
    for (int i = 0; i < model.matrixCount(); ++i) {
        PrunableLinear& m = model.matrix(i);
        if (m.isFactorized()) {
            if (m.factorA().is_inference() || m.factorB().is_inference())
                m.setFactors(m.factorB().clone(), m.factorA().clone());
        } else if (!m.isDense()) {  // a mask (Wanda): the masked weight
            if (const torch::Tensor W = m.effectiveWeight(); W.is_inference())
                m.setReplacementWeight(W.clone());
        } else if (m.weight().is_inference()) {
            throw InputError(m.info().name +
                             ": its weights were made for inference only and cannot be trained");
        }
    }
    for (int i : loraTargetMatrices(model, settings)) {
        PrunableLinear& linear = model.matrix(i);
        const auto options = linear.weight().options();
        const int64_t H = linear.info().cols, D = linear.info().rows, r = settings.rank;
        // kaiming_uniform_(a = sqrt(5)) on [r, H]: bound = sqrt(6 / ((1 + 5) H)) = 1 / sqrt(H).
        const double bound = 1.0 / std::sqrt(double(H));
        torch::Tensor A =
            torch::empty({r, H}, torch::kFloat32).uniform_(-bound, bound, generator).to(options);
        torch::Tensor B = torch::zeros({D, r}, options);
        A.requires_grad_(true);
        B.requires_grad_(true);
        linear.setAdapter({A, B, settings.alpha / double(r)});
        params += r * (H + D);
    }
    return params;
}

std::vector<torch::Tensor> loraParameters(const Model& model) {
    std::vector<torch::Tensor> out;
    for (int i = 0; i < model.matrixCount(); ++i)
        if (const LoraAdapter* a = model.matrix(i).adapter()) {
            out.push_back(a->A);
            out.push_back(a->B);
        }
    return out;
}

void freezeLoraAdapters(Model& model) {
    for (int i = 0; i < model.matrixCount(); ++i) {
        PrunableLinear& linear = model.matrix(i);
        if (const LoraAdapter* a = linear.adapter())
            linear.setAdapter({a->A.detach(), a->B.detach(), a->scaling});
    }
}

LoraBatch loraBatch(const std::vector<AnswerSequence>& sequences, const std::vector<size_t>& rows,
                    int64_t padTokenId) {
    size_t T = 1;
    for (size_t r : rows) T = std::max(T, sequences.at(r).ids.size());
    const int64_t B = int64_t(rows.size());
    LoraBatch batch{torch::full({B, int64_t(T)}, padTokenId, torch::kLong),
                    torch::full({B, int64_t(T)}, -100, torch::kLong)};
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto labels = batch.labels.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b) {
        const AnswerSequence& seq = sequences[rows[size_t(b)]];
        for (size_t t = 0; t < seq.ids.size(); ++t) {
            ids[b][int64_t(t)] = seq.ids[t];
            if (t >= seq.answerStart && t > 0) labels[b][int64_t(t)] = seq.ids[t];
        }
    }
    return batch;
}

torch::Tensor answerLoss(const Model& model, const LoraBatch& batch) {
    // Right padding needs no mask: causal attention keeps the padding out of
    // every labelled position.
    const torch::Tensor logits = model.forward(batch.ids);  // [B, T, V] float32
    const int64_t V = logits.size(-1);
    const torch::Tensor shifted = logits.narrow(1, 0, logits.size(1) - 1).reshape({-1, V});
    const torch::Tensor targets =
        batch.labels.narrow(1, 1, batch.labels.size(1) - 1).reshape({-1}).to(logits.device());
    return torch::nn::functional::cross_entropy(
        shifted, targets, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
}

namespace {

std::vector<torch::Tensor> requireAdapters(const Model& model, const LoraSettings& settings) {
    validateLoraSettings(settings);
    std::vector<torch::Tensor> params = loraParameters(model);
    if (params.empty()) throw InputError("LoRA: no adapter is attached");
    return params;
}

}  // namespace

LoraTrainer::LoraTrainer(Model& model, const LoraSettings& settings)
    : model_(model),
      optimizer_(std::make_unique<torch::optim::AdamW>(requireAdapters(model, settings),
                                                       torch::optim::AdamWOptions(settings.learningRate)
                                                           .betas({0.9, 0.999})
                                                           .eps(1e-8)
                                                           .weight_decay(0.0))) {}

LoraTrainer::~LoraTrainer() = default;

double LoraTrainer::step(const LoraBatch& batch) {
    optimizer_->zero_grad();
    const torch::Tensor loss = answerLoss(model_, batch);
    loss.backward();
    optimizer_->step();
    return loss.item<double>();
}

std::vector<double> trainLora(Model& model, const std::vector<AnswerSequence>& sequences,
                              const LoraSettings& settings, int64_t padTokenId, JobContext& context) {
    if (sequences.empty())
        throw InputError("LoRA: the calibration split has no example with an answer to learn");
    LoraTrainer trainer(model, settings);
    // Epochs in a seeded order (Fisher-Yates on a platform-independent stream).
    SearchRng rng(settings.seed);
    std::vector<size_t> order(sequences.size());
    size_t next = order.size();
    auto draw = [&] {
        if (next == order.size()) {
            std::iota(order.begin(), order.end(), size_t(0));
            for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
            next = 0;
        }
        return order[next++];
    };
    context.beginPhase("lora", settings.steps,
                       std::to_string(loraParameters(model).size() / 2) + " adapters");
    std::vector<double> losses;
    const size_t batchSize = std::min(size_t(settings.batchSize), sequences.size());
    for (int step = 0; step < settings.steps; ++step) {
        std::vector<size_t> rows;
        while (rows.size() < batchSize) rows.push_back(draw());
        losses.push_back(trainer.step(loraBatch(sequences, rows, padTokenId)));
        if (!std::isfinite(losses.back()))
            throw InputError("LoRA: the loss became " + std::to_string(losses.back()) + " at step " +
                             std::to_string(step + 1) + ": lower the learning rate");
        char note[64];
        std::snprintf(note, sizeof note, "loss %.4f", losses.back());
        context.advance(step + 1, note);
    }
    freezeLoraAdapters(model);
    return losses;
}

}  // namespace sieve

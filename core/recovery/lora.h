#pragma once
// LoRA recovery of a pruned model (issue 16; Hu et al. 2021, as PEFT does
// it): every target matrix, dense or factorized, keeps its weights frozen
// and gains y += (alpha / r) (x A^T) B^T, A [r, H], B [D, r]; only A and B
// learn, by AdamW on the task's calibration split with a teacher-forced loss
// on the answer tokens. The math matches peft's LoraModel (tests/recovery:
// loss, gradients and one AdamW step against peft on the demo model).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"
#include "core/task/task_tokens.h"
#include "core/types/job.h"
#include "core/types/lora.h"

// Only lora.cpp needs the optimiser's definition (libtorch's C++ frontend
// headers cost seconds per translation unit to parse).
namespace torch::optim {
class AdamW;
}

namespace sieve {

class Model;

// The model's matrices whose type is among settings.targets, in model order.
std::vector<int> loraTargetMatrices(const Model& model, const LoraSettings& settings);

// Attaches a fresh adapter to every target matrix with PEFT's
// initialisation: A kaiming-uniform (a = sqrt(5), i.e. U(-1/sqrt(H),
// 1/sqrt(H))), B zero, so that training starts from the pruned model
// exactly. Seeded by settings.seed. The tensors require grad. Factors made
// in InferenceMode (the factor store's) are copied, as autograd cannot keep
// them. Returns the adapters' parameter count.
int64_t attachLoraAdapters(Model& model, const LoraSettings& settings);
// A and B of every attached adapter, in model order (what AdamW trains).
std::vector<torch::Tensor> loraParameters(const Model& model);
// Detaches the adapters from autograd (they stay attached; caches keyed by
// a matrix's version see the trained values as new).
void freezeLoraAdapters(Model& model);

// A right-padded batch: ids [B, T] and labels [B, T] with -100 outside the
// answers (transformers' convention: position t is scored on predicting
// labels[t] from ids[..t-1]).
struct LoraBatch {
    torch::Tensor ids;
    torch::Tensor labels;
};
LoraBatch loraBatch(const std::vector<AnswerSequence>& sequences, const std::vector<size_t>& rows,
                    int64_t padTokenId);
// Mean cross-entropy of the labelled tokens (transformers' causal-LM loss),
// a scalar that records autograd when the adapters require grad.
torch::Tensor answerLoss(const Model& model, const LoraBatch& batch);

// One optimiser over the attached adapters: AdamW with betas 0.9 and 0.999,
// eps 1e-8, no weight decay, settings.learningRate (torch.optim.AdamW with
// weight_decay=0, which tests/recovery checks a step against).
class LoraTrainer {
public:
    LoraTrainer(Model& model, const LoraSettings& settings);
    ~LoraTrainer();
    // Loss on `batch`, its gradients, one update; returns the loss (before the
    // update). The gradients stay on the parameters until the next step.
    double step(const LoraBatch& batch);

private:
    Model& model_;
    std::unique_ptr<torch::optim::AdamW> optimizer_;
};

// Trains the attached adapters: settings.steps LoraTrainer steps on batches
// of settings.batchSize sequences, drawn in a seeded random order, epoch
// after epoch. Returns the loss of every step (before its update); progress
// and cancel through `context`. The adapters are frozen afterwards.
std::vector<double> trainLora(Model& model, const std::vector<AnswerSequence>& sequences,
                              const LoraSettings& settings, int64_t padTokenId, JobContext& context);

}  // namespace sieve

#pragma once
// Answer choices scored from one shared reading of their prompt. Each
// question becomes one row [prompt | choice 1 | ... | choice C]: every
// choice attends to the prompt and to itself, never to the other choices, and
// its rotary positions continue the prompt's, so each choice's
// log-likelihood is the one a separate prompt + choice row gives, while the
// prompt is read once instead of C times. Rows are right-padded to the
// longest of the batch.
#include <cstdint>
#include <vector>

#include "core/common/torch_compat.h"

namespace sieve {

class Model;

struct ChoiceQuestion {
    std::vector<int64_t> prompt;                      // at least one token
    std::vector<std::vector<int64_t>> continuations;  // the choices' tokens after the prompt
};

struct PackedChoices {
    torch::Tensor ids;        // [B, T] int64, on the model's device
    torch::Tensor positions;  // [B, T] int64
    torch::Tensor allowed;    // [B, 1, T, T] bool
    // The flattened rows b * T + t whose outputs predict a scored token, each
    // once: a prompt's last position predicts the first token of every choice,
    // and the lm_head (vocabulary-wide logits and their log-softmax) is the
    // costly part of scoring with a large vocabulary.
    torch::Tensor predictingRows;  // [R] int64
    // Every scored token: its row in predictingRows, the token, and the
    // (question, choice) pair it belongs to.
    torch::Tensor rowOfToken;          // [N] int64, index into predictingRows
    torch::Tensor targets;             // [N] int64
    std::vector<int64_t> pairOfToken;  // [N] index into pairs
    std::vector<int> firstPair;        // per question: index of its first choice's pair
    int pairs = 0;
    int64_t tokens = 0;  // real (unpadded) tokens in the rows
};

PackedChoices packChoices(const std::vector<ChoiceQuestion>& questions, const torch::Device& device);

// Sum of log p(choice tokens | prompt) per pair, from the last block's output
// hidden [B, T, H] of the packed rows (the lm_head runs on the scored rows only).
std::vector<double> choiceLogLikelihoods(const Model& model, const torch::Tensor& hidden,
                                         const PackedChoices& packed);

}  // namespace sieve

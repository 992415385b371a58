#include "core/task/packed_choices.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/task/log_sum_exp.h"

namespace sieve {

PackedChoices packChoices(const std::vector<ChoiceQuestion>& questions, const torch::Device& device) {
    PackedChoices p;
    int64_t longest = 1;
    for (const ChoiceQuestion& q : questions) {
        if (q.prompt.empty()) throw InputError("packChoices: a prompt needs at least one token");
        int64_t length = int64_t(q.prompt.size());
        for (const auto& c : q.continuations) length += int64_t(c.size());
        longest = std::max(longest, length);
    }
    const int64_t B = int64_t(questions.size()), T = longest;
    torch::Tensor ids = torch::zeros({B, T}, torch::kLong);
    torch::Tensor positions = torch::zeros({B, T}, torch::kLong);
    // segment[b][t]: -1 prompt, j >= 0 choice j, -2 padding; visibility follows from it.
    torch::Tensor segment = torch::full({B, T}, -2, torch::kLong);
    auto id = ids.accessor<int64_t, 2>();
    auto pos = positions.accessor<int64_t, 2>();
    auto seg = segment.accessor<int64_t, 2>();
    std::vector<int64_t> predicting, rowOfToken, targets;
    for (int64_t b = 0; b < B; ++b) {
        const ChoiceQuestion& q = questions[size_t(b)];
        const int64_t P = int64_t(q.prompt.size());
        for (int64_t t = 0; t < P; ++t) {
            id[b][t] = q.prompt[size_t(t)];
            pos[b][t] = t;
            seg[b][t] = -1;
        }
        p.firstPair.push_back(p.pairs);
        const auto promptRow = int64_t(predicting.size());  // predicts every choice's first token
        bool anyChoiceToken = false;
        int64_t start = P;
        for (size_t j = 0; j < q.continuations.size(); ++j) {
            const auto& c = q.continuations[j];
            for (size_t m = 0; m < c.size(); ++m) {
                const int64_t t = start + int64_t(m);
                id[b][t] = c[m];
                pos[b][t] = P + int64_t(m);
                seg[b][t] = int64_t(j);
                // The first token is predicted by the prompt's last position,
                // the others by the choice's previous token.
                if (m == 0) {
                    if (!anyChoiceToken) predicting.push_back(b * T + P - 1);
                    anyChoiceToken = true;
                    rowOfToken.push_back(promptRow);
                } else {
                    rowOfToken.push_back(int64_t(predicting.size()));
                    predicting.push_back(b * T + t - 1);
                }
                targets.push_back(c[m]);
                p.pairOfToken.push_back(p.pairs);
            }
            start += int64_t(c.size());
            ++p.pairs;
        }
        p.tokens += start;
    }
    // allowed[b, t, s]: s <= t, and s is in the prompt or in t's own choice;
    // padding sees only itself (its rows stay finite and are never read).
    const torch::Tensor order = torch::arange(T, torch::kLong);
    const torch::Tensor causal = order.view({1, T, 1}) >= order.view({1, 1, T});  // [1, T(t), T(s)]
    const torch::Tensor segT = segment.view({B, T, 1}), segS = segment.view({B, 1, T});
    const torch::Tensor sameOrPrompt = segS.eq(-1).logical_or(segS.eq(segT)).logical_and(segT.ne(-2));
    const torch::Tensor self = order.view({1, T, 1}) == order.view({1, 1, T});
    const torch::Tensor allowed = causal.logical_and(sameOrPrompt).logical_or(self);
    const auto longs = torch::TensorOptions().dtype(torch::kLong);
    p.ids = ids.to(device);
    p.positions = positions.to(device);
    p.allowed = allowed.unsqueeze(1).to(device);
    p.predictingRows = torch::tensor(predicting, longs).to(device);
    p.rowOfToken = torch::tensor(rowOfToken, longs).to(device);
    p.targets = torch::tensor(targets, longs).to(device);
    return p;
}

std::vector<double> choiceLogLikelihoods(const Model& model, const torch::Tensor& hidden,
                                         const PackedChoices& packed) {
    std::vector<double> sums(size_t(packed.pairs), 0.0);
    if (packed.pairOfToken.empty()) return sums;
    // Logits [R, V] for the predicting rows only: the lm_head is costly with a
    // big vocabulary. log p(token) = logit - logsumexp(row): no [R, V]
    // log-softmax, and the logits stay in the compute dtype.
    const torch::Tensor rows = hidden.reshape({-1, hidden.size(-1)}).index_select(0, packed.predictingRows);
    const torch::Tensor logits = model.finalLogits(rows, /*asFloat32=*/false);
    const torch::Tensor logNorm = logSumExpRows(logits);  // [R] float32
    const torch::Tensor picked = (logits.index({packed.rowOfToken, packed.targets}).to(torch::kFloat32) -
                                  logNorm.index_select(0, packed.rowOfToken))
                                     .to(torch::kCPU, torch::kDouble);
    const double* value = picked.data_ptr<double>();
    for (size_t n = 0; n < packed.pairOfToken.size(); ++n) sums[size_t(packed.pairOfToken[n])] += value[n];
    return sums;
}

}  // namespace sieve

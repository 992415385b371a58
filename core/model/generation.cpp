// Greedy generation and continuation scoring on top of Model's forward.
#include <algorithm>

#include "core/common/error.h"
#include "core/model/model.h"

namespace sieve {

namespace {

// Any id in range does for padding: padded positions are masked out. (A
// config's pad_token_id may lie outside the vocabulary.)
constexpr int64_t kPaddingId = 0;

// Rows of token ids as one [B, L] tensor and its mask, padded on the left or right.
struct PaddedBatch {
    torch::Tensor ids;   // [B, L] int64
    torch::Tensor mask;  // [B, L] int64, 1 = token
};

PaddedBatch padRows(const std::vector<std::vector<int64_t>>& rows, int64_t padId, bool left) {
    size_t longest = 0;
    for (const auto& r : rows) longest = std::max(longest, r.size());
    const auto B = int64_t(rows.size()), L = int64_t(longest);
    PaddedBatch batch{torch::full({B, L}, padId, torch::kLong), torch::zeros({B, L}, torch::kLong)};
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto mask = batch.mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b) {
        const auto& r = rows[size_t(b)];
        const int64_t offset = left ? L - int64_t(r.size()) : 0;
        for (size_t i = 0; i < r.size(); ++i) {
            ids[b][offset + int64_t(i)] = r[i];
            mask[b][offset + int64_t(i)] = 1;
        }
    }
    return batch;
}

void checkIds(const std::vector<int64_t>& row, int64_t vocab, const char* what, size_t index) {
    for (int64_t id : row)
        if (id < 0 || id >= vocab)
            throw InputError(std::string(what) + " " + std::to_string(index) + ": token id " +
                             std::to_string(id) + " is outside the vocabulary [0, " + std::to_string(vocab) +
                             ")");
}

}  // namespace

std::vector<std::vector<int64_t>> Model::generateGreedy(const std::vector<std::vector<int64_t>>& prompts,
                                                        int maxNewTokens,
                                                        const std::vector<int64_t>& stopTokens) const {
    std::vector<std::vector<int64_t>> out(prompts.size());
    if (prompts.empty() || maxNewTokens <= 0) return out;
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (prompts[i].empty()) throw InputError("generateGreedy: prompt " + std::to_string(i) + " is empty");
        checkIds(prompts[i], config_.vocab, "generateGreedy: prompt", i);
    }
    compat::InferenceGuard guard;
    const PaddedBatch batch = padRows(prompts, kPaddingId, /*left=*/true);
    const auto B = int64_t(prompts.size());
    KVCache cache;
    // Prefill: only the last position's logits are needed.
    torch::Tensor hidden = forwardHidden(batch.ids, batch.mask, &cache);  // [B, L, H]
    torch::Tensor next = logitsOf(hidden.select(1, -1)).argmax(-1);       // [B]
    std::vector<bool> finished(size_t(B), false);
    const torch::Tensor ones =
        torch::ones({B, 1}, torch::TensorOptions().dtype(torch::kLong).device(device_));
    // Every new token but the last is read back at the next position: stop
    // where that position would leave the model's context.
    const int64_t room = std::max<int64_t>(1, config_.maxPositions - batch.ids.size(1) + 1);
    maxNewTokens = int(std::min<int64_t>(maxNewTokens, room));
    for (int step = 0; step < maxNewTokens; ++step) {
        const torch::Tensor chosen = next.to(torch::kCPU);
        const auto* ids = chosen.data_ptr<int64_t>();
        bool allFinished = true;
        for (int64_t b = 0; b < B; ++b) {
            if (finished[size_t(b)]) continue;
            if (std::find(stopTokens.begin(), stopTokens.end(), ids[b]) != stopTokens.end())
                finished[size_t(b)] = true;
            else
                out[size_t(b)].push_back(ids[b]);
            allFinished = allFinished && finished[size_t(b)];
        }
        if (allFinished || step + 1 == maxNewTokens) break;
        // Decode: one new token per row (finished rows keep decoding; their output is dropped).
        hidden = forwardHidden(next.view({B, 1}), ones, &cache);  // [B, 1, H]
        next = logitsOf(hidden.select(1, 0)).argmax(-1);
    }
    return out;
}

std::vector<double> Model::continuationLogLikelihood(
    const std::vector<std::vector<int64_t>>& prompts,
    const std::vector<std::vector<int64_t>>& continuations) const {
    if (prompts.size() != continuations.size())
        throw InputError("continuationLogLikelihood: " + std::to_string(prompts.size()) + " prompts but " +
                         std::to_string(continuations.size()) + " continuations");
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (prompts[i].empty())
            throw InputError("continuationLogLikelihood: prompt " + std::to_string(i) +
                             " is empty (it needs at least one token, e.g. BOS, to condition on)");
        checkIds(prompts[i], config_.vocab, "continuationLogLikelihood: prompt", i);
        checkIds(continuations[i], config_.vocab, "continuationLogLikelihood: continuation", i);
    }
    compat::InferenceGuard guard;
    std::vector<double> result(prompts.size(), 0.0);
    // Pairs go through in chunks so that a long list never holds all activations at once.
    constexpr size_t kChunk = 8;
    for (size_t start = 0; start < prompts.size(); start += kChunk) {
        const size_t end = std::min(prompts.size(), start + kChunk);
        std::vector<std::vector<int64_t>> rows;
        std::vector<int64_t> scoredRows, targets;  // flattened [b*L + t] rows predicting targets
        std::vector<int64_t> owner;                // which pair each scored row belongs to
        size_t longest = 0;
        for (size_t i = start; i < end; ++i)
            longest = std::max(longest, prompts[i].size() + continuations[i].size());
        for (size_t i = start; i < end; ++i) {
            std::vector<int64_t> row = prompts[i];
            row.insert(row.end(), continuations[i].begin(), continuations[i].end());
            const auto b = int64_t(i - start);
            // Position t predicts token t+1: the continuation's tokens are predicted
            // from positions prompt-1 ... prompt+cont-2 (right padding keeps them in place).
            for (size_t j = 0; j < continuations[i].size(); ++j) {
                scoredRows.push_back(b * int64_t(longest) + int64_t(prompts[i].size() + j) - 1);
                targets.push_back(continuations[i][j]);
                owner.push_back(int64_t(i));
            }
            rows.push_back(std::move(row));
        }
        if (scoredRows.empty()) continue;
        const PaddedBatch batch = padRows(rows, kPaddingId, /*left=*/false);
        const torch::Tensor hidden = forwardHidden(batch.ids, batch.mask, nullptr);  // [b, L, H]
        const auto longOnDevice = torch::TensorOptions().dtype(torch::kLong).device(device_);
        // logProbs [N, V] for the scored rows only (the lm_head is the costly part with big vocabularies)
        const torch::Tensor selected =
            hidden.reshape({-1, hidden.size(-1)}).index_select(0, torch::tensor(scoredRows, longOnDevice));
        const torch::Tensor logProbs = torch::log_softmax(logitsOf(selected), -1);
        const torch::Tensor picked = logProbs.gather(1, torch::tensor(targets, longOnDevice).unsqueeze(1))
                                         .squeeze(1)
                                         .to(torch::kCPU, torch::kDouble);
        const auto* p = picked.data_ptr<double>();
        for (size_t n = 0; n < owner.size(); ++n) result[size_t(owner[n])] += p[n];
    }
    return result;
}

}  // namespace sieve

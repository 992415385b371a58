// llama2.c legacy checkpoints: a 7-int32 header, then float32 arrays grouped
// by kind across layers (all rms_att, all wq, ...), two unused freq_cis
// tables and, when vocab_size is negative, the classifier. The file size must
// match the header exactly; nothing is read from a file that does not.
#include <cstring>
#include <limits>

#include "core/common/error.h"
#include "core/gguf/mapped_file.h"
#include "core/model/checkpoint.h"
#include "core/model/llama2c.h"

namespace sieve {
namespace {

constexpr int64_t kHeaderBytes = 7 * 4;
// llama2.c's newer exports (version 1/2) start with this magic instead of dim.
constexpr uint32_t kVersionedMagic = 0x616b3432;  // "ak42"

int32_t readLe32(const uint8_t* p) {
    return static_cast<int32_t>(static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                                static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24);
}

Llama2cHeader parseHeader(const MappedFile& file) {
    const std::string& path = file.path();
    if (file.size() < static_cast<uint64_t>(kHeaderBytes))
        throw FormatError(
            path, "too short for a llama2.c header (" + std::to_string(file.size()) + " bytes, need 28)");
    if (static_cast<uint32_t>(readLe32(file.data())) == kVersionedMagic)
        throw FormatError(path,
                          "llama2.c versioned export (magic 'ak42') is not supported; export with version 0");
    Llama2cHeader h;
    int32_t v[7];
    for (int i = 0; i < 7; ++i) v[i] = readLe32(file.data() + 4 * i);
    h.dim = v[0], h.hiddenDim = v[1], h.layers = v[2], h.heads = v[3], h.kvHeads = v[4];
    h.sharedClassifier = v[5] > 0;
    h.vocab = v[5] == std::numeric_limits<int32_t>::min() ? 0 : (v[5] < 0 ? -v[5] : v[5]);
    h.seqLen = v[6];

    auto fail = [&](const std::string& cause) {
        return FormatError(
            path, "not a llama2.c checkpoint: " + cause + " (header dim=" + std::to_string(v[0]) +
                      " hidden_dim=" + std::to_string(v[1]) + " n_layers=" + std::to_string(v[2]) +
                      " n_heads=" + std::to_string(v[3]) + " n_kv_heads=" + std::to_string(v[4]) +
                      " vocab_size=" + std::to_string(v[5]) + " seq_len=" + std::to_string(v[6]) + ")");
    };
    // Bounds keep every size product below 2^62, so the arithmetic below cannot overflow.
    const int32_t limit = 1 << 20;
    if (h.dim <= 0 || h.dim > limit || h.hiddenDim <= 0 || h.hiddenDim > limit || h.layers <= 0 ||
        h.layers > 4096 || h.heads <= 0 || h.kvHeads <= 0 || h.vocab <= 0 || h.vocab > (1 << 24) ||
        h.seqLen <= 0 || h.seqLen > limit)
        throw fail("a header field is out of range");
    if (h.dim % h.heads != 0) throw fail("dim is not a multiple of n_heads");
    if (h.heads % h.kvHeads != 0) throw fail("n_heads is not a multiple of n_kv_heads");
    if ((h.dim / h.heads) % 2 != 0) throw fail("head size dim/n_heads is odd");
    return h;
}

}  // namespace

torch::Tensor interleavedToHalves(const torch::Tensor& w, int64_t heads) {
    const int64_t rows = w.size(0);
    TORCH_CHECK(rows % (2 * heads) == 0, "interleavedToHalves: ", rows, " rows do not split into ", heads,
                " heads of pairs");
    const int64_t cols = w.dim() == 2 ? w.size(1) : 1;
    return w.reshape({heads, rows / heads / 2, 2, cols}).transpose(1, 2).reshape(w.sizes()).contiguous();
}

Checkpoint readLlama2cCheckpoint(const std::string& path) {
    const MappedFile file(path);
    const Llama2cHeader h = parseHeader(file);
    const int64_t dim = h.dim, hidden = h.hiddenDim, L = h.layers, vocab = h.vocab;
    const int64_t headSize = dim / h.heads, kvDim = headSize * h.kvHeads;

    // Float counts in file order.
    struct Block {
        const char* what;
        int64_t count;
    };
    const Block blocks[] = {
        {"token_embedding", vocab * dim},
        {"rms_att", L * dim},
        {"wq", L * dim * dim},
        {"wk", L * dim * kvDim},
        {"wv", L * dim * kvDim},
        {"wo", L * dim * dim},
        {"rms_ffn", L * dim},
        {"w1", L * hidden * dim},
        {"w2", L * dim * hidden},
        {"w3", L * hidden * dim},
        {"rms_final", dim},
        {"freq_cis_real", h.seqLen * headSize / 2},
        {"freq_cis_imag", h.seqLen * headSize / 2},
        {"wcls", h.sharedClassifier ? 0 : vocab * dim},
    };
    int64_t floats = 0;
    for (const auto& b : blocks) floats += b.count;
    const uint64_t expected = static_cast<uint64_t>(kHeaderBytes + 4 * floats);
    if (file.size() != expected)
        throw FormatError(path, "size " + std::to_string(file.size()) + " bytes, but the header (dim " +
                                    std::to_string(dim) + ", " + std::to_string(L) + " layers, vocab " +
                                    std::to_string(vocab) + (h.sharedClassifier ? ", shared" : ", untied") +
                                    " classifier) implies " + std::to_string(expected) + " bytes expected" +
                                    (file.size() < expected ? " (file truncated)" : " (trailing data)"));

    // One copy of all floats out of the mapping (memcpy: alignment-safe), then views.
    torch::Tensor all = torch::empty({floats}, torch::kFloat32);
    std::memcpy(all.data_ptr<float>(), file.data() + kHeaderBytes, static_cast<size_t>(4 * floats));
    int64_t cursor = 0;
    auto take = [&](int64_t count) {
        torch::Tensor t = all.narrow(0, cursor, count);
        cursor += count;
        return t;
    };
    const torch::Tensor emb = take(vocab * dim).view({vocab, dim});
    const torch::Tensor rmsAtt = take(L * dim).view({L, dim});
    const torch::Tensor wq = take(L * dim * dim).view({L, dim, dim});
    const torch::Tensor wk = take(L * kvDim * dim).view({L, kvDim, dim});
    const torch::Tensor wv = take(L * kvDim * dim).view({L, kvDim, dim});
    const torch::Tensor wo = take(L * dim * dim).view({L, dim, dim});
    const torch::Tensor rmsFfn = take(L * dim).view({L, dim});
    const torch::Tensor w1 = take(L * hidden * dim).view({L, hidden, dim});
    const torch::Tensor w2 = take(L * dim * hidden).view({L, dim, hidden});
    const torch::Tensor w3 = take(L * hidden * dim).view({L, hidden, dim});
    const torch::Tensor rmsFinal = take(dim);
    take(h.seqLen * headSize / 2);  // freq_cis tables: recomputed by the model
    take(h.seqLen * headSize / 2);

    Checkpoint ck;
    ck.format = "llama2c";
    ck.files = {path};
    ModelConfig& c = ck.config;
    c.modelType = "llama";
    c.hidden = dim;
    c.intermediate = hidden;
    c.layers = h.layers;
    c.heads = h.heads;
    c.kvHeads = h.kvHeads;
    c.headDim = headSize;
    c.vocab = vocab;
    c.maxPositions = h.seqLen;
    c.rmsEps = 1e-5;        // llama2.c's run.c
    c.ropeTheta = 10000.0;  // llama2.c's run.c
    c.tieEmbeddings = h.sharedClassifier;
    c.bosTokenIds = {1};
    c.eosTokenIds = {2};
    c.torchDtype = "float32";

    auto& t = ck.tensors;
    // clone(): each tensor owns its storage rather than a slice of `all`.
    t["model.embed_tokens.weight"] = emb.clone();
    t["model.norm.weight"] = rmsFinal.clone();
    for (int64_t l = 0; l < L; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        t[p + "self_attn.q_proj.weight"] = interleavedToHalves(wq[l], h.heads);
        t[p + "self_attn.k_proj.weight"] = interleavedToHalves(wk[l], h.kvHeads);
        t[p + "self_attn.v_proj.weight"] = wv[l].clone();
        t[p + "self_attn.o_proj.weight"] = wo[l].clone();
        t[p + "mlp.gate_proj.weight"] = w1[l].clone();
        t[p + "mlp.down_proj.weight"] = w2[l].clone();
        t[p + "mlp.up_proj.weight"] = w3[l].clone();
        t[p + "input_layernorm.weight"] = rmsAtt[l].clone();
        t[p + "post_attention_layernorm.weight"] = rmsFfn[l].clone();
    }
    if (!h.sharedClassifier) t["lm_head.weight"] = take(vocab * dim).view({vocab, dim}).clone();
    return ck;
}

}  // namespace sieve

#pragma once
// Torch-free description of a model and its prunable matrices: what the GUI,
// the session file and the searches see. Names follow transformers
// (model.layers.3.self_attn.q_proj) so a researcher recognises every matrix.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

// Fused checkpoint matrices (Phi-3 qkv_proj, gate_up_proj) are split on load:
// inside the engine every architecture has the same seven types. Dense export
// fuses them again for Phi-3. (Decided once; see docs/architecture.md.)
enum class MatrixType { Q = 0, K, V, O, Gate, Up, Down };
inline constexpr int kMatrixTypeCount = 7;

const char* matrixTypeName(MatrixType t);       // "q_proj", ..., "down_proj"
const char* matrixTypeShortName(MatrixType t);  // "q", "k", ..., "down"

// Matrices that read the same activation share one Gram matrix.
enum class InputSite { AttentionIn = 0, AttentionOut, MlpIn, MlpHidden };
InputSite inputSiteOf(MatrixType t);

struct MatrixInfo {
    std::string name;  // "model.layers.3.self_attn.q_proj"
    int layer = 0;
    MatrixType type = MatrixType::Q;
    int64_t rows = 0;  // D: output features
    int64_t cols = 0;  // H: input features
    bool hasBias = false;
    int64_t params() const { return rows * cols; }
};

// Rank kept at pruning level p (fraction of the matrix's parameters removed):
// r = floor((1 - p) D H / (D + H)), at most min(D, H) and at least 1 for any
// p > 0 (also past 1, inf or NaN, as a damaged file may hold).
int64_t rankForLevel(int64_t rows, int64_t cols, double level);
// Parameters of the factorized map B (D x r) A (r x H), or D*H when dense (p == 0).
int64_t paramsAtLevel(int64_t rows, int64_t cols, double level);

struct ModelSummary {
    std::string path;
    std::string format;        // "hf", "gguf", "llama2c"
    std::string architecture;  // "llama", "mistral", "qwen2", "phi3"
    int layers = 0;
    int64_t hidden = 0;
    int64_t intermediate = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t vocab = 0;
    int64_t totalParams = 0;     // every parameter, embeddings included
    int64_t prunableParams = 0;  // sum of the matrices below
    std::string device;
    std::string dtype;
    std::vector<MatrixInfo> matrices;  // ordered: layer, then q,k,v,o,gate,up,down
};

// A fraction of the prunable parameters as a fraction of all of them
// (embeddings, norms and an untied lm_head are never pruned): the paper's
// numbers need both. 0 when the model's counts are unknown.
double fractionOfAllParams(double fractionOfPrunable, const ModelSummary& model);

// Bytes of one matrix at `level` with 8-bit factors: r (D + H) int8 values
// and 2 r float32 scales, one per row of Bt and of A
// (core/projection/int8_factors.h). Level 0 is the dense matrix, never
// quantized: D H parameters of `denseBytesPerParam` bytes.
int64_t int8BytesAtLevel(int64_t rows, int64_t cols, double level, int64_t denseBytesPerParam = 2);
// Every prunable matrix of `model` at `level` with 8-bit factors, as a
// fraction of their size as 16-bit dense weights (as checkpoints ship
// them): 1 at level 0. 0 when the model lists no matrices.
double int8SizeFraction(const ModelSummary& model, double level);

}  // namespace sieve

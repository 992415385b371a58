#include "core/types/matrix_info.h"

#include <cmath>

namespace sieve {

const char* matrixTypeName(MatrixType t) {
    static const char* names[] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                  "gate_proj", "up_proj", "down_proj"};
    return names[static_cast<int>(t)];
}

const char* matrixTypeShortName(MatrixType t) {
    static const char* names[] = {"q", "k", "v", "o", "gate", "up", "down"};
    return names[static_cast<int>(t)];
}

InputSite inputSiteOf(MatrixType t) {
    switch (t) {
        case MatrixType::Q:
        case MatrixType::K:
        case MatrixType::V:
            return InputSite::AttentionIn;
        case MatrixType::O:
            return InputSite::AttentionOut;
        case MatrixType::Gate:
        case MatrixType::Up:
            return InputSite::MlpIn;
        case MatrixType::Down:
            return InputSite::MlpHidden;
    }
    return InputSite::AttentionIn;
}

int64_t rankForLevel(int64_t rows, int64_t cols, double level) {
    const int64_t full = std::min(rows, cols);
    if (level <= 0.0) return full;
    const double r = std::floor((1.0 - level) * double(rows) * double(cols) / double(rows + cols) + 1e-9);
    // Clamped as a double: a level past 1, inf or NaN (a damaged file) gives a
    // rank outside int64_t's range, whose conversion is undefined.
    if (!(r >= 1.0)) return 1;
    return r >= double(full) ? full : static_cast<int64_t>(r);
}

double fractionOfAllParams(double fractionOfPrunable, const ModelSummary& model) {
    if (model.totalParams <= 0) return 0.0;
    return fractionOfPrunable * double(model.prunableParams) / double(model.totalParams);
}

int64_t paramsAtLevel(int64_t rows, int64_t cols, double level) {
    if (level <= 0.0) return rows * cols;
    return rankForLevel(rows, cols, level) * (rows + cols);
}

int64_t int8BytesAtLevel(int64_t rows, int64_t cols, double level, int64_t denseBytesPerParam) {
    if (level <= 0.0) return rows * cols * denseBytesPerParam;
    const int64_t r = rankForLevel(rows, cols, level);
    return r * (rows + cols) + 2 * r * int64_t(sizeof(float));
}

double int8SizeFraction(const ModelSummary& model, double level) {
    int64_t bytes = 0, dense = 0;
    for (const MatrixInfo& m : model.matrices) {
        bytes += int8BytesAtLevel(m.rows, m.cols, level);
        dense += m.rows * m.cols * 2;
    }
    return dense > 0 ? double(bytes) / double(dense) : 0.0;
}

}  // namespace sieve

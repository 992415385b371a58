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
    if (level <= 0.0) return std::min(rows, cols);
    const double r = std::floor((1.0 - level) * double(rows) * double(cols) / double(rows + cols) + 1e-9);
    return std::max<int64_t>(1, std::min<int64_t>(static_cast<int64_t>(r), std::min(rows, cols)));
}

double fractionOfAllParams(double fractionOfPrunable, const ModelSummary& model) {
    if (model.totalParams <= 0) return 0.0;
    return fractionOfPrunable * double(model.prunableParams) / double(model.totalParams);
}

int64_t paramsAtLevel(int64_t rows, int64_t cols, double level) {
    if (level <= 0.0) return rows * cols;
    return rankForLevel(rows, cols, level) * (rows + cols);
}

}  // namespace sieve

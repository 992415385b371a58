#pragma once
// Names shared by the session writer, reader and appender: top-level groups
// and the spellings of enums in the file. Private to core/session.
#include <cstdint>
#include <string>

#include "core/types/matrix_info.h"

namespace sieve::session {

inline constexpr const char* kProvenance = "provenance";
inline constexpr const char* kModel = "model";
inline constexpr const char* kTask = "task";
inline constexpr const char* kBaseline = "baseline";
inline constexpr const char* kCalibration = "calibration";
inline constexpr const char* kUniform = "uniform";
inline constexpr const char* kGa = "ga";
inline constexpr const char* kSensitivity = "sensitivity";
inline constexpr const char* kEval = "eval";
inline constexpr const char* kLora = "lora";
// /uniform/<method>/int8: the sweep with 8-bit factors, and its @scheme
// (core/projection/int8_factors.h).
inline constexpr const char* kInt8 = "int8";
inline constexpr const char* kInt8Scheme =
    "int8, symmetric, one absmax scale (float32) per row of Bt [R, D] and of A [R, H]; dequantized into the "
    "compute dtype";
// Padding of /eval/dense_correct and /eval/pruned_correct past a row's examples.
inline constexpr uint8_t kNoExample = 255;

const char* inputSiteName(InputSite site);  // "attention_in", "attention_out", "mlp_in", "mlp_hidden"
// Parse back; throw h5::LayoutError naming `where` on an unknown spelling.
InputSite parseInputSite(const std::string& name, const std::string& where);
MatrixType parseMatrixType(const std::string& name, const std::string& where);  // "q_proj", ...

}  // namespace sieve::session

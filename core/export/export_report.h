#pragma once
// What an export wrote, next to what the model had: torch-free, for the
// engine facade, the CLI and the GUI.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

enum class ExportFormat { Factorized, Dense, GgufF16, GgufQ8_0 };
// "factorized" | "dense" | "gguf-f16" | "gguf-q8_0"
ExportFormat parseExportFormat(const std::string& name);

struct ExportReport {
    std::string directory;
    std::string format;
    int64_t originalParams = 0;  // every parameter of the dense model
    int64_t exportedParams = 0;  // values stored in the export (8-bit factors: with their scales)
    int64_t originalBytes = 0;   // weight files of the source model (0 if unknown)
    int64_t exportedBytes = 0;   // weight file written
    int64_t factorizedMatrices = 0;
    bool int8Factors = false;  // the factors are stored in 8 bits
    // Forward speed of the exported form and of the dense model, measured side
    // by side by the engine on the same tokens (best of 3 after a warm-up, wall
    // clock, its device and threads); 0 when not measured.
    double tokensPerSecond = 0;
    double denseTokensPerSecond = 0;
    int64_t speedTokens = 0;  // tokens of the measurement
    std::vector<std::string> files;
    std::vector<std::string> notes;  // what the export could not carry (e.g. a GGUF without tokenizer)
};

}  // namespace sieve

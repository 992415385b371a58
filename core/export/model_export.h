#pragma once
// Writing the pruned model, in two shapes:
//   factorized: a safetensors file holding B and A for every pruned matrix and
//     W for the dense ones, with a config.json that says what it is (model_type
//     "sieve_factorized") and modeling_sieve.py, through which transformers
//     loads it (trust_remote_code: the base architecture with the factorized
//     matrices as two multiplications); our loader reads it back with the same
//     factors, bit for bit.
//   dense: W' = B A multiplied back into a standard Hugging Face directory with
//     the original shapes, which transformers loads as is (compatibility, not
//     memory).
// The tokenizer files beside the source model are copied along.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/export/export_report.h"
#include "core/model/model.h"

namespace sieve {

// `model` carries the levels to export (its PrunableLinears as they are now).
// `sourcePath` is the model's own path, for the tokenizer files and sizes.
// Throws InputError when `directory` exists and is not empty.
// `int8`: a factorized export stores every factor in 8 bits (int8 with one
// absmax scale per direction, as the engine's 8-bit factors).
ExportReport exportModel(const Model& model, const std::string& directory, ExportFormat format,
                         const std::string& sourcePath, const std::string& method, bool int8 = false);

// InputError when `directory` exists and is not an empty directory: every
// export writes into a new or empty one (checked before any work, too).
void requireEmptyExportDirectory(const std::string& directory);

// modeling_sieve.py, the transformers loader written beside a factorized export.
const char* modelingSievePy();

// True when `path` is a directory written by a factorized export.
bool isFactorizedExport(const std::string& path);
// Loads a factorized export: every factorized matrix gets its B and A back.
std::unique_ptr<Model> loadFactorizedModel(const std::string& directory, const LoadOptions& options = {});

}  // namespace sieve

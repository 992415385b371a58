#pragma once
// PEFT's LoRA adapter format (adapter_config.json + adapter_model.safetensors,
// what PeftModel.from_pretrained(base, directory) reads), written from and
// read onto our models. Names are transformers': "base_model.model.<module>.
// lora_A.weight" [r, H] and "...lora_B.weight" [D, r], float32.
//
// Phi-3's checkpoints fuse q/k/v into qkv_proj and gate/up into gate_up_proj,
// while our model keeps the parts apart. A fused module's adapter holds its
// parts' adapters: A stacked [sum r, H] and B block-diagonal [sum D, sum r]
// (zero rows for a part without adapter), which adds exactly each part's
// (alpha / r) B A. Its rank is the sum of the parts' ranks, so the config
// names it in rank_pattern and alpha_pattern (alpha = the parts' scaling x the
// summed rank). Read back, every part gets the fused A and its rows of B;
// parts that share one A (such a read adapter) are written as one again.
#include <map>
#include <string>

#include "core/common/torch_compat.h"
#include "core/types/lora.h"

namespace sieve {

class Model;

// The attached adapters under PEFT's names (CPU, float32). InputError when
// the model carries none.
std::map<std::string, torch::Tensor> peftAdapterTensors(const Model& model);

// adapter_config.json for the attached adapters: r and lora_alpha from
// `settings`, target_modules the module types that carry an adapter (the
// settings' targets when none does), rank_pattern / alpha_pattern for module
// types whose rank or alpha differ from them (Phi-3's fused ones). InputError
// when one module type's adapters differ across layers (a pattern names a type).
// `baseModel` is recorded as base_model_name_or_path (empty: null).
std::string peftAdapterConfig(const Model& model, const LoraSettings& settings,
                              const std::string& baseModel = {});

// Both, in `directory` (created).
void writePeftAdapter(const Model& model, const LoraSettings& settings, const std::string& directory,
                      const std::string& baseModel);

// Reads a PEFT LoRA adapter directory (ours or peft's) onto `model`: LORA, no
// DoRA or rsLoRA; rank_pattern / alpha_pattern keys that are module names
// (or dotted name suffixes), as peft matches them; every tensor's name, rank
// and shape checked (InputError naming the file and the tensor). Returns the
// adapted matrices (a fused Phi-3 module counts its parts).
int loadPeftAdapter(Model& model, const std::string& directory);

}  // namespace sieve

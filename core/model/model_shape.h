#pragma once
// The shapes the memory planner needs (core/types/memory_plan.h), from a config.
#include <string>

#include "core/model/config.h"
#include "core/types/memory_plan.h"

namespace sieve {

// head_dim and kv heads filled in as the model would (hidden / heads, heads).
ModelShape modelShapeOf(const ModelConfig& config, const std::string& name);

}  // namespace sieve

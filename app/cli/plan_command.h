#pragma once
// `sieve plan`: the memory plan of a run from a model's config alone.
#include <string>
#include <vector>

#include "core/types/job.h"

namespace sieve::cli {

int runPlan(const std::vector<std::string>& args, const CancelToken& cancel);

}  // namespace sieve::cli

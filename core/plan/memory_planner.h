#pragma once
// The memory planner: from a model's shape alone (a config.json is enough,
// no weights), the dtype, the methods, the calibration tokens and the
// devices, the peak memory of each phase of a run as the engine will run it
// (layer-streamed calibration and projection, the factor store, the
// searches), the placement that makes it fit, and, when nothing does, a
// refusal that names the phase, the predicted and available memory and what
// to change. The engine plans before every run and follows the plan's
// decisions; `sieve plan` and the window show it. Torch-free.
//
// Every term is counted from the code it predicts (the comments say which);
// tests/plan checks the predicted peak against the measured one.
#include <cstdint>
#include <string>

#include "core/types/memory_plan.h"

namespace sieve {

int64_t dtypeBytes(DType dtype);

// The plan for `request`. Never throws for a run that does not fit: the
// plan says so (fits = false, refusal). Throws InputError for a request
// without devices, a shape with no layers or an unknown method.
MemoryPlan planMemory(const PlanRequest& request);

// A single "cpu" device: host memory is the device's memory, so there is no
// separate host column and nothing to offload to.
bool hostIsTheDevice(const PlanRequest& request);

// What the planner keeps free on each GPU for the CUDA context, cuBLAS
// workspaces and allocator fragmentation: available = capacity - reserve.
int64_t gpuReserveBytes(int64_t capacity);

// Each phase's share of a run, for `sieve plan` and the window: which phases
// a job needs ("calibrate" for `sieve calibrate`, every phase for `run`).
bool phaseFits(const MemoryPlan& plan, const std::string& phase);

}  // namespace sieve

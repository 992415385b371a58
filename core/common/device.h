#pragma once
// Resolving a device needs libtorch; the choice itself is torch-free
// (core/types/device_choice.h) so that the GUI can name one.
#include <string>

#include "core/types/device_choice.h"

namespace sieve {

// "auto" resolves to "cuda" when libtorch sees a GPU, else "cpu". Throws
// InputError for an unknown name or a CUDA device libtorch cannot see.
std::string resolveDevice(const std::string& requested);
bool cudaAvailable();

}  // namespace sieve

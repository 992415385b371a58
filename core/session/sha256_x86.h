#pragma once
// SHA-256 block compression with the x86 SHA extensions. Private to
// core/session/sha256.cpp; on other CPUs shaNiAvailable() is false.
#include <cstddef>
#include <cstdint>

namespace sieve::detail {

bool shaNiAvailable();
// Compresses `count` 64-byte blocks into `state` (a, b, ..., h).
void compressShaNi(uint32_t* state, const uint8_t* blocks, size_t count, const uint32_t* roundConstants);

}  // namespace sieve::detail

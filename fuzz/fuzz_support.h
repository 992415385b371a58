#pragma once
// What every harness shares. The readers take paths, so an input is written
// as a file into a private folder on tmpfs (one per fuzzing process), and the
// rule of docs/reliability.md is enforced by letting every exception other
// than sieve::InputError (and its FormatError) escape: libFuzzer reports an
// escaped exception, a crash, a leak, UB or a huge allocation as a finding.
#include <cstddef>
#include <cstdint>
#include <string>

namespace sieve::fuzz {

// The private folder (created on first use, removed at exit).
const std::string& folder();
// Writes the bytes to folder()/name and returns the path.
std::string writeInput(const std::string& name, const uint8_t* data, size_t size);
std::string writeInput(const std::string& name, const std::string& bytes);

// Splits an input at the first `separator`: what comes before, and after
// (empty when the separator is absent).
std::pair<std::string, std::string> splitAt(const uint8_t* data, size_t size, const std::string& separator);

}  // namespace sieve::fuzz

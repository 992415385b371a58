#pragma once
// Files a user names (a tokenizer, a task, a config.json) are checked before
// anything reads them: they must exist and be regular files (a FIFO would
// block the reader forever, /dev/zero would feed it until memory runs out),
// no larger than such a file can plausibly be. Every failure is an
// InputError naming the file, what it was meant to be and why.
#include <cstdint>
#include <string>

namespace sieve {

// Plausible upper bounds for the files the readers take whole into memory.
inline constexpr uint64_t kMaxJsonConfigBytes = uint64_t(64) << 20;  // config.json, index.json, meta.json
inline constexpr uint64_t kMaxTokenizerBytes = uint64_t(1) << 30;    // tokenizer.json / tokenizer.bin
inline constexpr uint64_t kMaxTaskFileBytes = uint64_t(4) << 30;     // a task's JSONL

// Returns the file's size. `what` says what the file should be ("tokenizer").
uint64_t checkInputFile(const std::string& path, const std::string& what, uint64_t maxBytes);
// checkInputFile, then the whole file (opened without blocking, so a file
// swapped for a FIFO in between is refused, not waited on).
std::string readInputFile(const std::string& path, const std::string& what, uint64_t maxBytes);

}  // namespace sieve

#pragma once
// How the process heap treats large freed blocks. Torch-free.

namespace sieve {

// glibc hands every block above its mmap threshold back to the kernel when it
// is freed, so each large activation of a forward pass lands on fresh pages:
// faulting and zeroing them was 11 % of the CPU time of an evaluation on
// SmolLM2 (docs/benchmarks.md, "Genetic search on a real model"). Raises the
// threshold to glibc's maximum (32 MiB) and keeps up to 1 GiB of freed memory
// at the top of the heap for the next allocation. Call once, first thing in
// main(). Does nothing under another allocator (the default build links
// tcmalloc, which keeps freed memory in its own caches).
void reuseFreedHeapMemory();

// For measurements of peak memory (tests/plan, bench_scale): the opposite of
// reuseFreedHeapMemory. Freed blocks go back to the kernel at once (glibc:
// every block of 64 KiB or more mapped on its own; tcmalloc: aggressive
// decommit), so that the resident set follows what is alive.
void heapFollowsLiveMemory();

// Hands the freed memory the allocator keeps cached back to the system
// (glibc's malloc_trim, tcmalloc's ReleaseFreeMemory), so that the resident
// set is what is live: for measurements of peak memory against a baseline.
void releaseFreedHeapMemory();

// The allocator behind malloc in this process: "tcmalloc" or "glibc malloc"
// (what the build linked in, checked at run time), for reports and benches.
const char* heapAllocatorName();

}  // namespace sieve

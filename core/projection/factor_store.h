#pragma once
// Every projected method's factors for one model: one ProjectionSet per
// method (factored whole, or block by block by the layer-streamed pass),
// each at the largest rank any level of its grid needs, with rank slices
// that are contiguous blocks (core/projection/factorization.h), so a level
// change copies nothing where the factors live with their block. Where they
// live (with their block, or in host memory, pinned on CUDA) is the memory
// plan's call (core/plan); the engine evicts a method's set when the run
// moves on from it and the plan says the memory is needed. The store keeps
// the totals a user wants to see: memory held, applies, hit rate, copies.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/projection/projection_set.h"
#include "core/types/results.h"

namespace sieve {

struct FactorStoreReport {
    int methods = 0;          // sets held now
    int64_t deviceBytes = 0;  // factors held with their blocks now
    int64_t hostBytes = 0;    // factors held in host memory for blocks elsewhere
    int64_t peakBytes = 0;    // the most held at once (device + host)
    int evictions = 0;
    double factorSeconds = 0;  // time spent factoring, all sets so far
    ApplyStats applies;        // all sets so far, evicted ones included
};

class FactorStore {
public:
    // The set of `method` built for `grid`, or nullptr.
    const ProjectionSet* find(const std::string& method, const LevelGrid& grid) const;
    bool has(const std::string& method) const { return sets_.count(method) > 0; }
    // Takes a set (replacing the method's earlier one).
    const ProjectionSet& insert(const std::string& method, const LevelGrid& grid, ProjectionSet set);
    // Frees a method's factors (its counts stay in the report).
    void evict(const std::string& method);
    // Frees every set whose method needs calibration (the Grams changed).
    void evictCalibrated();
    void clear();
    std::vector<std::string> methods() const;
    // Names a held set: a new number for every insert, 0 for a set the store
    // does not hold (rank 0 sends a set to the other ranks once per serial).
    uint64_t serial(const ProjectionSet& set) const;

    FactorStoreReport report() const;
    // One line for the log: "factor store: 2 methods, 86.7 MiB with their blocks, 0 B in host memory;
    // 338 applies, hit rate 100 % (0 copies)".
    std::string summary() const;

private:
    void forget(const std::string& method);
    struct Entry {
        LevelGrid grid;
        ProjectionSet set;
        uint64_t serial = 0;
    };
    std::map<std::string, Entry> sets_;
    ApplyStats evictedApplies_;
    double evictedFactorSeconds_ = 0;
    int64_t peakBytes_ = 0;
    int evictions_ = 0;
    uint64_t inserts_ = 0;
};

// "86.7 MiB", "1.25 GiB": what the logs and reports print.
std::string bytesText(int64_t bytes);

}  // namespace sieve

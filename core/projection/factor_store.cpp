#include "core/projection/factor_store.h"

#include <cstdio>

#include "core/types/method_registry.h"

namespace sieve {

std::string bytesText(int64_t bytes) {
    char text[32];
    const double b = double(bytes);
    if (b >= 1024.0 * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024)
        std::snprintf(text, sizeof text, "%.1f MiB", b / (1024.0 * 1024));
    else if (b >= 1024.0)
        std::snprintf(text, sizeof text, "%.1f KiB", b / 1024.0);
    else
        std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
    return text;
}

const ProjectionSet* FactorStore::find(const std::string& method, const LevelGrid& grid) const {
    const auto it = sets_.find(method);
    return it != sets_.end() && it->second.grid == grid ? &it->second.set : nullptr;
}

const ProjectionSet& FactorStore::insert(const std::string& method, const LevelGrid& grid,
                                         ProjectionSet set) {
    forget(method);
    const ProjectionSet& stored =
        sets_.emplace(method, Entry{grid, std::move(set), ++inserts_}).first->second.set;
    const FactorStoreReport now = report();
    peakBytes_ = std::max(peakBytes_, now.deviceBytes + now.hostBytes);
    return stored;
}

uint64_t FactorStore::serial(const ProjectionSet& set) const {
    for (const auto& [method, entry] : sets_)
        if (&entry.set == &set) return entry.serial;
    return 0;
}

void FactorStore::forget(const std::string& method) {
    const auto it = sets_.find(method);
    if (it == sets_.end()) return;
    evictedApplies_ += it->second.set.applyStats();
    evictedFactorSeconds_ += it->second.set.factorSeconds();
    sets_.erase(it);
}

void FactorStore::evict(const std::string& method) {
    if (!has(method)) return;
    forget(method);
    ++evictions_;
}

void FactorStore::evictCalibrated() {
    std::vector<std::string> calibrated;
    for (const auto& [name, entry] : sets_)
        if (requireMethod(name).needsCalibration) calibrated.push_back(name);
    for (const auto& name : calibrated) forget(name);
}

void FactorStore::clear() {
    while (!sets_.empty()) forget(sets_.begin()->first);
}

std::vector<std::string> FactorStore::methods() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : sets_) names.push_back(name);
    return names;
}

FactorStoreReport FactorStore::report() const {
    FactorStoreReport r;
    r.methods = int(sets_.size());
    r.applies = evictedApplies_;
    r.factorSeconds = evictedFactorSeconds_;
    for (const auto& [name, entry] : sets_) {
        r.deviceBytes += entry.set.deviceBytes();
        r.hostBytes += entry.set.hostBytes();
        r.applies += entry.set.applyStats();
        r.factorSeconds += entry.set.factorSeconds();
    }
    r.peakBytes = std::max(peakBytes_, r.deviceBytes + r.hostBytes);
    r.evictions = evictions_;
    return r;
}

std::string FactorStore::summary() const {
    const FactorStoreReport r = report();
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f %%", 100.0 * r.applies.hitRate());
    return "factor store: " + std::to_string(r.methods) + " method(s), " + bytesText(r.deviceBytes) +
           " with their blocks, " + bytesText(r.hostBytes) + " in host memory (peak " +
           bytesText(r.peakBytes) + ", " + std::to_string(r.evictions) + " evicted); " +
           std::to_string(r.applies.matrixApplies) + " matrix applies, hit rate " + rate + " (" +
           std::to_string(r.applies.unchanged) + " unchanged, " + std::to_string(r.applies.inPlace) +
           " in place, " + std::to_string(r.applies.copied) + " copied: " + bytesText(r.applies.copiedBytes) +
           ")";
}

}  // namespace sieve

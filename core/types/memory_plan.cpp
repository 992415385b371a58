#include "core/types/memory_plan.h"

#include <algorithm>
#include <cstdio>

namespace sieve {

namespace {
std::string gib(int64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f GiB", double(bytes) / double(int64_t(1) << 30));
    return text;
}
}  // namespace

std::array<std::pair<int64_t, int64_t>, 7> ModelShape::matrixShapes() const {
    const int64_t q = heads * headDim, kv = kvHeads * headDim;
    return {{{q, hidden},
             {kv, hidden},
             {kv, hidden},
             {hidden, q},
             {intermediate, hidden},
             {intermediate, hidden},
             {hidden, intermediate}}};
}

int64_t ModelShape::prunableParamsPerBlock() const {
    int64_t total = 0;
    for (const auto& [rows, cols] : matrixShapes()) total += rows * cols;
    return total;
}

int64_t ModelShape::totalParams() const {
    const int64_t biases = attentionBias ? (heads + 2 * kvHeads) * headDim : 0;
    const int64_t perBlock = prunableParamsPerBlock() + 2 * hidden + biases;
    return perBlock * layers + vocab * hidden * (tiedEmbeddings ? 1 : 2) + hidden;
}

const PhasePlan* MemoryPlan::phase(const std::string& name) const {
    for (const PhasePlan& p : phases)
        if (p.name == name) return &p;
    return nullptr;
}

std::string MemoryPlan::table() const {
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-10s", "phase");
    out += line;
    for (const PlanDevice& d : request.devices) {
        std::snprintf(line, sizeof line, " %14s", d.name.c_str());
        out += line;
    }
    if (!unified) {
        std::snprintf(line, sizeof line, " %14s", "host");
        out += line;
    }
    out += "  fits\n";
    for (const PhasePlan& p : phases) {
        std::snprintf(line, sizeof line, "%-10s", p.name.c_str());
        out += line;
        for (int64_t b : p.deviceBytes) {
            std::snprintf(line, sizeof line, " %14s", gib(b).c_str());
            out += line;
        }
        if (!unified) {
            std::snprintf(line, sizeof line, " %14s", gib(p.hostBytes).c_str());
            out += line;
        }
        out += p.fits ? "  yes\n" : "  NO\n";
    }
    std::snprintf(line, sizeof line, "%-10s", "available");
    out += line;
    for (const PlanDevice& d : request.devices) {
        std::snprintf(line, sizeof line, " %14s", gib(d.available).c_str());
        out += line;
    }
    if (!unified) {
        std::snprintf(line, sizeof line, " %14s", gib(request.host.available).c_str());
        out += line;
    }
    out += "\n";
    return out;
}

}  // namespace sieve

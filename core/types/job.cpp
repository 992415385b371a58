#include "core/types/job.h"

namespace sieve {

void JobContext::beginPhase(const std::string& phase, int64_t total, const std::string& detail) {
    phase_ = phase;
    total_ = total;
    phaseStart_ = std::chrono::steady_clock::now();
    if (progress_) progress_(Progress{phase_, 0, total_, detail, 0.0, -1.0});
    throwIfCancelled();
}

void JobContext::advance(int64_t done, const std::string& detail) {
    if (progress_) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - phaseStart_).count();
        // Linear extrapolation: good enough for batches and generations of similar cost.
        const double eta = (done > 0 && total_ > done)      ? elapsed * double(total_ - done) / double(done)
                           : (done >= total_ && total_ > 0) ? 0.0
                                                            : -1.0;
        progress_(Progress{phase_, done, total_, detail, elapsed, eta});
    }
    throwIfCancelled();
}

}  // namespace sieve

#include "core/tokenizer/post_processors.h"

namespace sieve::tok {

void PostProcessor::add(std::string description, const std::vector<int32_t>& before,
                        const std::vector<int32_t>& after) {
    prefix_.insert(prefix_.begin(), before.begin(), before.end());
    suffix_.insert(suffix_.end(), after.begin(), after.end());
    steps_.push_back(std::move(description));
}

std::string PostProcessor::describe() const {
    if (steps_.empty()) return "none";
    if (steps_.size() == 1) return steps_.front();
    std::string out = "Sequence[";
    for (size_t i = 0; i < steps_.size(); ++i) out += (i ? ", " : "") + steps_[i];
    return out + "]";
}

}  // namespace sieve::tok

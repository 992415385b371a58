#pragma once
// Post-processors: what `add_special_tokens` adds around one sequence. Every
// supported kind (TemplateProcessing, BertProcessing, RobertaProcessing; the
// ByteLevel one changes only offsets) puts fixed ids before and after the
// sequence. A Sequence may hold at most one of them (see hf_json_pipeline.cpp).
#include <cstdint>
#include <string>
#include <vector>

namespace sieve::tok {

class PostProcessor {
public:
    // One step, described as tokenizer.json names it; its ids go outside
    // those of earlier steps.
    void add(std::string description, const std::vector<int32_t>& before = {},
             const std::vector<int32_t>& after = {});
    const std::vector<int32_t>& prefix() const { return prefix_; }
    const std::vector<int32_t>& suffix() const { return suffix_; }
    // "none", the one step, or "Sequence[a, b, ...]".
    std::string describe() const;

private:
    std::vector<int32_t> prefix_, suffix_;
    std::vector<std::string> steps_;
};

}  // namespace sieve::tok

#include "core/model/shared_input.h"

namespace sieve {

std::vector<torch::Tensor> SharedInputMaps::forward(const torch::Tensor& x,
                                                    const std::vector<const PrunableLinear*>& maps) const {
    bool allFactorized = true;
    for (const PrunableLinear* m : maps) allFactorized = allFactorized && m->isFactorized();
    // Few rows (decoding) multiply vector by vector anyway; autograd (training) never factorizes.
    const int64_t rows = x.size(-1) == 0 ? 0 : x.numel() / x.size(-1);
    if (!allFactorized || rows < 16 || torch::GradMode::is_enabled()) {
        std::vector<torch::Tensor> out;
        for (const PrunableLinear* m : maps) out.push_back(m->forward(x));
        return out;
    }
    std::vector<uint64_t> versions;
    for (const PrunableLinear* m : maps) versions.push_back(m->version());
    if (versions != versions_ || !fusedA_.defined()) {
        std::vector<torch::Tensor> parts;
        for (const PrunableLinear* m : maps) parts.push_back(m->factorA());
        fusedA_ = torch::cat(parts, 0);
        versions_ = std::move(versions);
    }
    // z [..., sum r] = x [A_1; ...; A_n]^T, then y_i = z_i B_i^T + b_i on each slice.
    const torch::Tensor z = linearMap(x, fusedA_, {});
    std::vector<torch::Tensor> out;
    int64_t offset = 0;
    for (const PrunableLinear* m : maps) {
        const int64_t r = m->rank();
        out.push_back(m->addAdapter(x, linearMap(z.narrow(-1, offset, r), m->factorB(), m->bias())));
        offset += r;
    }
    return out;
}

}  // namespace sieve

#include "core/engine/factor_broadcast.h"

#include <stdexcept>

#include "core/cluster/wire.h"

namespace sieve {

namespace {

// Rank root's tensor to every rank (others: `like` gives dtype and shape).
torch::Tensor broadcastTensor(const torch::Tensor& mine, torch::ScalarType dtype,
                              const std::vector<int>& shape, Cluster& cluster, int root) {
    torch::Tensor host;
    if (cluster.rank() == root) {
        host = mine.to(torch::kCPU).contiguous();
    } else {
        host = torch::empty(std::vector<int64_t>(shape.begin(), shape.end()),
                            torch::TensorOptions().dtype(dtype));
    }
    cluster.broadcast(host.data_ptr(), int64_t(host.numel()) * int64_t(host.element_size()), root);
    return host;
}

std::vector<int> shapeOf(const torch::Tensor& t) {
    return std::vector<int>(t.sizes().begin(), t.sizes().end());
}

// One pass for both sides: `source` on the root, `target` elsewhere.
void broadcastFactors(const ProjectionSet* source, ProjectionSet* target, Cluster& cluster, int root) {
    const bool sending = source != nullptr;
    const int count = sending ? source->matrixCount() : target->matrixCount();
    for (int i = 0; i < count; ++i) {
        std::string header;
        torch::Tensor first, second;  // LowRank: Bt [R, D] and A [R, H]; Mask: keepOrder [D, H]
        if (sending) {
            const Factorization& f = source->factorization(i);
            if (f.kind() == Factorization::Kind::LowRank) {
                first = f.B().t();  // the stored Bt, contiguous
                second = f.A();
            } else {
                first = f.keepOrder();
            }
            WireWriter w;
            w.i64(i).i64(f.kind() == Factorization::Kind::LowRank ? 0 : 1).i64(int64_t(first.scalar_type()));
            w.ints(shapeOf(first)).ints(second.defined() ? shapeOf(second) : std::vector<int>{});
            header = w.bytes();
        }
        cluster.broadcast(header, root);
        WireReader in(header, "factor header of matrix " + std::to_string(i));
        const int64_t index = in.i64();
        const bool lowRank = in.i64() == 0;
        const auto dtype = torch::ScalarType(in.i64());
        const std::vector<int> firstShape = in.ints(), secondShape = in.ints();
        in.finish();
        if (index != i)
            throw std::runtime_error("factor broadcast out of step: matrix " + std::to_string(index) +
                                     " where " + std::to_string(i) + " was due");
        const torch::Tensor a = broadcastTensor(first, dtype, firstShape, cluster, root);
        const torch::Tensor b =
            lowRank ? broadcastTensor(second, dtype, secondShape, cluster, root) : torch::Tensor();
        if (!sending) target->adopt(i, lowRank ? Factorization::lowRank(a.t(), b) : Factorization::mask(a));
    }
}

}  // namespace

void sendFactors(const ProjectionSet& set, Cluster& cluster) {
    if (!set.isComplete()) throw std::logic_error("sendFactors: the set is not complete");
    broadcastFactors(&set, nullptr, cluster, cluster.rank());
}

void receiveFactors(ProjectionSet& set, Cluster& cluster, int root) {
    if (cluster.rank() == root) throw std::logic_error("receiveFactors: the root sends");
    broadcastFactors(nullptr, &set, cluster, root);
    if (!set.isComplete()) throw std::runtime_error("factor broadcast ended before every matrix arrived");
}

}  // namespace sieve

#include "core/cluster/cluster.h"

namespace sieve {

void Cluster::broadcast(std::string& text, int root) {
    int64_t size = int64_t(text.size());
    broadcast(&size, int64_t(sizeof size), root);
    text.resize(size_t(size));
    if (size > 0) broadcast(text.data(), size, root);
}

}  // namespace sieve

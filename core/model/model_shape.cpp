#include "core/model/model_shape.h"

namespace sieve {

ModelShape modelShapeOf(const ModelConfig& c, const std::string& name) {
    ModelShape s;
    s.name = name;
    s.layers = c.layers;
    s.hidden = c.hidden;
    s.intermediate = c.intermediate;
    s.heads = c.heads;
    s.kvHeads = c.kvHeads > 0 ? c.kvHeads : c.heads;
    s.headDim = c.headDim > 0 ? c.headDim : (c.heads > 0 ? c.hidden / c.heads : 0);
    s.vocab = c.vocab;
    s.tiedEmbeddings = c.tieEmbeddings;
    s.attentionBias = c.attentionBias;
    s.maxPositions = c.maxPositions;
    return s;
}

}  // namespace sieve

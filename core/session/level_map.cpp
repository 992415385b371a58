#include "core/session/level_map.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace sieve {

LayerTypeMap layerTypeMap(const std::vector<MatrixInfo>& matrices, const std::vector<double>& perMatrix) {
    if (perMatrix.size() != matrices.size())
        throw InputError("layer x type map: " + std::to_string(perMatrix.size()) + " values for " +
                         std::to_string(matrices.size()) + " matrices");
    LayerTypeMap map;
    for (const MatrixInfo& m : matrices) map.layers = std::max(map.layers, m.layer + 1);
    map.values.assign(size_t(map.layers) * kMatrixTypeCount, std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < matrices.size(); ++i) {
        if (matrices[i].layer < 0) throw InputError("matrix '" + matrices[i].name + "' has a negative layer");
        map.values[size_t(matrices[i].layer) * kMatrixTypeCount + size_t(matrices[i].type)] = perMatrix[i];
    }
    return map;
}

}  // namespace sieve

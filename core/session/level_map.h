#pragma once
// Per-matrix values laid out as a [layer, matrix type] grid: the pruning
// heatmap of a chromosome and the sensitivity map, stored 2-D in the session
// so that h5web, silx and NeXpy plot them as images.
#include <vector>

#include "core/types/matrix_info.h"

namespace sieve {

struct LayerTypeMap {
    int layers = 0;              // rows: max layer + 1
    std::vector<double> values;  // layers x kMatrixTypeCount, row-major; NaN where no matrix
};

// `perMatrix` is indexed like `matrices`. Throws InputError on a length mismatch.
LayerTypeMap layerTypeMap(const std::vector<MatrixInfo>& matrices, const std::vector<double>& perMatrix);

}  // namespace sieve

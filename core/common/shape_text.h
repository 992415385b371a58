#pragma once
// How error messages name a tensor's shape: "[4096, 11008]", "(none)" for an
// undefined tensor.
#include <sstream>
#include <string>

#include "core/common/torch_compat.h"

namespace sieve {

inline std::string shapeText(c10::IntArrayRef shape) {
    std::ostringstream s;
    s << shape;
    return s.str();
}

inline std::string shapeText(const torch::Tensor& t) {
    return t.defined() ? shapeText(t.sizes()) : std::string("(none)");
}

}  // namespace sieve

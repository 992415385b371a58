#pragma once
#include <QString>

namespace sieve::widgets {
// Versions of Qt, libtorch, HDF5 and the compute device, for the About box and logs.
QString versionText();
}  // namespace sieve::widgets

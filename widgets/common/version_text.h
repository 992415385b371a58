#pragma once
#include <QString>

namespace sieve::widgets {
// Versions of Qt, libtorch, HDF5 and the compute device, for the About box and logs.
// `device`: where models run by default here ("cpu", "cuda"), which only the
// engine can tell (the widgets link no libtorch).
QString versionText(const QString& device);
}  // namespace sieve::widgets

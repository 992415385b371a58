#pragma once
#include <QString>

namespace sieve::widgets {
// Versions of Qt, libtorch and the compute device, for the About box and logs.
QString versionText();
}  // namespace sieve::widgets

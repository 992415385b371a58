#include "widgets/common/version_text.h"

#include <QCoreApplication>
#include <QtGlobal>

#include "core/session/hdf5_version.h"
#include "core/types/device_choice.h"
#include "sieve/version.h"

namespace sieve::widgets {

QString versionText(const QString& device) {
    return QCoreApplication::translate("sieve::widgets::VersionText",
                                       "Sieve Workbench %1\nQt %2\nlibtorch %3\nHDF5 %4\ndevice %5")
        .arg(QString::fromUtf8(SIEVE_VERSION_STRING), QString::fromUtf8(qVersion()),
             QString::fromStdString(sieve::torchVersion()),
             QString::fromStdString(sieve::hdf5LibraryVersion()), device);
}

}  // namespace sieve::widgets

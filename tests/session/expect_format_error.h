#pragma once
// Loading `file` must fail with a FormatError that names the file and
// mentions every string of `mentions` (case-insensitive): shared by the
// session tests.
#include <QtTest>
#include <string>

#include "core/common/error.h"
#include "core/session/session_file.h"

namespace sieve::test {

inline void expectFormatError(const std::string& file, const QStringList& mentions) {
    try {
        SessionFile::load(file);
        QFAIL("loading should have failed");
    } catch (const FormatError& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains(QString::fromStdString(file)), qPrintable("no file name in: " + message));
        for (const QString& m : mentions)
            QVERIFY2(message.contains(m, Qt::CaseInsensitive), qPrintable("'" + m + "' not in: " + message));
    }
}

}  // namespace sieve::test

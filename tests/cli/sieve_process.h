#pragma once
// Runs a program (usually `sieve`) as a user would and keeps what it printed:
// shared by the CLI tests.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace sieve::test {

inline const QString kSieve = QStringLiteral(SIEVE_BINARY_DIR "/app/sieve");

struct Result {
    int code = -1;  // -1: crashed or timed out
    QString out, err;
};

inline Result runProgram(const QString& program, const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    p.start(program, args);
    Result r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline Result runSieve(const QStringList& args, int timeoutMs = 300000) {
    return runProgram(kSieve, args, timeoutMs);
}

}  // namespace sieve::test

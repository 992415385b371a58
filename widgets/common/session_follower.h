#pragma once
// Notices when a session file another process writes has changed: a search
// on a cluster appending generations to the copy a researcher syncs to the
// laptop (File > Follow Session). Sessions are replaced whole (a new file
// renamed over the old), which a file watch alone loses after the first
// rename, so the folder is watched too, and the file's size and time decide.
// Changes in quick succession are reported once.
#include <QDateTime>
#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace sieve::widgets {

class SessionFollower : public QObject {
    Q_OBJECT
public:
    explicit SessionFollower(QObject* parent = nullptr);
    // Follows `path` (replacing any other); stop() ends it.
    void follow(const QString& path);
    void stop();
    bool isFollowing() const { return !path_.isEmpty(); }
    const QString& path() const { return path_; }

Q_SIGNALS:
    // The file is complete and differs from when it was last reported.
    void changed(const QString& path);

private:
    void check();
    QFileSystemWatcher watcher_;
    QTimer settle_;
    QString path_;
    qint64 size_ = -1;
    QDateTime modified_;
};

}  // namespace sieve::widgets

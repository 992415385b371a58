#include "widgets/common/session_follower.h"

#include <QFileInfo>

namespace sieve::widgets {

SessionFollower::SessionFollower(QObject* parent) : QObject(parent) {
    // A writer's copy, seal and rename take a moment: report once it is quiet.
    settle_.setSingleShot(true);
    settle_.setInterval(300);
    connect(&settle_, &QTimer::timeout, this, &SessionFollower::check);
    connect(&watcher_, &QFileSystemWatcher::fileChanged, this, [this] { settle_.start(); });
    connect(&watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { settle_.start(); });
}

void SessionFollower::follow(const QString& path) {
    stop();
    path_ = path;
    const QFileInfo info(path);
    size_ = info.size();
    modified_ = info.lastModified();
    watcher_.addPath(info.absolutePath());
    watcher_.addPath(path);
}

void SessionFollower::stop() {
    settle_.stop();
    if (!watcher_.files().isEmpty()) watcher_.removePaths(watcher_.files());
    if (!watcher_.directories().isEmpty()) watcher_.removePaths(watcher_.directories());
    path_.clear();
}

void SessionFollower::check() {
    if (path_.isEmpty()) return;
    const QFileInfo info(path_);
    if (!info.exists()) return;  // between a writer's removal and its rename
    // A file replaced by a rename is a new file: watch it again.
    if (!watcher_.files().contains(path_)) watcher_.addPath(path_);
    if (info.size() == size_ && info.lastModified() == modified_) return;
    size_ = info.size();
    modified_ = info.lastModified();
    Q_EMIT changed(path_);
}

}  // namespace sieve::widgets

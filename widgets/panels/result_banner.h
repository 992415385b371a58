#pragma once
// A strip above the views that says what the session's best pruned model is
// and how far to trust it: the method, the share removed, the accuracy on
// the search examples beside the held-out accuracy (examples no search saw),
// and, in red, every warning (held-out below its threshold, a search set too
// small for ε to mean anything). Hidden while there is nothing to say.
#include <QFrame>
#include <QStringList>

#include "core/session/session_data.h"

class QLabel;

namespace sieve::widgets {

class ResultBanner : public QFrame {
    Q_OBJECT
public:
    explicit ResultBanner(QWidget* parent = nullptr);

    // `eps`: of the session's results, or of the run panel before any.
    void showSession(const SessionData& session, double eps);
    QString summaryText() const;
    QStringList warnings() const { return warnings_; }

private:
    QLabel* summary_;
    QLabel* warning_;
    QStringList warnings_;
};

}  // namespace sieve::widgets

#pragma once
// The memory plan of the run the panel would start, before it starts: one
// line (fits, the largest phase against what the device has) and, as its
// tooltip, every phase's predicted peak per device and host memory, and what
// the plan decided (where boundary states and factors go). The numbers are
// the engine's (core/plan), the same that `sieve plan` prints; a run that
// does not fit is refused by the engine with the same sentence shown here.
#include <QLabel>

#include "core/types/memory_plan.h"

namespace sieve::widgets {

class MemoryPlanView : public QLabel {
    Q_OBJECT
public:
    explicit MemoryPlanView(QWidget* parent = nullptr);

    // An empty plan (no phases) says that there is nothing to plan yet.
    void setPlan(const MemoryPlan& plan);
    const MemoryPlan& plan() const { return plan_; }
    // "1.2 GiB" in the user's locale.
    static QString bytesText(int64_t bytes);

private:
    MemoryPlan plan_;
};

}  // namespace sieve::widgets

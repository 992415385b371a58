#pragma once
// Installs a model's input observer for one calibration pass and removes it
// on every exit path (normal return, Cancelled, a bad batch), so that no
// observer ever outlives the accumulator it feeds.
#include "core/model/model.h"

namespace sieve {

class ObserverGuard {
public:
    ObserverGuard(Model& model, InputObserver observer) : model_(model) {
        model_.setInputObserver(std::move(observer));
    }
    ~ObserverGuard() { model_.clearInputObserver(); }
    ObserverGuard(const ObserverGuard&) = delete;
    ObserverGuard& operator=(const ObserverGuard&) = delete;

private:
    Model& model_;
};

}  // namespace sieve

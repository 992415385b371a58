#include "core/task/task.h"

#include "core/common/error.h"

namespace sieve {

namespace {

struct MetricName {
    Metric metric;
    const char* name;
};
constexpr MetricName kMetricNames[] = {
    {Metric::ExactMatch, "exact_match"},
    {Metric::Contains, "contains"},
    {Metric::TokenF1, "token_f1"},
    {Metric::Accuracy, "acc"},
    {Metric::AccuracyNorm, "acc_norm"},
    {Metric::Perplexity, "perplexity"},
    {Metric::NextTokenAccuracy, "next_token_accuracy"},
};

}  // namespace

const char* taskKindName(TaskKind kind) {
    switch (kind) {
        case TaskKind::Generate:
            return "generate";
        case TaskKind::Choice:
            return "choice";
        case TaskKind::Perplexity:
            return "perplexity";
    }
    return "?";
}

const char* metricName(Metric metric) {
    for (const auto& m : kMetricNames)
        if (m.metric == metric) return m.name;
    return "?";
}

TaskKind parseTaskKind(const std::string& name, const std::string& where) {
    if (name == "generate") return TaskKind::Generate;
    if (name == "choice") return TaskKind::Choice;
    if (name == "perplexity") return TaskKind::Perplexity;
    throw InputError(where + ": unknown task kind '" + name + "' (expected generate, choice or perplexity)");
}

Metric parseMetric(const std::string& name, const std::string& where) {
    for (const auto& m : kMetricNames)
        if (name == m.name) return m.metric;
    std::string allowed;
    for (const auto& m : kMetricNames) allowed += (allowed.empty() ? "" : ", ") + std::string(m.name);
    throw InputError(where + ": unknown metric '" + name + "' (expected one of " + allowed + ")");
}

bool metricAllowedFor(TaskKind kind, Metric metric) {
    switch (kind) {
        case TaskKind::Generate:
            return metric == Metric::ExactMatch || metric == Metric::Contains || metric == Metric::TokenF1;
        case TaskKind::Choice:
            return metric == Metric::Accuracy || metric == Metric::AccuracyNorm;
        case TaskKind::Perplexity:
            return metric == Metric::Perplexity || metric == Metric::NextTokenAccuracy;
    }
    return false;
}

bool higherIsBetter(Metric metric) {
    return metric != Metric::Perplexity;
}

}  // namespace sieve

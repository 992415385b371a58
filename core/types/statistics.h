#pragma once
// Honest statistics for accuracies measured on a finite set of examples:
// Wilson score intervals, the exact McNemar test for paired correctness (the
// dense and a pruned model on the same examples) and what a number of
// examples can resolve. Plain numbers in, plain numbers out; torch-free and
// Qt-free, so that the report, the session and the plots share it.
// Checked against scipy-free reference values in tests/fixtures/statistics.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

// z of a two-sided 95 % interval: the 0.975 quantile of the standard normal.
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
    double low = 0;
    double high = 1;
};

// Wilson score interval of `successes` out of `n` (Wilson 1927): stays inside
// [0, 1] and keeps its coverage near 0 and 1, where the normal interval fails.
// n = 0 gives [0, 1].
Interval wilsonInterval(int64_t successes, int64_t n, double z = kZ95);
// The same for an accuracy measured on n examples (accuracy * n is rounded to
// the count it came from).
Interval wilsonIntervalOf(double accuracy, int64_t n, double z = kZ95);

// Whether a metric is a proportion of examples (each example right or wrong),
// the case the intervals and the paired test are for: exact_match, contains,
// acc, acc_norm. token_f1, perplexity and next_token_accuracy (tokens of one
// text are not independent) are not.
bool isProportionMetric(const std::string& metric);

// The exact McNemar test of two models on the same examples (McNemar 1947;
// exact form: a two-sided binomial test of the discordant pairs).
struct PairedTest {
    int64_t examples = 0;
    int64_t bothCorrect = 0;
    int64_t onlyFirst = 0;   // first model right, second wrong (dense kept, pruned lost)
    int64_t onlySecond = 0;  // second right, first wrong
    int64_t bothWrong = 0;
    double pValue = 1;  // two-sided; 1 when no pair is discordant
};
// `first` and `second` hold 1 (correct) or 0 per example, in the same order;
// InputError when their lengths differ.
PairedTest mcnemarExact(const std::vector<uint8_t>& first, const std::vector<uint8_t>& second);
// P(X <= k) + P(X >= n - k) for X ~ Binomial(n, 1/2), capped at 1: the exact
// two-sided p-value of k discordant pairs one way out of n.
double binomialTwoSidedHalf(int64_t k, int64_t n);

// What eps means on n examples: the feasibility threshold (1 - eps) a0 lets
// eps a0 n examples be lost, while a0 itself is only known to +- halfWidth
// (its Wilson 95 % interval). When eps a0 is below that half-width, a pruned
// model that passes on these examples may lose more than eps on the task, and
// one that fails may not: the eps is below what the examples can resolve.
struct EpsResolution {
    double allowedDrop = 0;      // eps * a0
    double allowedExamples = 0;  // eps * a0 * n: examples the threshold lets go
    double halfWidth = 0;        // the larger side of a0's Wilson 95 % interval
    double smallestEps = 0;      // halfWidth / a0: the smallest eps n examples resolve
    bool resolvable = false;     // allowedDrop >= halfWidth
};
EpsResolution epsResolution(double a0, int64_t n, double eps);

}  // namespace sieve

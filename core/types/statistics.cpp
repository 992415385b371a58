#include "core/types/statistics.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace sieve {

Interval wilsonInterval(int64_t successes, int64_t n, double z) {
    if (n <= 0) return {0.0, 1.0};
    successes = std::clamp<int64_t>(successes, 0, n);
    const double nn = double(n);
    const double p = double(successes) / nn;
    const double z2 = z * z;
    const double denominator = 1.0 + z2 / nn;
    const double centre = (p + z2 / (2.0 * nn)) / denominator;
    const double half = z / denominator * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    // The exact ends at 0 and n successes, not centre -+ half rounded off.
    return {successes == 0 ? 0.0 : std::max(0.0, centre - half),
            successes == n ? 1.0 : std::min(1.0, centre + half)};
}

Interval wilsonIntervalOf(double accuracy, int64_t n, double z) {
    return wilsonInterval(std::llround(accuracy * double(n)), n, z);
}

bool isProportionMetric(const std::string& metric) {
    return metric == "exact_match" || metric == "contains" || metric == "acc" || metric == "acc_norm";
}

double binomialTwoSidedHalf(int64_t k, int64_t n) {
    if (n <= 0) return 1.0;
    k = std::min(k, n - k);
    if (2 * k >= n) return 1.0;
    // Sum the lower tail in log space: C(n, i) / 2^n underflows past n ~ 1000.
    const double logHalfPowN = -double(n) * std::log(2.0);
    double tail = 0;
    for (int64_t i = 0; i <= k; ++i)
        tail += std::exp(std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) -
                         std::lgamma(double(n - i) + 1) + logHalfPowN);
    return std::min(1.0, 2.0 * tail);
}

PairedTest mcnemarExact(const std::vector<uint8_t>& first, const std::vector<uint8_t>& second) {
    if (first.size() != second.size())
        throw InputError("paired test: " + std::to_string(first.size()) + " and " +
                         std::to_string(second.size()) + " examples are not the same examples");
    PairedTest t;
    t.examples = int64_t(first.size());
    for (size_t i = 0; i < first.size(); ++i) {
        const bool a = first[i] != 0, b = second[i] != 0;
        if (a && b)
            ++t.bothCorrect;
        else if (a)
            ++t.onlyFirst;
        else if (b)
            ++t.onlySecond;
        else
            ++t.bothWrong;
    }
    t.pValue = binomialTwoSidedHalf(std::min(t.onlyFirst, t.onlySecond), t.onlyFirst + t.onlySecond);
    return t;
}

EpsResolution epsResolution(double a0, int64_t n, double eps) {
    EpsResolution r;
    r.allowedDrop = eps * a0;
    r.allowedExamples = eps * a0 * double(n);
    const Interval ci = wilsonIntervalOf(a0, n);
    r.halfWidth = std::max(a0 - ci.low, ci.high - a0);
    r.smallestEps = a0 > 0 ? r.halfWidth / a0 : 1.0;
    r.resolvable = n > 0 && r.allowedDrop >= r.halfWidth;
    return r;
}

}  // namespace sieve

// Wilson intervals, the exact McNemar test and the eps resolution against
// reference values computed independently (scripts/make_statistics_fixture.py:
// exact rational binomial sums, 50-digit decimals) and against the Wilson
// intervals Newcombe (1998) publishes.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/types/statistics.h"

using namespace sieve;

class TestStatistics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wilsonMatchesTheReference();
    void wilsonMatchesNewcombe1998();
    void wilsonOfAnAccuracyUsesItsCount();
    void mcnemarMatchesTheReference();
    void mcnemarCountsThePairs();
    void mcnemarRefusesDifferentExamples();
    void epsResolutionSaysWhatTheExamplesResolve();
    void proportionMetrics();

private:
    static nlohmann::json reference() {
        std::ifstream in(SIEVE_FIXTURES_DIR "/statistics/reference.json");
        return nlohmann::json::parse(in);
    }
};

void TestStatistics::wilsonMatchesTheReference() {
    const auto ref = reference();
    QCOMPARE(ref["z"].get<double>(), kZ95);
    int checked = 0;
    for (const auto& c : ref["wilson"]) {
        const Interval i = wilsonInterval(c["successes"].get<int64_t>(), c["n"].get<int64_t>());
        QVERIFY2(std::abs(i.low - c["low"].get<double>()) < 1e-12,
                 qPrintable(QString::fromStdString(c.dump())));
        QVERIFY2(std::abs(i.high - c["high"].get<double>()) < 1e-12,
                 qPrintable(QString::fromStdString(c.dump())));
        ++checked;
    }
    QVERIFY(checked >= 10);
}

void TestStatistics::wilsonMatchesNewcombe1998() {
    for (const auto& c : reference()["newcombe_1998"]) {
        const Interval i = wilsonInterval(c["successes"].get<int64_t>(), c["n"].get<int64_t>());
        // The paper prints four decimals.
        QVERIFY(std::abs(i.low - c["low"].get<double>()) < 5.1e-5);
        QVERIFY(std::abs(i.high - c["high"].get<double>()) < 5.1e-5);
    }
}

void TestStatistics::wilsonOfAnAccuracyUsesItsCount() {
    // 0.515 on 200 examples is 103 of 200, whatever rounding the double carries.
    const Interval a = wilsonIntervalOf(103.0 / 200.0, 200);
    const Interval b = wilsonInterval(103, 200);
    QCOMPARE(a.low, b.low);
    QCOMPARE(a.high, b.high);
    QVERIFY(a.low < 0.515 && 0.515 < a.high);
    const Interval none = wilsonInterval(0, 0);
    QCOMPARE(none.low, 0.0);
    QCOMPARE(none.high, 1.0);
}

void TestStatistics::mcnemarMatchesTheReference() {
    for (const auto& c : reference()["mcnemar_exact"]) {
        const int64_t b = c["only_first"].get<int64_t>(), d = c["only_second"].get<int64_t>();
        const double expected = c["p"].get<double>();
        const double p = binomialTwoSidedHalf(std::min(b, d), b + d);
        QVERIFY2(std::abs(p - expected) <= 1e-9 * expected,
                 qPrintable(QString("b %1 c %2: %3 vs %4").arg(b).arg(d).arg(p).arg(expected)));
    }
}

void TestStatistics::mcnemarCountsThePairs() {
    // dense:  1 1 1 1 0 0 1 0
    // pruned: 1 0 0 1 1 0 0 0
    const PairedTest t = mcnemarExact({1, 1, 1, 1, 0, 0, 1, 0}, {1, 0, 0, 1, 1, 0, 0, 0});
    QCOMPARE(t.examples, int64_t(8));
    QCOMPARE(t.bothCorrect, int64_t(2));
    QCOMPARE(t.onlyFirst, int64_t(3));
    QCOMPARE(t.onlySecond, int64_t(1));
    QCOMPARE(t.bothWrong, int64_t(2));
    // 4 discordant pairs, 1 one way: 2 * (1 + 4) / 16.
    QCOMPARE(t.pValue, 10.0 / 16.0);
    QCOMPARE(mcnemarExact({1, 0}, {1, 0}).pValue, 1.0);
}

void TestStatistics::mcnemarRefusesDifferentExamples() {
    QVERIFY_THROWS_EXCEPTION(InputError, mcnemarExact({1, 0, 1}, {1, 0}));
}

void TestStatistics::epsResolutionSaysWhatTheExamplesResolve() {
    // a0 = 0.5 on 200 examples: the Wilson half-width is about 0.069, so eps
    // 5 % (a drop of 0.025, 5 examples) is not resolved; eps 20 % (0.1) is.
    const EpsResolution five = epsResolution(0.5, 200, 0.05);
    QVERIFY(std::abs(five.allowedDrop - 0.025) < 1e-15);
    QVERIFY(std::abs(five.allowedExamples - 5.0) < 1e-12);
    const Interval ci = wilsonInterval(100, 200);
    QCOMPARE(five.halfWidth, std::max(0.5 - ci.low, ci.high - 0.5));
    QVERIFY(five.halfWidth > 0.068 && five.halfWidth < 0.070);
    QVERIFY(!five.resolvable);
    QVERIFY(std::abs(five.smallestEps - five.halfWidth / 0.5) < 1e-15);
    QVERIFY(epsResolution(0.5, 200, 0.2).resolvable);
    // More examples resolve less: 20000 examples give a half-width under 0.007.
    QVERIFY(epsResolution(0.5, 20000, 0.05).resolvable);
    QVERIFY(!epsResolution(0.5, 0, 0.5).resolvable);
}

void TestStatistics::proportionMetrics() {
    for (const char* m : {"exact_match", "contains", "acc", "acc_norm"}) QVERIFY(isProportionMetric(m));
    for (const char* m : {"token_f1", "perplexity", "next_token_accuracy", ""})
        QVERIFY(!isProportionMetric(m));
}

QTEST_GUILESS_MAIN(TestStatistics)
#include "test_statistics.moc"

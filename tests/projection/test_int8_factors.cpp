// 8-bit factors (core/projection/int8_factors.h): the codes and scales equal
// numpy's (scripts/fixtures/int8.py, committed in tests/fixtures/int8), every
// entry is within half a step of its value, a rank slice of the quantized
// factors is the quantized slice at every level, masks are refused, and a
// ProjectionSet applies 8-bit slices to live PrunableLinears and back.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/linear.h"
#include "core/projection/factorization.h"
#include "core/projection/int8_factors.h"
#include "core/projection/projection_method.h"
#include "core/projection/projection_set.h"
#include "core/types/matrix_info.h"
#include "tensor_compare.h"

using namespace sieve;

namespace {

const std::vector<double> kLevels = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

// The bound every entry meets: half a step, plus the float32 rounding of x / s
// (at most 127 * 2^-24 of a step; scripts/fixtures/int8.py checks the same).
constexpr double kHalfStep = 0.5 + 128.0 / 16777216.0;

// Largest |q s - x| / s over a matrix (0 where s == 0, which needs x == 0 there).
double worstStepFraction(const torch::Tensor& x, const Int8Rows& q) {
    const torch::Tensor s = q.scales.to(torch::kFloat64).unsqueeze(1);
    const torch::Tensor err =
        (q.values.to(torch::kFloat64) * s - x.to(torch::kFloat32).to(torch::kFloat64)).abs();
    const torch::Tensor zeroRows = (s == 0).expand_as(err);
    if (zeroRows.any().item<bool>() && err.masked_select(zeroRows).max().item<double>() > 0)
        return INFINITY;  // a zero scale for a row that is not all zero
    return (err / torch::where(s > 0, s, torch::ones_like(s))).max().item<double>();
}

// A sieve factorization of a random W with a correlated Gram.
Factorization sieveFactors(int64_t D, int64_t H, torch::ScalarType dtype, uint64_t seed) {
    torch::manual_seed(seed);
    const torch::Tensor W = torch::randn({D, H}).to(dtype);
    const torch::Tensor X =
        torch::randn({H, 3 * H}, torch::kDouble) * torch::linspace(2.0, 0.1, H, torch::kDouble).unsqueeze(1);
    FactorOptions o;
    o.levels = kLevels;
    return makeProjection("sieve")->factor(W, X.matmul(X.t()), o);
}

}  // namespace

class TestInt8Factors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    // Codes and scales bit for bit as numpy computes them (round half to
    // even, absmax / 127 in float32, zero rows).
    void matchesNumpyReference() {
        std::ifstream in(SIEVE_FIXTURES_DIR "/int8/reference.json");
        QVERIFY2(in,
                 "tests/fixtures/int8/reference.json is missing (scripts/make_reference_fixtures.py int8)");
        const nlohmann::json ref = nlohmann::json::parse(in);
        int cases = 0;
        for (const auto& c : ref["cases"]) {
            const std::string name = c["name"];
            const int64_t rows = c["rows"], cols = c["cols"];
            std::vector<float> x;
            for (double v : c["x"].get<std::vector<double>>()) x.push_back(float(v));
            const torch::Tensor X = torch::from_blob(x.data(), {rows, cols}, torch::kFloat32).clone();
            const Int8Rows q = quantizeRows(X);
            QCOMPARE(q.values.scalar_type(), torch::kInt8);
            QCOMPARE(q.scales.scalar_type(), torch::kFloat32);
            const std::vector<int64_t> codes = c["q"].get<std::vector<int64_t>>();
            const torch::Tensor got = q.values.to(torch::kInt64).reshape({-1});
            for (size_t i = 0; i < codes.size(); ++i)
                QVERIFY2(got[int64_t(i)].item<int64_t>() == codes[i],
                         qPrintable(QString("%1: code %2 is %3, numpy %4")
                                        .arg(QString::fromStdString(name))
                                        .arg(i)
                                        .arg(got[int64_t(i)].item<int64_t>())
                                        .arg(codes[i])));
            const std::vector<double> scales = c["scale"].get<std::vector<double>>();
            for (int64_t r = 0; r < rows; ++r)
                QVERIFY2(q.scales[r].item<float>() == float(scales[size_t(r)]),
                         qPrintable(QString("%1: scale of row %2").arg(QString::fromStdString(name)).arg(r)));
            ++cases;
        }
        QVERIFY(cases >= 7);
    }

    // |q s - x| <= s / 2 for every entry, whatever the dtype and magnitude;
    // codes within [-127, 127]; each row's largest entry maps to +-127.
    void errorIsAtMostHalfAStep_data() {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<double>("magnitude");
        QTest::newRow("float32") << int(torch::kFloat32) << 1.0;
        QTest::newRow("float32 small") << int(torch::kFloat32) << 1e-4;
        QTest::newRow("float32 large") << int(torch::kFloat32) << 1e4;
        QTest::newRow("bfloat16") << int(torch::kBFloat16) << 1.0;
        QTest::newRow("float16") << int(torch::kFloat16) << 0.05;
        QTest::newRow("float64") << int(torch::kFloat64) << 3.0;
    }
    void errorIsAtMostHalfAStep() {
        QFETCH(int, dtype);
        QFETCH(double, magnitude);
        torch::manual_seed(7);
        torch::Tensor x = (torch::randn({33, 70}) * magnitude).to(torch::ScalarType(dtype));
        x[5] = 0;                // a zero row
        x[9][3] = x[9][3] * 50;  // an outlier
        const Int8Rows q = quantizeRows(x);
        QVERIFY(q.values.abs().max().item<int>() <= 127);
        QCOMPARE(q.scales[5].item<float>(), 0.0f);
        QVERIFY(torch::equal(q.values[5], torch::zeros({70}, torch::kInt8)));
        QCOMPARE(q.values[9][3].abs().item<int>(), 127);
        const double worst = worstStepFraction(x, q);
        QVERIFY2(worst <= kHalfStep, qPrintable(QString("worst |q s - x| = %1 steps").arg(worst)));
        // Dequantizing reproduces q s (in float32, then the dtype asked for).
        const torch::Tensor back = q.dequantized(torch::kFloat32);
        QVERIFY(torch::equal(back, q.values.to(torch::kFloat32) * q.scales.unsqueeze(1)));
        QCOMPARE(q.dequantized(torch::kBFloat16).scalar_type(), torch::kBFloat16);
        QCOMPARE(q.bytes(), int64_t(33 * 70 + 33 * 4));
    }

    // The point of per-row scales: quantizing once and slicing r rows equals
    // quantizing the rank-r slice, at every level of a real factorization
    // (for Bt and A alike), and int8FactorsAt is that slice dequantized.
    void sliceOfQuantizedEqualsQuantizedSlice_data() {
        QTest::addColumn<int>("D");
        QTest::addColumn<int>("H");
        QTest::addColumn<int>("dtype");
        QTest::newRow("square f32") << 24 << 24 << int(torch::kFloat32);
        QTest::newRow("tall f32 (up)") << 48 << 16 << int(torch::kFloat32);
        QTest::newRow("wide bf16 (down)") << 16 << 48 << int(torch::kBFloat16);
    }
    void sliceOfQuantizedEqualsQuantizedSlice() {
        QFETCH(int, D);
        QFETCH(int, H);
        QFETCH(int, dtype);
        const Factorization f = sieveFactors(D, H, torch::ScalarType(dtype), 11);
        const Int8Factors all = Int8Factors::of(f);
        QCOMPARE(all.Bt.rows(), f.maxRank());
        QCOMPARE(all.A.rows(), f.maxRank());
        for (double level : kLevels) {
            const int64_t r = rankForLevel(D, H, level);
            const auto [B, A] = f.factorsAt(level);
            const Int8Factors sliced = all.firstRows(r);
            const Int8Factors fresh{quantizeRows(B.t()), quantizeRows(A)};
            QVERIFY(torch::equal(sliced.Bt.values, fresh.Bt.values));
            QVERIFY(torch::equal(sliced.Bt.scales, fresh.Bt.scales));
            QVERIFY(torch::equal(sliced.A.values, fresh.A.values));
            QVERIFY(torch::equal(sliced.A.scales, fresh.A.scales));
            const auto [Bq, Aq] = int8FactorsAt(f, level, torch::kCPU, torch::ScalarType(dtype));
            const auto [Bd, Ad] = sliced.dequantized(torch::ScalarType(dtype));
            QCOMPARE(Bq.sizes().vec(), (std::vector<int64_t>{D, r}));
            QCOMPARE(Aq.sizes().vec(), (std::vector<int64_t>{r, H}));
            QVERIFY(torch::equal(Bq, Bd) && torch::equal(Aq, Ad));
            // Each factor within half a step of the float one, entry by entry.
            QVERIFY(worstStepFraction(B.t(), fresh.Bt) <= kHalfStep);
            QVERIFY(worstStepFraction(A, fresh.A) <= kHalfStep);
        }
        QCOMPARE(all.bytes(), f.maxRank() * (D + H) + 2 * f.maxRank() * 4);
    }

    // The product stays near the float one: a relative error of the order
    // of one step over the rows' largest entries (a loose sanity bound).
    void productStaysNearFloat() {
        const Factorization f = sieveFactors(40, 24, torch::kFloat32, 13);
        for (double level : kLevels) {
            const auto [B, A] = f.factorsAt(level);
            const auto [Bq, Aq] = int8FactorsAt(f, level, torch::kCPU, torch::kFloat32);
            const double rel = ((Bq.matmul(Aq) - B.matmul(A)).norm() / B.matmul(A).norm()).item<double>();
            QVERIFY2(rel < 0.02, qPrintable(QString("level %1: relative error %2").arg(level).arg(rel)));
        }
    }

    // Wanda keeps masks: nothing to quantize, said in the message; a set of
    // masks refuses applyInt8 before touching any linear.
    void masksAreRefused() {
        torch::manual_seed(17);
        MatrixInfo info{"model.layers.0.self_attn.q_proj", 0, MatrixType::Q, 16, 16, false};
        PrunableLinear linear(info, torch::randn({16, 16}));
        const torch::Tensor X = torch::randn({16, 48}, torch::kDouble);
        FactorOptions o;
        o.levels = kLevels;
        const Factorization mask = makeProjection("wanda")->factor(linear.weight(), X.matmul(X.t()), o);
        try {
            Int8Factors::of(mask);
            QFAIL("a mask was quantized");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("mask"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, int8FactorsAt(mask, 0.5, torch::kCPU, torch::kFloat32));
        ProjectionSetOptions options;
        options.factor.levels = {0.0, 0.5};
        JobContext quiet;
        const ProjectionSet set =
            ProjectionSet::build(*makeProjection("wanda"), {&linear}, {X.matmul(X.t())}, options, quiet);
        QVERIFY_THROWS_EXCEPTION(InputError, set.applyInt8({0.5}));
        QVERIFY(linear.isDense());
        set.applyInt8({0.0});  // level 0 is dense: nothing quantized, nothing refused
        QVERIFY(linear.isDense());
        QVERIFY_THROWS_EXCEPTION(InputError, quantizeRows(torch::zeros({4}, torch::kFloat32)));
        QVERIFY_THROWS_EXCEPTION(InputError, quantizeRows(torch::zeros({2, 2}, torch::kInt32)));
    }

    // A set applies 8-bit slices (copies in the linear's dtype), float
    // views again afterwards, and dense at level 0.
    void projectionSetAppliesInt8() {
        torch::manual_seed(19);
        std::vector<std::unique_ptr<PrunableLinear>> owned;
        std::vector<PrunableLinear*> linears;
        std::vector<torch::Tensor> grams;
        const std::vector<std::pair<int, int>> shapes = {{16, 16}, {40, 16}, {16, 40}};
        for (size_t i = 0; i < shapes.size(); ++i) {
            const auto [D, H] = shapes[i];
            MatrixInfo info{"m" + std::to_string(i), 0, MatrixType::Up, D, H, false};
            owned.push_back(std::make_unique<PrunableLinear>(info, torch::randn({D, H})));
            linears.push_back(owned.back().get());
            const torch::Tensor X = torch::randn({H, 3 * H}, torch::kDouble);
            grams.push_back(X.matmul(X.t()));
        }
        ProjectionSetOptions options;
        options.factor.levels = {0.0, 0.25, 0.5, 0.75};
        JobContext quiet;
        const ProjectionSet set =
            ProjectionSet::build(*makeProjection("sieve"), linears, grams, options, quiet);
        const std::vector<double> levels = {0.0, 0.5, 0.75};
        set.applyInt8(levels);
        QVERIFY(linears[0]->isDense());
        for (size_t i = 1; i < linears.size(); ++i) {
            const auto [B, A] =
                int8FactorsAt(set.factorization(int(i)), levels[i], torch::kCPU, torch::kFloat32);
            QVERIFY(torch::equal(linears[i]->factorB(), B) && torch::equal(linears[i]->factorA(), A));
            // Not the float factors, and not views of them.
            const auto [Bf, Af] = set.factorization(int(i)).factorsAt(levels[i]);
            QVERIFY(!torch::equal(linears[i]->factorA(), Af));
            QVERIFY(linears[i]->factorA().data_ptr() != Af.data_ptr());
        }
        // Back to float: the set hands out its views again (no stale "unchanged").
        set.apply(levels);
        for (size_t i = 1; i < linears.size(); ++i)
            QVERIFY(linears[i]->factorA().data_ptr() ==
                    set.factorization(int(i)).factorsAt(levels[i]).second.data_ptr());
        set.restoreDense();
        for (PrunableLinear* l : linears) QVERIFY(l->isDense());
    }

    // Every double is a level rankForLevel answers for, in [1, min(D, H)]: a
    // damaged session's inf reached an undefined conversion to int64_t (UBSan).
    void rankOfAnyLevelIsInRange() {
        const double inf = std::numeric_limits<double>::infinity();
        QCOMPARE(rankForLevel(100, 60, 0.5), int64_t(18));  // floor(0.5 * 6000 / 160)
        for (double level : {1.0, 1.5, 1e300, inf, std::nan("")})
            QCOMPARE(rankForLevel(100, 60, level), int64_t(1));
        for (double level : {0.0, -0.5, -inf}) QCOMPARE(rankForLevel(100, 60, level), int64_t(60));
        ModelSummary m;
        m.matrices = {MatrixInfo{"a", 0, MatrixType::Q, 100, 60, false}};
        QVERIFY(std::isfinite(int8SizeFraction(m, inf)));
    }

    // The memory a level takes with 8-bit factors (the report's "8-bit size").
    void int8BytesCountValuesAndScales() {
        QCOMPARE(int8BytesAtLevel(100, 60, 0.0), int64_t(100 * 60 * 2));
        const int64_t r = rankForLevel(100, 60, 0.5);
        QCOMPARE(int8BytesAtLevel(100, 60, 0.5), r * 160 + 2 * r * 4);
        ModelSummary m;
        m.matrices = {MatrixInfo{"a", 0, MatrixType::Q, 100, 60, false},
                      MatrixInfo{"b", 0, MatrixType::K, 20, 60, false}};
        QCOMPARE(int8SizeFraction(m, 0.0), 1.0);
        const double expected = double(int8BytesAtLevel(100, 60, 0.5) + int8BytesAtLevel(20, 60, 0.5)) /
                                double(2 * (100 * 60 + 20 * 60));
        QCOMPARE(int8SizeFraction(m, 0.5), expected);
        QVERIFY(int8SizeFraction(m, 0.5) < 0.3);  // half the parameters, a byte each instead of two
    }
};

QTEST_APPLESS_MAIN(TestInt8Factors)
#include "test_int8_factors.moc"

// Projection methods against independent Eigen references on small matrices
// with correlated inputs: the sieve closed form is the reduced-rank-regression
// optimum (and coincides with output PCA and SVD-LLM's whitened SVD), never
// worse than the baselines, sliceable, exactly counted, robust to singular
// and NaN Gram matrices, and applied/restored on a real PrunableLinear.
#include <QtTest/QtTest>

#include <Eigen/Dense>
#include <random>

#include "core/common/error.h"
#include "core/model/linear.h"
#include "core/projection/factorization.h"
#include "core/projection/output_error.h"
#include "core/projection/projection_method.h"
#include "core/projection/projection_set.h"

using namespace sieve;
using Mat = Eigen::MatrixXd;
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

const std::vector<double> kLevels = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

torch::Tensor toTorch(const Mat& m) {
    RowMat r = m;
    return torch::from_blob(r.data(), {r.rows(), r.cols()}, torch::kDouble).clone();
}

Mat toEigen(const torch::Tensor& t) {
    torch::Tensor c = t.detach().to(torch::kCPU).to(torch::kDouble).contiguous();
    return Eigen::Map<const RowMat>(c.data_ptr<double>(), c.size(0), c.size(1));
}

// A problem: W [D, H] and inputs X [H, N] whose features are correlated
// (X = L Z with L mixing and scaling), optionally of rank < H or with dead
// input channels. Generated with std::mt19937 so the reference is torch-free.
struct Problem {
    Mat W, X;
    Mat gram() const { return X * X.transpose(); }
};

Problem makeProblem(int D, int H, int N, int inputRank, int deadChannels, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    auto randn = [&](int r, int c) {
        Mat m(r, c);
        for (int i = 0; i < r; ++i)
            for (int j = 0; j < c; ++j) m(i, j) = normal(rng);
        return m;
    };
    Problem p;
    p.W = randn(D, H);
    Mat L = randn(H, inputRank);
    for (int j = 0; j < inputRank; ++j) L.col(j) *= std::pow(0.8, j);  // decaying spectrum
    p.X = L * randn(inputRank, N);
    for (int d = 0; d < deadChannels; ++d) p.X.row(H - 1 - d).setZero();
    return p;
}

// ||(W - Wp) X||_F^2 / ||W X||_F^2 computed from X itself (not from a Gram).
double outputError(const Problem& p, const Mat& Wp) {
    return ((p.W - Wp) * p.X).squaredNorm() / (p.W * p.X).squaredNorm();
}

// Reduced-rank regression optimum of rank r: W_r = U_r U_r^T W with U the
// left singular vectors of Y = W X (Eckart-Young on the outputs).
Mat rrrOptimum(const Problem& p, int r) {
    Eigen::JacobiSVD<Mat> svd(p.W * p.X, Eigen::ComputeThinU);
    const Mat U = svd.matrixU().leftCols(r);
    return U * U.transpose() * p.W;
}

Mat levelWeight(const Factorization& f, double level, const torch::Tensor& W) {
    return toEigen(f.weightAt(level, W));
}

int64_t expectedRank(int64_t D, int64_t H, double p) {
    // r = floor((1 - p) D H / (D + H)), written out independently of rankForLevel.
    const int64_t r = int64_t(std::floor((1.0 - p) * double(D * H) / double(D + H) + 1e-9));
    return std::max<int64_t>(1, r);
}

FactorOptions optionsFor(std::vector<double> levels) {
    FactorOptions o;
    o.levels = std::move(levels);
    return o;
}

}  // namespace

class TestProjection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void sieveIsReducedRankRegressionOptimum_data();
    void sieveIsReducedRankRegressionOptimum();
    void outputPcaAndWhitenedSvdCoincideWithSieve();
    void sieveNeverWorseThanBaselines_data();
    void sieveNeverWorseThanBaselines();
    void slicesEqualFreshRankComputations();
    void baselinesMatchEigenReferences();
    void parameterCountsAreExact();
    void wandaKeepsTopScoresPerRow();
    void choleskyFallbackOnSingularGram();
    void badGramsAreInputErrors();
    void unknownMethodIsInputError();
    void outputErrorFromGramMatchesData();
    void float32WeightsStayNearOptimum();
    void applyAndRestoreOnPrunableLinear();
    void projectionSetAppliesLevelsAndCounts();
};

void TestProjection::sieveIsReducedRankRegressionOptimum_data() {
    QTest::addColumn<int>("inputRank");
    QTest::addColumn<int>("dead");
    QTest::newRow("full-rank correlated X") << 16 << 0;
    QTest::newRow("rank-deficient X (rank 10)") << 10 << 0;
    QTest::newRow("dead input channels") << 16 << 3;
}

void TestProjection::sieveIsReducedRankRegressionOptimum() {
    QFETCH(int, inputRank);
    QFETCH(int, dead);
    const Problem p = makeProblem(24, 16, 200, inputRank, dead, 7);
    const torch::Tensor W = toTorch(p.W);
    const Factorization f = makeProjection("sieve")->factor(W, toTorch(p.gram()), optionsFor(kLevels));
    for (double level : kLevels) {
        const int r = int(expectedRank(24, 16, level));
        const double ours = outputError(p, levelWeight(f, level, W));
        const double optimum = outputError(p, rrrOptimum(p, r));
        QVERIFY2(std::abs(ours - optimum) <= 1e-9 * std::max(optimum, 1e-12) + 1e-12,
                 qPrintable(QString("level %1 rank %2: sieve %3 vs RRR optimum %4")
                                .arg(level)
                                .arg(r)
                                .arg(ours, 0, 'g', 15)
                                .arg(optimum, 0, 'g', 15)));
    }
}

void TestProjection::outputPcaAndWhitenedSvdCoincideWithSieve() {
    // Full-rank X so that S = chol(C) is invertible (SVD-LLM needs S^-1).
    const Problem p = makeProblem(24, 16, 200, 16, 0, 11);
    const torch::Tensor W = toTorch(p.W);
    const Factorization f = makeProjection("sieve")->factor(W, toTorch(p.gram()), optionsFor(kLevels));
    const Mat C = p.gram();
    // PCA of the outputs: top eigenvectors of Y Y^T = W C W^T.
    Eigen::SelfAdjointEigenSolver<Mat> outputPca(p.W * C * p.W.transpose());
    // SVD-LLM: S = chol(C), W S = U s V^T, W_r = U_r s_r V_r^T S^-1.
    const Mat S = C.llt().matrixL();
    Eigen::JacobiSVD<Mat> whitened(p.W * S, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Mat Sinv = S.inverse();
    for (double level : kLevels) {
        const int r = int(expectedRank(24, 16, level));
        const Mat P = outputPca.eigenvectors().rightCols(r);  // ascending order: top r are the last
        const Mat pcaMap = P * P.transpose() * p.W;
        const Mat svdLlmMap = whitened.matrixU().leftCols(r) *
                              whitened.singularValues().head(r).asDiagonal() *
                              whitened.matrixV().leftCols(r).transpose() * Sinv;
        const Mat sieveMap = levelWeight(f, level, W);
        const double scale = p.W.norm();
        QVERIFY2(
            (pcaMap - sieveMap).norm() <= 1e-8 * scale,
            qPrintable(
                QString("level %1: output PCA differs by %2").arg(level).arg((pcaMap - sieveMap).norm())));
        QVERIFY2((svdLlmMap - sieveMap).norm() <= 1e-8 * scale,
                 qPrintable(QString("level %1: whitened SVD differs by %2")
                                .arg(level)
                                .arg((svdLlmMap - sieveMap).norm())));
    }
}

void TestProjection::sieveNeverWorseThanBaselines_data() {
    QTest::addColumn<int>("inputRank");
    QTest::addColumn<int>("dead");
    QTest::addColumn<unsigned>("seed");
    QTest::newRow("full-rank, seed 1") << 16 << 0 << 1u;
    QTest::newRow("full-rank, seed 2") << 16 << 0 << 2u;
    QTest::newRow("rank-deficient") << 10 << 0 << 3u;
    QTest::newRow("dead channels") << 16 << 4 << 4u;
}

void TestProjection::sieveNeverWorseThanBaselines() {
    QFETCH(int, inputRank);
    QFETCH(int, dead);
    QFETCH(unsigned, seed);
    const Problem p = makeProblem(24, 16, 200, inputRank, dead, seed);
    const torch::Tensor W = toTorch(p.W);
    const torch::Tensor C = toTorch(p.gram());
    const Factorization sieveF = makeProjection("sieve")->factor(W, C, optionsFor(kLevels));
    for (const char* other : {"weight-svd", "input-pca"}) {
        const Factorization f = makeProjection(other)->factor(W, C, optionsFor(kLevels));
        double largestGap = 0;
        for (double level : kLevels) {
            const double s = outputError(p, levelWeight(sieveF, level, W));
            const double o = outputError(p, levelWeight(f, level, W));
            largestGap = std::max(largestGap, (o - s) / std::max(s, 1e-12));
            QVERIFY2(s <= o * (1 + 1e-9) + 1e-12, qPrintable(QString("level %1: sieve %2 > %3 %4")
                                                                 .arg(level)
                                                                 .arg(s, 0, 'g', 15)
                                                                 .arg(other)
                                                                 .arg(o, 0, 'g', 15)));
        }
        // The comparison has teeth: on correlated inputs the data-blind and
        // input-only baselines are clearly worse somewhere on the grid.
        QVERIFY2(largestGap > 1e-2,
                 qPrintable(QString("%1 never clearly worse (gap %2)").arg(other).arg(largestGap)));
    }
}

void TestProjection::slicesEqualFreshRankComputations() {
    // Built for every level at once vs built for one level only: same map.
    const Problem p = makeProblem(24, 16, 200, 16, 0, 5);
    const torch::Tensor W = toTorch(p.W);
    const torch::Tensor C = toTorch(p.gram());
    for (const char* name : {"sieve", "weight-svd", "input-pca", "wanda"}) {
        const auto method = makeProjection(name);
        const Factorization all = method->factor(W, C, optionsFor(kLevels));
        for (double level : kLevels) {
            const Factorization fresh = method->factor(W, C, optionsFor({level}));
            QCOMPARE(fresh.supports(level), true);
            const Mat a = levelWeight(all, level, W), b = levelWeight(fresh, level, W);
            QVERIFY2((a - b).norm() <= 1e-10 * p.W.norm(),
                     qPrintable(QString("%1 level %2").arg(name).arg(level)));
            if (all.kind() == Factorization::Kind::LowRank) {
                QCOMPARE(all.factorsAt(level).first.size(1), expectedRank(24, 16, level));
                // The fresh one keeps only what its single level needs.
                QCOMPARE(fresh.maxRank(), expectedRank(24, 16, level));
            }
        }
    }
}

void TestProjection::baselinesMatchEigenReferences() {
    const Problem p = makeProblem(24, 16, 200, 16, 0, 9);
    const torch::Tensor W = toTorch(p.W);
    const Mat C = p.gram();
    const Factorization svdF = makeProjection("weight-svd")->factor(W, {}, optionsFor(kLevels));
    const Factorization pcaF = makeProjection("input-pca")->factor(W, toTorch(C), optionsFor(kLevels));
    Eigen::JacobiSVD<Mat> svd(p.W, Eigen::ComputeThinU | Eigen::ComputeThinV);
    Eigen::SelfAdjointEigenSolver<Mat> eig(C);
    for (double level : kLevels) {
        const int r = int(expectedRank(24, 16, level));
        const Mat svdRef = svd.matrixU().leftCols(r) * svd.singularValues().head(r).asDiagonal() *
                           svd.matrixV().leftCols(r).transpose();
        const Mat Q = eig.eigenvectors().rightCols(r);
        const Mat pcaRef = p.W * Q * Q.transpose();
        QVERIFY((levelWeight(svdF, level, W) - svdRef).norm() <= 1e-9 * p.W.norm());
        QVERIFY((levelWeight(pcaF, level, W) - pcaRef).norm() <= 1e-9 * p.W.norm());
        // input-pca's A has orthonormal rows (SliceGPT-style rotation).
        const Mat A = toEigen(pcaF.factorsAt(level).second);
        QVERIFY((A * A.transpose() - Mat::Identity(r, r)).norm() <= 1e-10);
    }
}

void TestProjection::parameterCountsAreExact() {
    for (auto [D, H] : {std::pair<int, int>{24, 16}, {16, 24}, {7, 33}, {64, 64}}) {
        const Problem p = makeProblem(D, H, 3 * H, H, 0, 13);
        const torch::Tensor W = toTorch(p.W);
        for (const auto& method : projectionMethods()) {
            const Factorization f = method->factor(W, toTorch(p.gram()), optionsFor(kLevels));
            QCOMPARE(f.paramsAt(0.0), int64_t(D) * H);
            for (double level : kLevels) {
                const int64_t r = expectedRank(D, H, level);
                QCOMPARE(f.paramsAt(level), r * (D + H));
                if (f.kind() == Factorization::Kind::Mask) {
                    const Mat Wp = levelWeight(f, level, W);
                    QCOMPARE(int64_t((Wp.array() != 0.0).count()), r * (D + H));
                } else {
                    const auto BA = f.factorsAt(level);
                    QCOMPARE(BA.first.size(0), int64_t(D));
                    QCOMPARE(BA.first.size(1), r);
                    QCOMPARE(BA.second.size(0), r);
                    QCOMPARE(BA.second.size(1), int64_t(H));
                }
            }
        }
    }
}

void TestProjection::wandaKeepsTopScoresPerRow() {
    const Problem p = makeProblem(24, 16, 200, 16, 2, 17);
    const torch::Tensor W = toTorch(p.W);
    const Mat C = p.gram();
    const Factorization f = makeProjection("wanda")->factor(W, toTorch(C), optionsFor(kLevels));
    QCOMPARE(f.kind(), Factorization::Kind::Mask);
    const Eigen::ArrayXd inputNorm = C.diagonal().array().sqrt();
    for (double level : kLevels) {
        const Mat Wp = levelWeight(f, level, W);
        Eigen::VectorXi kept(24);
        for (int i = 0; i < 24; ++i) {
            double minKept = INFINITY, maxDropped = -INFINITY;
            kept(i) = 0;
            for (int j = 0; j < 16; ++j) {
                const double score = std::abs(p.W(i, j)) * inputNorm(j);
                if (Wp(i, j) != 0.0) {
                    QCOMPARE(Wp(i, j), p.W(i, j));  // kept entries are untouched
                    minKept = std::min(minKept, score);
                    ++kept(i);
                } else {
                    maxDropped = std::max(maxDropped, score);
                }
            }
            QVERIFY2(minKept >= maxDropped, qPrintable(QString("level %1 row %2").arg(level).arg(i)));
        }
        QVERIFY(kept.maxCoeff() - kept.minCoeff() <= 1);  // the budget is spread evenly over rows
        QCOMPARE(int64_t(kept.sum()), expectedRank(24, 16, level) * (24 + 16));
    }
}

void TestProjection::choleskyFallbackOnSingularGram() {
    // Dead channels make C exactly singular; with no ridge Cholesky must fail
    // and the eigendecomposition take over, still at the optimum.
    const Problem p = makeProblem(24, 16, 200, 16, 3, 19);
    const torch::Tensor C = toTorch(p.gram());
    bool fallback = false;
    const torch::Tensor S = projection_detail::gramSquareRoot(C, 0.0, &fallback);
    QVERIFY(fallback);
    QVERIFY((toEigen(S) * toEigen(S).transpose() - p.gram()).norm() <= 1e-9 * p.gram().norm());
    // An indefinite "Gram" (rounding gone wrong) also falls back, to its PSD part.
    Mat bad = p.gram();
    bad(0, 0) = -1.0;
    projection_detail::gramSquareRoot(toTorch(bad), 1e-10, &fallback);
    QVERIFY(fallback);
    // A well-conditioned Gram takes the Cholesky path.
    double used = -1;
    projection_detail::gramSquareRoot(toTorch(makeProblem(24, 16, 200, 16, 0, 19).gram()), 1e-10, &fallback,
                                      &used);
    QVERIFY(!fallback);
    QCOMPARE(used, 1e-10);
    // Slightly indefinite (the null directions at -1e-7 of the mean diagonal, as
    // rounding leaves them): the ridge is raised 100-fold at a time, 1e-6 does.
    const double meanDiag = p.gram().trace() / 16.0;
    const Mat tilted = p.gram() - 1e-7 * meanDiag * Mat::Identity(16, 16);
    const torch::Tensor T = projection_detail::gramSquareRoot(toTorch(tilted), 1e-10, &fallback, &used);
    QVERIFY(fallback);
    QVERIFY2(std::abs(used / 1e-6 - 1) < 1e-9, qPrintable(QString::number(used)));
    const Mat expected = tilted + 1e-6 * meanDiag * Mat::Identity(16, 16);
    QVERIFY((toEigen(T) * toEigen(T).transpose() - expected).norm() <= 1e-9 * expected.norm());
    // A requested ridge above the largest raised one is used as it is.
    projection_detail::gramSquareRoot(toTorch(tilted), 1e-2, &fallback, &used);
    QVERIFY(!fallback);
    QCOMPARE(used, 1e-2);

    FactorOptions o = optionsFor(kLevels);
    o.relativeRidge = 0.0;
    const torch::Tensor W = toTorch(p.W);
    const Factorization f = makeProjection("sieve")->factor(W, C, o);
    QVERIFY(f.gramWasSingular());       // the run reports it
    QCOMPARE(f.whiteningRidge(), 0.0);  // no ridge asked for: the eigen-decomposition
    for (double level : kLevels) {
        const double ours = outputError(p, levelWeight(f, level, W));
        const double optimum = outputError(p, rrrOptimum(p, int(expectedRank(24, 16, level))));
        QVERIFY(std::abs(ours - optimum) <= 1e-9 * optimum + 1e-12);
    }
    const Problem full = makeProblem(24, 16, 200, 16, 0, 19);
    QVERIFY(!makeProjection("sieve")->factor(toTorch(full.W), toTorch(full.gram()), o).gramWasSingular());
}

void TestProjection::badGramsAreInputErrors() {
    const Problem p = makeProblem(24, 16, 200, 16, 0, 23);
    const torch::Tensor W = toTorch(p.W);
    torch::Tensor nanGram = toTorch(p.gram());
    nanGram[3][5] = std::nan("");
    torch::Tensor infGram = toTorch(p.gram());
    infGram[0][0] = INFINITY;
    FactorOptions o = optionsFor(kLevels);
    o.matrixName = "model.layers.0.self_attn.q_proj";
    for (const char* name : {"sieve", "input-pca", "wanda"}) {
        const auto m = makeProjection(name);
        QVERIFY(m->needsCalibration());
        for (const torch::Tensor& bad : {nanGram, infGram, torch::Tensor(), toTorch(Mat::Identity(15, 15))}) {
            try {
                m->factor(W, bad, o);
                QFAIL(qPrintable(QString("%1 accepted a bad Gram").arg(name)));
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find("q_proj") != std::string::npos, e.what());
            }
        }
    }
    QVERIFY(!makeProjection("weight-svd")->needsCalibration());
    torch::Tensor nanW = W.clone();
    nanW[1][1] = std::nan("");
    QVERIFY_THROWS_EXCEPTION(InputError, makeProjection("weight-svd")->factor(nanW, {}, o));
}

void TestProjection::unknownMethodIsInputError() {
    try {
        makeProjection("slicegpt");
        QFAIL("unknown method accepted");
    } catch (const InputError& e) {
        const std::string what = e.what();
        QVERIFY(what.find("slicegpt") != std::string::npos);
        QVERIFY(what.find("sieve") != std::string::npos);  // lists the known ones
    }
    // Every registry method has a factorization; variants share their base's.
    const auto names = methodNames();
    QCOMPARE(names.front(), std::string("sieve"));
    for (const MethodInfo& m : methodRegistry()) QCOMPARE(makeProjection(m.name)->name(), m.factorization);
    QCOMPARE(makeProjection("sieve-sequential")->name(), std::string("sieve"));
}

void TestProjection::outputErrorFromGramMatchesData() {
    const Problem p = makeProblem(24, 16, 200, 12, 0, 29);
    const torch::Tensor W = toTorch(p.W);
    const torch::Tensor C = toTorch(p.gram());
    const Factorization f = makeProjection("weight-svd")->factor(W, {}, optionsFor(kLevels));
    const std::vector<double> curve = outputErrorCurve(f, W, C, kLevels);
    for (size_t i = 0; i < kLevels.size(); ++i) {
        const double fromData = outputError(p, levelWeight(f, kLevels[i], W));
        QVERIFY(std::abs(curve[i] - fromData) <= 1e-10 * fromData);
        if (i > 0) QVERIFY(curve[i] >= curve[i - 1]);  // nested subspaces: error grows with the level
    }
    QCOMPARE(relativeOutputError(W, W, C), 0.0);
    QVERIFY_THROWS_EXCEPTION(InputError, relativeOutputError(W, W.t(), C));
}

void TestProjection::float32WeightsStayNearOptimum() {
    const Problem p = makeProblem(24, 16, 200, 16, 0, 37);
    const torch::Tensor W = toTorch(p.W).to(torch::kFloat);
    const Factorization f = makeProjection("sieve")->factor(W, toTorch(p.gram()), optionsFor(kLevels));
    QCOMPARE(f.B().scalar_type(), torch::kFloat);
    Problem p32 = p;
    p32.W = toEigen(W);
    for (double level : kLevels) {
        const double ours = outputError(p32, levelWeight(f, level, W));
        const double optimum = outputError(p32, rrrOptimum(p32, int(expectedRank(24, 16, level))));
        QVERIFY2(ours <= optimum * (1 + 1e-5) + 1e-7, qPrintable(QString("%1 vs %2").arg(ours).arg(optimum)));
    }
}

void TestProjection::applyAndRestoreOnPrunableLinear() {
    torch::manual_seed(3);
    MatrixInfo info{"model.layers.0.mlp.up_proj", 0, MatrixType::Up, 24, 16, true};
    PrunableLinear linear(info, torch::randn({24, 16}), torch::randn({24}));
    const torch::Tensor x = torch::randn({5, 7, 16});
    const torch::Tensor denseBefore = linear.forward(x);
    const torch::Tensor C = torch::randn({16, 64}).matmul(torch::randn({64, 16})).to(torch::kDouble);
    const torch::Tensor gram = C.matmul(C.t());
    for (const auto& method : projectionMethods()) {
        const Factorization f = method->factor(linear.weight(), gram, optionsFor(kLevels));
        for (double level : {0.3, 0.7}) {
            f.applyTo(linear, level);
            const torch::Tensor y = linear.forward(x);
            torch::Tensor expected;
            if (f.kind() == Factorization::Kind::Mask) {
                QVERIFY(!linear.isDense() && !linear.isFactorized());
                expected = x.matmul(f.weightAt(level, linear.weight()).t()) + linear.bias();
            } else {
                QVERIFY(linear.isFactorized());
                QCOMPARE(linear.rank(), expectedRank(24, 16, level));
                QCOMPARE(linear.currentParams(), f.paramsAt(level));
                const auto BA = f.factorsAt(level);
                expected = x.matmul(BA.second.t()).matmul(BA.first.t()) + linear.bias();  // B (A x) + b
            }
            QVERIFY2(torch::allclose(y, expected, 1e-5, 1e-5),
                     qPrintable(QString::fromStdString(method->name())));
        }
        f.applyTo(linear, 0.0);
        QVERIFY(linear.isDense());
        QVERIFY(torch::equal(linear.forward(x), denseBefore));  // bit-exact
    }
}

void TestProjection::projectionSetAppliesLevelsAndCounts() {
    torch::manual_seed(5);
    std::vector<std::unique_ptr<PrunableLinear>> owned;
    std::vector<PrunableLinear*> linears;
    std::vector<torch::Tensor> grams;
    const std::vector<std::pair<int, int>> shapes = {{16, 16}, {8, 16}, {40, 16}, {16, 40}};
    const MatrixType types[] = {MatrixType::Q, MatrixType::K, MatrixType::Up, MatrixType::Down};
    for (size_t i = 0; i < shapes.size(); ++i) {
        const auto [D, H] = shapes[i];
        MatrixInfo info{"m" + std::to_string(i), 0, types[i], D, H, false};
        owned.push_back(std::make_unique<PrunableLinear>(info, torch::randn({D, H})));
        linears.push_back(owned.back().get());
        const torch::Tensor X = torch::randn({H, 3 * H}, torch::kDouble);
        grams.push_back(X.matmul(X.t()));
    }
    std::vector<std::string> phases;
    int64_t lastDone = 0;
    JobContext ctx([&](const Progress& pr) { phases.push_back(pr.phase), lastDone = pr.done; }, {});
    ProjectionSetOptions options;
    options.factor.levels = {0.0, 0.25, 0.5, 0.75};
    const ProjectionSet set = ProjectionSet::build(*makeProjection("sieve"), linears, grams, options, ctx);
    QCOMPARE(phases.front(), std::string("project:sieve"));
    QCOMPARE(lastDone, int64_t(4));
    QVERIFY(linears[0]->isDense());  // building never touches the model

    const std::vector<double> levels = {0.0, 0.25, 0.5, 0.75};
    int64_t expected = 0;
    for (size_t i = 0; i < shapes.size(); ++i) {
        const auto [D, H] = shapes[i];
        expected += levels[i] == 0.0 ? int64_t(D) * H : expectedRank(D, H, levels[i]) * (D + H);
    }
    QCOMPARE(set.paramsAt(levels), expected);
    QCOMPARE(set.denseParams(), int64_t(16 * 16 + 8 * 16 + 40 * 16 + 16 * 40));
    {
        DenseRestoreGuard guard(set);
        set.apply(levels);
        int64_t live = 0;
        for (auto* l : linears) live += l->currentParams();
        QCOMPARE(live, expected);
        QVERIFY(linears[0]->isDense());
        QVERIFY(linears[3]->isFactorized());
        // A level finer than the grid is refused before anything changes.
        QVERIFY_THROWS_EXCEPTION(InputError, set.apply({0.1, 0.1, 0.1, 0.1}));
        QVERIFY(linears[3]->isFactorized());
        QCOMPARE(linears[3]->rank(), expectedRank(16, 40, 0.75));
        QVERIFY_THROWS_EXCEPTION(InputError, set.apply({0.5, 0.5}));
    }
    for (auto* l : linears) QVERIFY(l->isDense());  // the guard restored dense

    // Cancellation between matrices: Cancelled escapes, nothing was modified.
    CancelToken token;
    int calls = 0;
    JobContext cancelling(
        [&](const Progress&) {
            if (++calls == 2) token.cancel();
        },
        {}, token);
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, ProjectionSet::build(*makeProjection("sieve"), linears, grams, options, cancelling));
    // Data methods refuse to build without Grams.
    JobContext plain;
    QVERIFY_THROWS_EXCEPTION(InputError,
                             ProjectionSet::build(*makeProjection("sieve"), linears, {}, options, plain));
    const ProjectionSet svd =
        ProjectionSet::build(*makeProjection("weight-svd"), linears, {}, options, plain);
    QCOMPARE(svd.paramsAt(levels), expected);
}

QTEST_APPLESS_MAIN(TestProjection)
#include "test_projection.moc"

// Our AVX-512 element-wise kernels (RMSNorm, SiLU x up) against the libtorch
// expressions they replace, on bfloat16 tensors: contiguous and strided (a
// fused GEMM's column block), random values over many magnitudes, and the
// special values. SiLU x up must give libtorch's bits. RMSNorm sums the
// squares in another order, so where x / rms lies on a bfloat16 rounding
// boundary the two may round apart by one unit: a handful of one-ulp
// differences are allowed, and counted.
// On a CPU without AVX-512 both sides are libtorch (the test still runs).
#include <QtTest/QtTest>

#include <limits>

#include "core/common/avx512_math.h"
#include "core/model/masked_softmax.h"
#include "core/model/rms_norm.h"
#include "core/model/silu_mul.h"

using namespace sieve;

namespace {

// Elements that differ, and the largest difference in bfloat16 units (ulps).
std::pair<int64_t, int64_t> bitDifferences(const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor ia = a.contiguous().view(torch::kShort).to(torch::kInt);
    const torch::Tensor ib = b.contiguous().view(torch::kShort).to(torch::kInt);
    const torch::Tensor diff = (ia - ib).abs();
    return {diff.ne(0).sum().item<int64_t>(), diff.max().item<int64_t>()};
}

// Random bfloat16 values over magnitudes 1e-6 .. 1e3.
torch::Tensor randomValues(std::vector<int64_t> shape, uint64_t seed) {
    torch::manual_seed(seed);
    const torch::Tensor magnitude = torch::pow(10.0, torch::rand(shape) * 9 - 6);
    return (torch::randn(shape) * magnitude).to(torch::kBFloat16);
}

}  // namespace

class TestElementwiseKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        qInfo("AVX-512 kernels %s on this CPU",
              simd::hasAvx512Kernels() ? "in use" : "not used (libtorch both sides)");
    }

    void rmsNormGivesLibtorchsBits() {
        torch::InferenceMode inference;
        for (const int64_t hidden : {576, 64, 17}) {
            torch::manual_seed(1);
            const torch::Tensor x = torch::randn({3, 50, hidden}).to(torch::kBFloat16) * 3;
            const torch::Tensor weight = (torch::rand({hidden}) * 2).to(torch::kBFloat16);
            const auto [differ, ulps] =
                bitDifferences(rmsNorm(x, weight, 1e-5), rmsNormReference(x, weight, 1e-5));
            qInfo("RMSNorm, H %lld: %lld of %lld differ from libtorch, by up to %lld ulp", (long long)hidden,
                  (long long)differ, (long long)x.numel(), (long long)ulps);
            QVERIFY2(differ <= x.numel() / 1000 && ulps <= 1,
                     qPrintable(QString("H %1: %2 of %3 differ, by up to %4 ulps")
                                    .arg(hidden)
                                    .arg(differ)
                                    .arg(x.numel())
                                    .arg(ulps)));
        }
        // A column block of a wider tensor (strided rows), and 2-D input.
        const torch::Tensor wide = torch::randn({40, 1152}).to(torch::kBFloat16);
        const torch::Tensor block = wide.narrow(1, 576, 576);
        const torch::Tensor weight = torch::ones({576}).to(torch::kBFloat16);
        QVERIFY(bitDifferences(rmsNorm(block, weight, 1e-6), rmsNormReference(block, weight, 1e-6)).second <=
                1);
        QCOMPARE(rmsNorm(block, weight, 1e-6).sizes(), block.sizes());
    }

    void rmsNormKeepsAutogradAndOtherDtypes() {
        // float32, or a weight that needs gradients: the libtorch expression.
        const torch::Tensor x = torch::randn({4, 8});
        const torch::Tensor w = torch::rand({8}).requires_grad_(true);
        const torch::Tensor y = rmsNorm(x, w, 1e-6);
        QVERIFY(y.requires_grad());
        QVERIFY(torch::equal(y.detach(), rmsNormReference(x, w, 1e-6).detach()));
        y.sum().backward();
        QVERIFY(w.grad().defined());
    }

    // Attention's probabilities: scores [B, kvHeads, groups, T, S] under a
    // causal mask with left padding (a padded query sees only itself), the
    // sizes of a packed scoring batch and of a row of one key.
    void maskedSoftmaxGivesLibtorchsBits() {
        torch::InferenceMode inference;
        for (const int64_t T : {37, 1}) {
            const int64_t B = 3, kv = 3, groups = 3;
            torch::manual_seed(5);
            const torch::Tensor scores = (torch::randn({B, kv, groups, T, T}) * 4).to(torch::kBFloat16);
            const torch::Tensor position = torch::arange(T);
            torch::Tensor allowed =
                (position.view({1, T}) <= position.view({T, 1})).view({1, 1, T, T}).repeat({B, 1, 1, 1});
            allowed.index_put_({1, 0, torch::indexing::Slice(), torch::indexing::Slice(0, T / 3)}, false);
            allowed = allowed.logical_or(torch::eye(T, torch::kBool).view({1, 1, T, T}));
            const torch::Tensor ours = maskedSoftmax(scores, allowed, torch::kBFloat16);
            const torch::Tensor reference = maskedSoftmaxReference(scores, allowed, torch::kBFloat16);
            QCOMPARE(ours.sizes(), reference.sizes());
            const auto [differ, ulps] = bitDifferences(ours, reference);
            qInfo("masked softmax, T %lld: %lld of %lld differ from libtorch, by up to %lld ulp",
                  (long long)T, (long long)differ, (long long)ours.numel(), (long long)ulps);
            QVERIFY2(
                differ <= ours.numel() / 1000 && ulps <= 1,
                qPrintable(
                    QString("%1 of %2 differ, by up to %3 ulps").arg(differ).arg(ours.numel()).arg(ulps)));
            // Masked keys get exactly zero.
            QCOMPARE(ours.masked_select(allowed.logical_not().unsqueeze(2).expand_as(ours))
                         .abs()
                         .sum()
                         .item<float>(),
                     0.0f);
        }
    }

    void siluMulGivesLibtorchsBits() {
        torch::InferenceMode inference;
        // gate and up as the fused gate/up GEMM leaves them: column blocks of one [.., 2I] tensor.
        const torch::Tensor fused = randomValues({2, 37, 2 * 1536}, 3);
        torch::Tensor gateView = fused.clone().narrow(-1, 0, 1536);
        const torch::Tensor up = fused.narrow(-1, 1536, 1536);
        torch::Tensor expected = fused.narrow(-1, 0, 1536).clone();
        torch::silu_(expected).mul_(up);
        siluMulInPlace(gateView, up);
        const auto [differ, ulps] = bitDifferences(gateView, expected);
        qInfo("SiLU x up: %lld of %lld differ from libtorch, by up to %lld ulp", (long long)differ,
              (long long)gateView.numel(), (long long)ulps);
        QVERIFY2(
            differ == 0,
            qPrintable(
                QString("%1 of %2 differ, by up to %3 ulps").arg(differ).arg(gateView.numel()).arg(ulps)));

        // Special values: zeros, infinities, NaN, the overflow edges of e^-g.
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> special = {inf,    -inf,    std::numeric_limits<float>::quiet_NaN(),
                                            0.0f,   -0.0f,   1.0f,
                                            -1.0f,  88.0f,   -88.0f,
                                            89.0f,  -89.0f,  100.f,
                                            -100.f, 1e30f,   -1e30f,
                                            1e-30f, -1e-30f, 3.0f,
                                            -3.0f};
        torch::Tensor g = torch::tensor(special).to(torch::kBFloat16);
        const torch::Tensor u = torch::full({int64_t(special.size())}, 1.5f).to(torch::kBFloat16);
        torch::Tensor reference = g.clone();
        torch::silu_(reference).mul_(u);
        siluMulInPlace(g, u);
        QVERIFY2(torch::allclose(g.to(torch::kFloat32), reference.to(torch::kFloat32), 1e-2, 0,
                                 /*equal_nan=*/true),
                 qPrintable(QString("special values differ")));
    }
};

QTEST_GUILESS_MAIN(TestElementwiseKernels)
#include "test_elementwise_kernels.moc"

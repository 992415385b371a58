// The memory planner (core/plan) against facts it must agree with: the
// published parameter counts of the paper's models (read from the config
// files in resources/configs, no weights), the verdicts the issue asks for
// (Llama-3.1-8B with three methods on one 141 GB GPU with room to spare,
// 70B on four, or its calibration on one with host offload), refusals that
// name the phase, the memory and what to change, and the peak resident set
// measured while the engine's layer-streamed pass runs on three scaled
// random models (within 15 %).

#include <QtTest/QtTest>

#include "core/common/compute_threads.h"
#include "core/common/device_memory.h"
#include "core/common/error.h"
#include "core/common/heap_reuse.h"
#include "core/engine/engine.h"
#include "core/engine/streamed_projection.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"
#include "core/model/model_shape.h"
#include "core/plan/memory_planner.h"
#include "core/types/matrix_info.h"

using namespace sieve;

namespace {

const std::string kConfigs = SIEVE_SOURCE_DIR "/resources/configs/";
constexpr double kGiB = 1024.0 * 1024 * 1024;

PlanRequest paperRequest(const std::string& model, int gpus) {
    PlanRequest r;
    r.shape = modelShapeOf(readCheckpointConfig(kConfigs + model), model);
    r.dtype = DType::BFloat16;
    r.methods = {"sieve", "weight-svd", "input-pca"};  // the README's three
    r.calibrationTokens = 65536;
    r.fusedAttention = true;
    const int64_t h200 = int64_t(141e9);
    for (int g = 0; g < gpus; ++g)
        r.devices.push_back(PlanDevice{"cuda:" + std::to_string(g), h200, h200 - gpuReserveBytes(h200)});
    r.host = PlanDevice{"host", int64_t(1000e9), int64_t(900e9)};
    return r;
}

std::vector<std::vector<int64_t>> randomSequences(int count, int length, int64_t vocab) {
    torch::manual_seed(3);
    const torch::Tensor ids = torch::randint(1, vocab, {count, length}, torch::kLong);
    std::vector<std::vector<int64_t>> out;
    for (int s = 0; s < count; ++s)
        out.emplace_back(ids[s].data_ptr<int64_t>(), ids[s].data_ptr<int64_t>() + length);
    return out;
}

}  // namespace

class TestMemoryPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        setComputeThreads(1);  // libtorch and OpenBLAS: one thread, a steady resident set
        // Freed memory goes back to the kernel at once, so that the resident
        // set follows what is alive (glibc's adaptive threshold would keep
        // freed tensors of up to 32 MiB in the heap, tcmalloc its spans).
        heapFollowsLiveMemory();
    }

    void paperModelsFromTheirConfigs() {
        // Parameter counts from the config alone, against the published ones.
        const MemoryPlan small = planMemory(paperRequest("phi-3-mini-4k-instruct", 1));
        const MemoryPlan eight = planMemory(paperRequest("llama-3.1-8b", 1));
        const MemoryPlan seventy = planMemory(paperRequest("llama-3.1-70b", 4));
        QVERIFY(std::abs(double(small.request.shape.totalParams()) / 3.821e9 - 1) < 0.005);
        QVERIFY(std::abs(double(eight.request.shape.totalParams()) / 8.030e9 - 1) < 0.005);
        QVERIFY(std::abs(double(seventy.request.shape.totalParams()) / 70.554e9 - 1) < 0.005);
        // bfloat16 weights: 2 bytes per parameter.
        QCOMPARE(eight.weightBytes, eight.request.shape.totalParams() * 2);
        // Boundary states: 65536 tokens x 4096 x 2 bytes (whole batches of 8 x 512).
        QCOMPARE(eight.stateBytes, int64_t(65536) * 4096 * 2);
        // One block's Grams: (3 x 4096^2 + 14336^2) x 8 bytes, instead of 32 blocks' 65.5 GB.
        QCOMPARE(eight.blockGramBytes, (3 * int64_t(4096) * 4096 + int64_t(14336) * 14336) * 8);
    }

    void llama8bFitsOneGpuWithRoomToSpare() {
        const MemoryPlan plan = planMemory(paperRequest("llama-3.1-8b", 1));
        QVERIFY2(plan.fits, plan.refusal.c_str());
        QVERIFY(!plan.offloadBlocks && !plan.statesOnHost && !plan.factorsOnHost && !plan.evictAfterSweep);
        const double available = double(plan.request.devices[0].available);
        for (const PhasePlan& p : plan.phases)
            QVERIFY2(
                double(p.deviceBytes[0]) < 0.7 * available,
                qPrintable(
                    QString("%1: %2 GiB").arg(QString::fromStdString(p.name)).arg(p.deviceBytes[0] / kGiB)));
    }

    void llama70bNeedsFourGpusOrOffloadedCalibration() {
        const MemoryPlan one = planMemory(paperRequest("llama-3.1-70b", 1));
        QVERIFY(!one.fits);
        QVERIFY(one.offloadBlocks);  // calibration runs block by block on the GPU...
        QVERIFY(phaseFits(one, "load") && phaseFits(one, "calibrate"));
        QVERIFY(!phaseFits(one, "search"));  // ...but the searches need the whole model resident
        QVERIFY2(one.refusal.find("--devices") != std::string::npos, one.refusal.c_str());

        const MemoryPlan four = planMemory(paperRequest("llama-3.1-70b", 4));
        QVERIFY2(four.fits, four.refusal.c_str());
        QVERIFY(!four.offloadBlocks);
        // Contiguous blocks, every device used, the search method's factors with their blocks.
        QCOMPARE(int(four.blockDevice.size()), 80);
        QVERIFY(std::is_sorted(four.blockDevice.begin(), four.blockDevice.end()));
        QCOMPARE(four.blockDevice.front(), 0);
        QCOMPARE(four.blockDevice.back(), 3);
        QVERIFY(std::find(four.hostFactorMethods.begin(), four.hostFactorMethods.end(), "sieve") ==
                four.hostFactorMethods.end());
        for (const PhasePlan& p : four.phases)
            for (size_t d = 0; d < 4; ++d) QVERIFY(p.deviceBytes[d] <= four.request.devices[d].available);
    }

    // A sweep with 8-bit factors holds its dequantized rank slices as copies
    // on the device (at most one set of the method's factors); masks have
    // nothing to quantize.
    void int8SweepsCountTheirCopies() {
        PlanRequest r = paperRequest("llama-3.1-8b", 1);
        const MemoryPlan plain = planMemory(r);
        r.int8Factors = true;
        const MemoryPlan int8 = planMemory(r);
        QVERIFY2(int8.fits, int8.refusal.c_str());
        int64_t set = 0;  // one method's factors at the grid's smallest level, bf16
        for (const auto& [D, H] : r.shape.matrixShapes()) set += rankForLevel(D, H, 0.1) * (D + H) * 2;
        set *= r.shape.layers;
        QCOMPARE(int8.phase("search")->deviceBytes[0] - plain.phase("search")->deviceBytes[0], set);
        QCOMPARE(int8.phase("load")->deviceBytes[0], plain.phase("load")->deviceBytes[0]);
        r.methods = {"wanda"};
        r.int8Factors = false;
        const int64_t wanda = planMemory(r).phase("search")->deviceBytes[0];
        r.int8Factors = true;
        QCOMPARE(planMemory(r).phase("search")->deviceBytes[0], wanda);
    }

    void reusedStatesCountInTheSearch() {
        // The GA's cache and the sensitivity scan's fill up to their budget each, on
        // every device that holds blocks; calibration does not see them.
        for (int gpus : {1, 4}) {
            PlanRequest r = paperRequest("llama-3.1-70b", gpus);
            const MemoryPlan plain = planMemory(r);
            r.reusedStateBytes = int64_t(512) << 20;
            const MemoryPlan reused = planMemory(r);
            for (size_t d = 0; d < r.devices.size(); ++d)
                QCOMPARE(reused.phase("search")->deviceBytes[d] - plain.phase("search")->deviceBytes[d],
                         int64_t(1) << 30);
            QCOMPARE(reused.phase("calibrate")->deviceBytes[0], plain.phase("calibrate")->deviceBytes[0]);
            bool named = false;
            for (const auto& [part, bytes] : reused.phase("search")->parts)
                named |= part == "GA's reused block states" && bytes == int64_t(1) << 30;
            QVERIFY(named);
        }
    }

    void kernelTermsFollowEachDevice() {
        // A block's calibration work depends on whose kernels run it: LAPACK and
        // the Gram observer's row blocks on the CPU, cuSOLVER and whole products
        // on a GPU. A placement list decides it per device, so the first device's
        // parts match that device planned alone, whatever else is in the list.
        auto part = [](const MemoryPlan& plan, const std::string& name) {
            for (const auto& [p, bytes] : plan.phase("calibrate")->parts)
                if (p == name) return bytes;
            return int64_t(-1);
        };
        const PlanDevice cpu{"cpu", int64_t(2000e9), int64_t(1800e9)};
        const int64_t h200 = int64_t(141e9);
        auto gpu = [&](int g) {
            return PlanDevice{"cuda:" + std::to_string(g), h200, h200 - gpuReserveBytes(h200)};
        };
        auto planOn = [&](std::vector<PlanDevice> devices) {
            PlanRequest r = paperRequest("llama-3.1-8b", 1);
            r.devices = std::move(devices);
            return planMemory(r);
        };
        const MemoryPlan cpuAlone = planOn({cpu}), gpuAlone = planOn({gpu(0)});
        for (const char* name : {"block activations", "factoring work"}) {
            QVERIFY(part(cpuAlone, name) > 0);
            QVERIFY2(part(cpuAlone, name) != part(gpuAlone, name), name);  // the test can tell them apart
            QCOMPARE(part(planOn({cpu, cpu}), name), part(cpuAlone, name));
            QCOMPARE(part(planOn({cpu, gpu(0)}), name), part(cpuAlone, name));
            QCOMPARE(part(planOn({gpu(0), cpu}), name), part(gpuAlone, name));
            QCOMPARE(part(planOn({gpu(0), gpu(1)}), name), part(gpuAlone, name));
        }
    }

    void refusalNamesPhaseMemoryAndChanges() {
        PlanRequest r = paperRequest("llama-3.1-8b", 1);
        r.dtype = DType::Float32;
        r.devices = {PlanDevice{"cuda:0", int64_t(40e9), int64_t(40e9) - gpuReserveBytes(int64_t(40e9))}};
        r.allowHostOffload = false;
        const MemoryPlan plan = planMemory(r);
        QVERIFY(!plan.fits);
        for (const char* part : {"phase", "GiB on cuda:0", "available", "--dtype bf16", "--devices"})
            QVERIFY2(plan.refusal.find(part) != std::string::npos, plan.refusal.c_str());
        const PlanRequest empty;  // no model shape
        QVERIFY_THROWS_EXCEPTION(InputError, planMemory(empty));
    }

    void engineRefusesARunThatCannotFit() {
        // The demo model (3.5 MB of float32 weights) against a 2 MB memory
        // limit: the run stops before any work.
        Engine engine;
        JobContext quiet;
        engine.openModel(SIEVE_SOURCE_DIR "/resources/demo", DeviceChoice{"cpu"}, quiet);
        engine.openTask(SIEVE_SOURCE_DIR "/resources/demo/tasks/add.jsonl");
        engine.setMemoryLimit(int64_t(2e6));
        RunSettings settings;
        try {
            engine.uniform("sieve", settings, quiet);
            QFAIL("a run that cannot fit was started");
        } catch (const InputError& e) {
            const std::string text = e.what();
            QVERIFY2(text.find("not enough memory") != std::string::npos &&
                         text.find("phase") != std::string::npos &&
                         text.find("available") != std::string::npos,
                     e.what());
        }
        QVERIFY(!engine.session().snapshot().baseline.has_value());  // nothing ran
        engine.setMemoryLimit(0);
        const MemoryPlan plan = engine.plan(settings);
        QVERIFY2(plan.fits, plan.refusal.c_str());
        QVERIFY(plan.unified);
    }

    void predictionMatchesMeasuredPeak_data() {
        addPeakColumns();
        // Small enough for a shared 2-core machine (seconds each), large enough
        // that the Grams and the factoring dominate the libraries' own buffers.
        QTest::newRow("hidden 384, 3 layers, float32") << 384 << 3 << int(DType::Float32) << 16 << "sieve";
        QTest::newRow("hidden 512, 2 layers, bfloat16")
            << 512 << 2 << int(DType::BFloat16) << 16 << "sieve,input-pca";
        QTest::newRow("hidden 640, 2 layers, float32") << 640 << 2 << int(DType::Float32) << 8 << "sieve";
    }
    void predictionMatchesMeasuredPeak() { checkCurrentRowAgainstPeak("cpu"); }

    // The same on a GPU, torch's peak allocated bytes against the plan (which counts
    // cuSOLVER's copies and workspaces there): the GPU check runs it on its H200; here,
    // without CUDA, it is skipped. Wider models: the float64 factoring must dominate.
    void predictionMatchesMeasuredPeakOnCuda_data() {
        addPeakColumns();
        QTest::newRow("hidden 1024, 4 layers, bfloat16")
            << 1024 << 4 << int(DType::BFloat16) << 64 << "sieve";
        QTest::newRow("hidden 2048, 3 layers, bfloat16")
            << 2048 << 3 << int(DType::BFloat16) << 64 << "sieve,input-pca";
        QTest::newRow("hidden 1536, 2 layers, float32")
            << 1536 << 2 << int(DType::Float32) << 32 << "weight-svd";
    }
    void predictionMatchesMeasuredPeakOnCuda() {
        if (!compat::cudaAvailable()) QSKIP("no CUDA device: the GPU check runs this");
        checkCurrentRowAgainstPeak("cuda:0");
    }

private:
    // The columns of both peak tests' rows: a random model's shape and what runs on it.
    static void addPeakColumns() {
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("sequences");
        QTest::addColumn<QString>("methods");
    }
    // The current row's model on `device`: the plan's calibrate peak against the measured one.
    static void checkCurrentRowAgainstPeak(const std::string& device) {
        QFETCH(int, hidden);
        QFETCH(int, layers);
        QFETCH(int, dtype);
        QFETCH(int, sequences);
        QFETCH(QString, methods);
        checkPredictionAgainstPeak(device, hidden, layers, DType(dtype), sequences, methods);
    }
    static void checkPredictionAgainstPeak(const std::string& device, int hidden, int layers, DType dtype,
                                           int sequences, const QString& methods) {
        ModelConfig c;
        c.modelType = "llama";
        c.hidden = hidden;
        c.intermediate = hidden * 7 / 2;  // Llama's 3.5x
        c.layers = layers;
        c.heads = hidden / 64;
        c.kvHeads = c.heads / 4;
        c.vocab = 8192;
        c.maxPositions = 512;
        const int length = 128;
        const auto seqs = randomSequences(sequences, length, c.vocab);
        {
            // Libraries allocate their buffers on first use (OpenBLAS, LAPACK):
            // before the baseline. One layer of the same sizes calls them with
            // the same shapes (a smaller model left ~5 MiB of first-use buffers
            // inside the measured peak).
            ModelConfig oneLayer = c;
            oneLayer.layers = 1;
            auto warm = Model::randomInit(oneLayer, 1, LoadOptions{DeviceChoice{device, dtype}});
            JobContext quiet;
            StreamedProjectionOptions o;
            o.methods = {"sieve"};
            o.grid = defaultLevelGrid();
            calibrateAndProject(*warm, randomSequences(2, 8, c.vocab), o, quiet);
        }
        releaseFreedHeapMemory();
        const int64_t baseline = currentMemory(device);
        auto model = Model::randomInit(c, 7, LoadOptions{DeviceChoice{device, dtype}});

        PlanRequest r;
        r.shape = modelShapeOf(c, "random");
        r.dtype = dtype;
        for (const QString& m : methods.split(',')) r.methods.push_back(m.toStdString());
        r.calibrationTokens = int64_t(sequences) * length;
        r.calibrationLength = length;
        const MemoryInfo host = hostMemory();
        const MemoryInfo memory = deviceMemory(device);
        r.devices = {PlanDevice{device, memory.total, memory.available}};
        r.host = PlanDevice{"host", host.total, host.available};
        const MemoryPlan plan = planMemory(r);
        QVERIFY2(plan.fits, plan.refusal.c_str());

        StreamedProjectionOptions options;
        options.methods = r.methods;
        options.grid = r.grid;
        options.keepGrams = plan.keepGrams;
        options.hostMethods = plan.hostFactorMethods;
        options.stream.statesOnHost = plan.statesOnHost;
        JobContext quiet;
        releaseFreedHeapMemory();
        resetPeakMemory(device);
        const StreamedProjection result = calibrateAndProject(*model, seqs, options, quiet);
        const double measured = double(peakMemory(device) - baseline);
        const double predicted = double(plan.phase("calibrate")->deviceBytes[0]);
        qInfo("%s on %s: predicted %.1f MiB, measured %.1f MiB (%+.1f %%); states %.1f MiB, Grams kept: %s",
              QTest::currentDataTag(), device.c_str(), predicted / 1048576, measured / 1048576,
              100 * (predicted / measured - 1), double(result.stats.stateBytes) / 1048576,
              plan.keepGrams ? "yes" : "no");
        for (const StreamPeak& p : result.stats.peaks)
            qInfo("  peak in block %d's %s: %.1f MiB in use when it began, %.1f MiB at the peak", p.layer,
                  p.stage.c_str(), double(p.heldAtStart - baseline) / 1048576,
                  double(p.peak - baseline) / 1048576);
        QCOMPARE(result.stats.stateBytes, plan.stateBytes);
        QVERIFY2(std::abs(predicted / measured - 1) < 0.15,
                 qPrintable(QString("predicted %1 MiB, measured %2 MiB")
                                .arg(predicted / 1048576)
                                .arg(measured / 1048576)));
    }
};

QTEST_GUILESS_MAIN(TestMemoryPlan)
#include "test_memory_plan.moc"

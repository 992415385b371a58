// The real window over the real engine, fed what a hostile or careless user
// would (issue 18, docs/reliability.md): sessions with out-of-range indices
// (F2: the heatmap and sensitivity views used to segfault, a huge layer
// count aborted with bad_alloc), a damaged session no checksum vouches for
// (F3: HDF5 crashed), a session another process is writing, models with
// impossible configs, FIFOs as tasks. Each ends in an error the window shows,
// and the window stays usable: a good session opens afterwards with every
// plot. Offscreen; screenshots land in the test's output folder.
#include <H5Cpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <QtTest>

#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QStatusBar>
#include <QTemporaryDir>

#include "app/gui/engine_bridge.h"
#include "core/session/file_checksum.h"
#include "core/session/session_file.h"
#include "widgets/main_window.h"
#include "widgets/plots/ga_convergence_plot.h"
#include "widgets/plots/pruning_heatmap.h"

using namespace sieve;
using namespace sieve::widgets;

namespace {

const QString kSieve = QStringLiteral(SIEVE_BINARY_DIR "/app/sieve");

// Waits for the client's next finished(ok, message); returns it.
std::pair<bool, QString> nextFinished(EngineClient& client, int timeoutMs) {
    QSignalSpy spy(&client, &EngineClient::finished);
    if (!spy.wait(timeoutMs)) return {false, QStringLiteral("timed out")};
    return {spy.first().at(0).toBool(), spy.first().at(1).toString()};
}

void setElement(const std::string& file, const std::string& dataset, int64_t value) {
    {
        H5::H5File h5(file, H5F_ACC_RDWR);
        H5::DataSet ds = h5.openDataSet(dataset);
        std::vector<int64_t> values(size_t(ds.getSpace().getSimpleExtentNpoints()));
        ds.read(values.data(), H5::PredType::NATIVE_INT64);
        values.at(0) = value;
        ds.write(values.data(), H5::PredType::NATIVE_INT64);
    }
    sealSessionChecksum(file);
}

void setLayers(const std::string& file, int64_t value) {
    {
        H5::H5File h5(file, H5F_ACC_RDWR);
        H5::Group model = h5.openGroup("/model");
        model.removeAttr("layers");
        model.createAttribute("layers", H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR))
            .write(H5::PredType::NATIVE_INT64, &value);
    }
    sealSessionChecksum(file);
}

}  // namespace

class TestWorkbenchRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString demo_, good_, outDir_;

    // The window is still usable: the good session opens with its GA and heatmap.
    void goodSessionStillOpens(app::EngineBridge& bridge, MainWindow& window) {
        window.openSessionFile(good_);
        const auto [ok, message] = nextFinished(bridge, 120000);
        QVERIFY2(ok, qPrintable(message));
        window.convergencePlot()->flushPending();
        const SessionData data = SessionFile::load(good_.toStdString());
        QCOMPARE(window.convergencePlot()->generationCount(), int(data.ga->result.generations.size()));
        const MatrixInfo& m = data.model.summary.matrices.back();
        QCOMPARE(window.pruningHeatmap()->cellLevel(m.layer, m.type),
                 data.provenance.levelGrid[size_t(data.ga->result.best.genes.back())]);
    }

    // The engine refuses, naming the input and the cause, and the window shows
    // it (a refused request is a finished(false, message): status bar and log).
    void expectRefused(app::EngineBridge& bridge, MainWindow& window, const QString& mention,
                       const QString& named) {
        const auto [ok, message] = nextFinished(bridge, 120000);
        QVERIFY2(!ok, "the bad input was accepted");
        QVERIFY2(message.contains(mention) && message.contains(named), qPrintable(message));
        QTRY_VERIFY2(window.statusBar()->currentMessage().contains(mention),
                     qPrintable(window.statusBar()->currentMessage()));
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(tmp_.isValid());
        demo_ = app::EngineBridge::findDemoDirectory();
        QVERIFY(!demo_.isEmpty());
        outDir_ = QStringLiteral(SIEVE_BINARY_DIR "/test-output/workbench-robustness");
        QDir().mkpath(outDir_);
        good_ = tmp_.filePath("good.h5");
        QProcess cli;
        cli.start(kSieve, {"run", "--model", demo_, "--task", demo_ + "/tasks/add.jsonl", "--population", "4",
                           "--generations", "2", "--session", good_, "--quiet"});
        QVERIFY(cli.waitForFinished(600000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    }

    void sessionsThatLieAreRefused_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("mention");
        QTest::newRow("matrix layer -3") << "layer:-3"
                                         << "layer -3";
        QTest::newRow("matrix layer INT32_MAX") << "layer:2147483647"
                                                << "layer 2147483647";
        QTest::newRow("ranking INT32_MAX") << "ranking:2147483647"
                                           << "ranking index";
        QTest::newRow("model layers INT32_MAX") << "layers:2147483647"
                                                << "layers";
        QTest::newRow("unsealed, damaged global heap") << "heap"
                                                       << "HDF5";
    }
    void sessionsThatLieAreRefused() {
        QFETCH(QString, damage);
        QFETCH(QString, mention);
        const QString file = tmp_.filePath("lying-" + QString(damage).replace(':', '_') + ".h5");
        QFile::remove(file);
        QVERIFY(QFile::copy(good_, file));
        const std::string f = file.toStdString();
        const int64_t value = damage.section(':', 1).toLongLong();
        if (damage.startsWith("layer:")) setElement(f, "/model/matrices/layer", value);
        if (damage.startsWith("ranking:")) setElement(f, "/sensitivity/sieve/ranking", value);
        if (damage.startsWith("layers:")) setLayers(f, value);
        if (damage == "heap") {
            QFile io(file);
            QVERIFY(io.open(QIODevice::ReadWrite));
            QByteArray bytes = io.readAll();
            const int heap = bytes.indexOf("GCOL");
            QVERIFY(heap > 0);
            for (int i = heap + 24; i < heap + 32; ++i) bytes[i] = '\x7f';
            const QByteArray block = "SIEVE-SESSION-USERBLOCK 1\nsha256 none\n";
            bytes.replace(0, 512, block + QByteArray(512 - block.size(), '\0'));
            io.seek(0);
            io.write(bytes);
        }
        app::EngineBridge bridge;
        MainWindow window(&bridge);
        window.setPromptOnClose(false);
        window.resize(1280, 860);
        window.show();
        goodSessionStillOpens(bridge, window);  // plots full of the good session's data
        window.openSessionFile(file);
        expectRefused(bridge, window, mention, file);
        window.grab().save(outDir_ + "/refused_" + QString(damage).replace(':', '_') + ".png");
        for (QMessageBox* box : window.findChildren<QMessageBox*>()) box->close();
        goodSessionStillOpens(bridge, window);
    }

    // A CLI run is writing the session: the window says who, and stays usable.
    void sessionInUseByAnotherProcessIsRefused() {
        const QString file = tmp_.filePath("busy.h5");
        QProcess writer;
        writer.setProcessChannelMode(QProcess::MergedChannels);
        writer.start(kSieve, {"ga", "--model", demo_, "--task", demo_ + "/tasks/add.jsonl", "--population",
                              "6", "--generations", "400", "--patience", "500", "--session", file});
        QVERIFY(writer.waitForStarted());
        QString seen;
        while (!seen.contains("generation 1:") && writer.waitForReadyRead(120000)) seen += writer.readAll();
        QVERIFY2(seen.contains("generation 1:"), qPrintable(seen));

        app::EngineBridge bridge;
        MainWindow window(&bridge);
        window.setPromptOnClose(false);
        window.resize(1280, 860);
        window.show();
        window.openSessionFile(file);
        expectRefused(bridge, window, QString("in use by process %1").arg(writer.processId()), file);
        window.grab().save(outDir_ + "/refused_in_use.png");
        for (QMessageBox* box : window.findChildren<QMessageBox*>()) box->close();
        ::kill(pid_t(writer.processId()), SIGINT);
        QVERIFY(writer.waitForFinished(120000));
        goodSessionStillOpens(bridge, window);
    }

    void modelsAndTasksThatLieAreRefused() {
        app::EngineBridge bridge;
        MainWindow window(&bridge);
        window.setPromptOnClose(false);
        window.resize(1280, 860);
        window.show();

        // A config whose head_dim would make libtorch allocate terabytes.
        const QString model = tmp_.filePath("huge-head");
        QVERIFY(QDir().mkpath(model));
        QVERIFY(QFile::copy(demo_ + "/model.safetensors", model + "/model.safetensors"));
        QFile config(demo_ + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QByteArray text = config.readAll();
        const int at = text.indexOf("\"vocab_size\"");
        text.insert(at, "\"head_dim\": 1099511627776, ");
        QFile out(model + "/config.json");
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        bridge.openModel(model, DeviceChoice{"cpu"});
        expectRefused(bridge, window, "head_dim", model);

        bridge.openDemoModel(DeviceChoice{"cpu"});
        QVERIFY(nextFinished(bridge, 120000).first);
        const QString fifo = tmp_.filePath("task.fifo");
        QCOMPARE(mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        bridge.openTask(fifo);
        expectRefused(bridge, window, "FIFO", fifo);
        bridge.openTask(demo_ + "/tasks/add.jsonl");
        QVERIFY(nextFinished(bridge, 120000).first);
        window.grab().save(outDir_ + "/after_bad_model_and_task.png");
        for (QMessageBox* box : window.findChildren<QMessageBox*>()) box->close();
        goodSessionStillOpens(bridge, window);
    }
};

QTEST_MAIN(TestWorkbenchRobustness)
#include "test_workbench_robustness.moc"

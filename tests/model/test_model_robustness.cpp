// Models a careless or hostile user hands the tools (issue 18,
// docs/reliability.md): config values that used to end in a raw JSON
// type_error, a libtorch allocation trace or a division by zero, a config
// with fewer layers than the weights, integer bytes declared as weights,
// NaN and infinite weights. Each is an InputError naming the file and the
// key or tensor, raised while the model loads.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/checkpoint.h"
#include "core/model/model.h"

using namespace sieve;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = SIEVE_FIXTURES_DIR "/checkpoints/tiny_llama";

LoadOptions onCpu() {
    LoadOptions options;
    options.device.device = "cpu";
    return options;
}

}  // namespace

class TestModelRobustness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    // A copy of the tiny Llama fixture with `edit` applied to its config.json.
    template <typename Edit>
    std::string tinyWithConfig(const std::string& name, Edit&& edit) {
        const fs::path folder = fs::path(dir_.path().toStdString()) / name;
        fs::remove_all(folder);
        fs::create_directories(folder);
        fs::copy_file(kTiny + "/model.safetensors", folder / "model.safetensors");
        std::ifstream in(kTiny + "/config.json");
        json config = json::parse(in);
        edit(config);
        std::ofstream(folder / "config.json") << config.dump(2);
        return folder.string();
    }

    void expectRefused(const std::string& model, const QString& file, const QStringList& mentions) {
        try {
            Model::load(model, onCpu());
            QFAIL("the model loaded");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(file), qPrintable("'" + file + "' not named in: " + message));
            for (const QString& m : mentions)
                QVERIFY2(message.contains(m, Qt::CaseInsensitive),
                         qPrintable("'" + m + "' not in: " + message));
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void badConfigValuesAreNamed_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");  // JSON; "delete" removes the key
        QTest::addColumn<QString>("mention");
        QTest::newRow("model_type 7") << "model_type"
                                      << "7"
                                      << "must be a string";
        QTest::newRow("head_dim 2^40") << "head_dim"
                                       << "1099511627776"
                                       << "head_dim";
        QTest::newRow("hidden_size 1e300") << "hidden_size"
                                           << "1e300"
                                           << "must be an integer";
        QTest::newRow("vocab_size 2^31") << "vocab_size"
                                         << "2147483648"
                                         << "vocab_size";
        QTest::newRow("max_position_embeddings 2^40") << "max_position_embeddings"
                                                      << "1099511627776"
                                                      << "max_position_embeddings";
        QTest::newRow("num_key_value_heads 3") << "num_key_value_heads"
                                               << "3"
                                               << "not a multiple";
        QTest::newRow("rms_norm_eps 0") << "rms_norm_eps"
                                        << "0"
                                        << "rms_norm_eps";
        QTest::newRow("rope factor 0") << "rope_scaling"
                                       << R"({"rope_type": "linear", "factor": 0})"
                                       << "factor";
        QTest::newRow("rope factor NaN-like") << "rope_scaling"
                                              << R"({"rope_type": "linear", "factor": -1})"
                                              << "factor";
        QTest::newRow("llama3 high <= low") << "rope_scaling"
                                            << R"({"rope_type": "llama3", "factor": 8, "low_freq_factor": 4,
                                                  "high_freq_factor": 4, "original_max_position_embeddings": 64})"
                                            << "low_freq_factor < high_freq_factor";
        QTest::newRow("sliding_window 0") << "sliding_window"
                                          << "0"
                                          << "sliding_window";
        QTest::newRow("sliding_window -5") << "sliding_window"
                                           << "-5"
                                           << "sliding_window";
    }
    void badConfigValuesAreNamed() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, mention);
        const std::string model = tinyWithConfig("config-" + key.toStdString(), [&](json& c) {
            c[key.toStdString()] = json::parse(value.toStdString());
            if (key == "rope_scaling") c.erase("rope_parameters");  // 5.x rope_parameters would win
        });
        expectRefused(model, "config.json", {mention});
    }

    void fewerLayersThanTheWeightsIsRefused() {
        const std::string model = tinyWithConfig("one-layer", [](json& c) { c["num_hidden_layers"] = 1; });
        expectRefused(model, "model.safetensors", {"model.layers.1.", "num_hidden_layers is 1"});
    }

    // The tiny model's tensors rewritten with one change each.
    void damagedWeightsAreNamed_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("mention");
        QTest::newRow("NaN") << "nan"
                             << "NaN or infinite";
        QTest::newRow("infinity") << "inf"
                                  << "NaN or infinite";
        QTest::newRow("integer bytes as a weight") << "int32"
                                                   << "not a floating-point type";
    }
    void damagedWeightsAreNamed() {
        QFETCH(QString, damage);
        QFETCH(QString, mention);
        Checkpoint ck = readCheckpoint(kTiny);
        const std::string victim = "model.layers.1.mlp.up_proj.weight";
        torch::Tensor& t = ck.tensors.at(victim);
        if (damage == "nan") t.view(-1)[7] = std::numeric_limits<float>::quiet_NaN();
        if (damage == "inf") t.view(-1)[7] = -std::numeric_limits<float>::infinity();
        if (damage == "int32") t = t.view(torch::kInt32).clone();  // the same bytes, declared I32
        const fs::path folder = fs::path(dir_.path().toStdString()) / ("weights-" + damage.toStdString());
        fs::create_directories(folder);
        fs::copy_file(kTiny + "/config.json", folder / "config.json", fs::copy_options::overwrite_existing);
        writeSafetensors((folder / "model.safetensors").string(), ck.tensors);
        expectRefused(folder.string(), "model.safetensors", {QString::fromStdString(victim), mention});
    }

    // The unedited fixture loads, so the rows above fail for their edit.
    void untouchedFixtureLoads() {
        const std::string model = tinyWithConfig("untouched", [](json&) {});
        QCOMPARE(Model::load(model, onCpu())->config().layers, 2);
    }
};

QTEST_GUILESS_MAIN(TestModelRobustness)
#include "test_model_robustness.moc"

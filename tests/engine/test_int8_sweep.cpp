// The uniform sweep with 8-bit factors through the engine, on the demo model
// and its `add` task: a curve beside the float one for every method with
// low-rank factors (parallel and sequential calibration), at the same levels
// and within a stated tolerance of it; none for Wanda, whose masks have no
// factors (the log says so); the model dense afterwards; and the session
// file holding both curves when it is opened again.
#include <QtTest/QtTest>

#include <QTemporaryDir>
#include <cmath>
#include <regex>

#include "core/engine/engine.h"
#include "core/session/session_file.h"

using namespace sieve;

namespace {

const std::string kDemo = SIEVE_SOURCE_DIR "/resources/demo";
const std::string kAdd = kDemo + "/tasks/add.jsonl";

// How far the 8-bit curve may fall from the float one at any level, in
// accuracy (exact match on the demo's 50 search examples). Per-row int8
// changes each factor entry by at most half a step (1/254 of its row's
// largest entry); measured on this model (2026-12-02) the two curves are
// equal at every level of this grid, for both calibrations. The tolerance,
// three examples, allows for other BLAS builds picking other near-equal
// singular directions.
constexpr double kTolerance = 0.06;

}  // namespace

class TestInt8Sweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void curvesBesideFloatAndInSession() {
        QTemporaryDir tmp;
        const std::string file = tmp.filePath("int8.h5").toStdString();
        Engine engine;
        std::string log;
        JobContext context({}, [&](const JobEvent& e) {
            if (const auto* l = std::get_if<LogEvent>(&e)) log += l->text + "\n";
        });
        engine.openModel(kDemo, DeviceChoice{"cpu"}, context);
        engine.openTask(kAdd);
        RunSettings s;
        s.methods = {"sieve", "wanda", "sieve-sequential"};
        s.grid = {0, 0.2, 0.4, 0.6, 0.8};
        s.int8Factors = true;
        engine.useSessionFile(file, &s);
        const std::vector<UniformResult> sweeps = engine.uniformSweeps(s, context);
        QVERIFY(engine.modelIsDense());
        QCOMPARE(sweeps.size(), size_t(3));
        const double a0 = engine.session().baseline()->a0;
        QVERIFY(a0 > 0.5);

        for (const UniformResult& u : sweeps) {
            if (u.method == "wanda") {
                QVERIFY(!u.int8);
                continue;
            }
            QVERIFY2(u.int8, u.method.c_str());
            const Int8Curve& q = *u.int8;
            QCOMPARE(q.points.size(), u.points.size());  // full curve: every grid level, both ways
            for (size_t k = 0; k < q.points.size(); ++k) {
                QCOMPARE(q.points[k].level, u.points[k].level);
                QCOMPARE(q.points[k].paramsRemovedFraction, u.points[k].paramsRemovedFraction);
                const double gap = std::abs(q.points[k].accuracy - u.points[k].accuracy);
                QVERIFY2(gap <= kTolerance, qPrintable(QString("%1 at level %2: float %3, 8-bit %4")
                                                           .arg(QString::fromStdString(u.method))
                                                           .arg(u.points[k].level)
                                                           .arg(u.points[k].accuracy)
                                                           .arg(q.points[k].accuracy)));
                qInfo("%s level %.1f: float %.4f, 8-bit %.4f", u.method.c_str(), u.points[k].level,
                      u.points[k].accuracy, q.points[k].accuracy);
            }
            QCOMPARE(q.points.front().accuracy, a0);  // level 0 is the dense model, nothing quantized
            // The 8-bit optimum is the largest level of its own curve within eps.
            double best = 0;
            for (const UniformPoint& p : q.points)
                if (p.accuracy >= (1 - s.eps) * a0) best = p.level;
            QCOMPARE(q.bestLevel, best);
            QVERIFY(std::abs(q.bestLevel - u.bestLevel) <= 0.2 + 1e-12);  // at most one grid step apart
        }
        // The 8-bit curve applied slices of its own: copies, where the float sweep of sieve
        // takes views of the stored factors. Wanda's masks are copies too: 4 levels x M
        // matrices each for wanda and for sieve's 8-bit curve.
        const std::string store = engine.factorStoreSummary();
        std::smatch copied;
        QVERIFY2(std::regex_search(store, copied, std::regex("(\\d+) copied")), store.c_str());
        QVERIFY2(std::stoll(copied[1]) >= int64_t(8 * engine.model().matrices.size()), store.c_str());
        QVERIFY2(log.find("8-bit factors: wanda keeps a mask") != std::string::npos, log.c_str());
        QVERIFY2(log.find("8-bit factors (sieve): largest level within eps") != std::string::npos,
                 log.c_str());

        // Saved as the results arrived; a new engine reads both curves back.
        const SessionData back = SessionFile::load(file);
        QCOMPARE(back.uniform.size(), size_t(3));
        for (size_t i = 0; i < sweeps.size(); ++i) {
            QCOMPARE(back.uniform[i].method, sweeps[i].method);
            QCOMPARE(back.uniform[i].int8.has_value(), sweeps[i].int8.has_value());
            if (!sweeps[i].int8) continue;
            QCOMPARE(back.uniform[i].int8->bestLevel, sweeps[i].int8->bestLevel);
            for (size_t k = 0; k < sweeps[i].int8->points.size(); ++k)
                QCOMPARE(back.uniform[i].int8->points[k].accuracy, sweeps[i].int8->points[k].accuracy);
        }
        Engine reader;
        const SessionData reopened = reader.openSession(file);
        QVERIFY(reopened.uniform.front().int8.has_value());

        // A sweep without 8-bit factors replaces the method's curve, and its 8-bit curve with it.
        s.int8Factors = false;
        s.methods = {"sieve"};
        const UniformResult plain = engine.uniform("sieve", s, context);
        QVERIFY(!plain.int8);
        QVERIFY(!engine.session().uniform("sieve")->int8);
        QVERIFY(!SessionFile::load(file).uniform.front().int8);
    }
};

QTEST_GUILESS_MAIN(TestInt8Sweep)
#include "test_int8_sweep.moc"

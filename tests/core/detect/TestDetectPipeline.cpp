// The detector end to end on generated scenes: Haar-GBM trained in the test finds the organ,
// a saved bundle reloads to identical detections, and wrong inputs give clear errors.

#include "SyntheticScene.h"

#include "detect/DetectorTrainer.h"
#include "detect/Evaluation.h"
#include "detect/ModelBundle.h"
#include "common/Sha256.h"

#include "common/Error.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace ks;
using namespace ks::detect;
namespace fs = std::filesystem;

namespace {
std::string tmpDir(const std::string& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path p = fs::path(env ? env : fs::temp_directory_path().string()) / ("detect_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

TrainConfig smallConfig()
{
    TrainConfig c;
    c.preset = TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
    c.candidates.targetCount = 600;
    c.haarCount = 600;
    c.methods = {Method::Haar};
    return c;
}
} // namespace

class TestDetectPipeline : public QObject
{
    Q_OBJECT
private:
    std::vector<AnnotatedFrame> m_train, m_test;
    std::unique_ptr<Detector> m_detector;
    TrainReport m_report;

private Q_SLOTS:
    void initTestCase()
    {
        for (unsigned i = 0; i < 10; ++i)
            m_train.push_back(test::syntheticScene(100 + i));
        for (unsigned i = 0; i < 6; ++i)
            m_test.push_back(test::syntheticScene(900 + i));
        m_detector = std::make_unique<Detector>(DetectorTrainer::train(m_train, smallConfig(), &m_report));
    }

    void trainingReport()
    {
        QCOMPARE(m_report.frames, 10);
        QVERIFY(m_report.positives >= 10);
        QVERIFY(m_report.negatives >= 2 * m_report.positives);
        QVERIFY2(m_report.coverage >= 0.9, std::to_string(m_report.coverage).c_str());
        QVERIFY(m_report.meanCandidates > 300 && m_report.meanCandidates <= 600);
    }

    void scaleAugmentationForSmallSetsWithUncertainSizes()
    {
        // The kidney preset has clinical sizes: no copies. The data preset with ten calibrated
        // boxes: two scaled copies of each image, more labelled samples, the same candidate sizes.
        QCOMPARE(m_report.augmentedFrames, 0);
        TrainConfig c = smallConfig();
        c.preset = TargetPreset::dataOnly();
        c.boxRegression = false;
        TrainReport augmented, plain;
        const Detector a = DetectorTrainer::train(m_train, c, &augmented);
        c.scaleAugmentation = 0;
        const Detector p = DetectorTrainer::train(m_train, c, &plain);
        QCOMPARE(augmented.frames, 10);
        QCOMPARE(augmented.augmentedFrames, 20);
        QCOMPARE(plain.augmentedFrames, 0);
        QVERIFY(augmented.positives > plain.positives);
        QVERIFY(a.sizes().coversPixelSizes());
        QCOMPARE(a.sizes().toJson(), p.sizes().toJson());
    }

    void findsTheOrganOnUnseenScenes()
    {
        const auto r = Evaluation::run(*m_detector, m_test, {Method::Haar});
        const auto& s = r.summary.at(Method::Haar);
        QCOMPARE(s.n, 6);
        QVERIFY2(s.meanDice >= 0.75, Evaluation::table(r).c_str());
        QVERIFY2(s.failures <= 2, Evaluation::table(r).c_str());
        // outputs carry the same figures
        const auto j = nlohmann::json::parse(Evaluation::json(r));
        QCOMPARE(j["methods"]["haar"]["n"].get<int>(), 6);
        QVERIFY(std::abs(j["methods"]["haar"]["mean_dice"].get<double>() - s.meanDice) < 1e-12);
        QCOMPARE(j["per_image"].size(), size_t(6));
        const std::string csv = Evaluation::csv(r);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 7L);
    }

    void bundleRoundTrip()
    {
        const std::string dir = tmpDir("bundle");
        ModelBundle::save(*m_detector, dir, R"({"preset": {"name": "kidney"}})");
        auto loaded = ModelBundle::load(dir);
        QCOMPARE(loaded.detector.methods().size(), size_t(1));
        for (const auto& f : m_test) {
            const auto a = m_detector->detect(Method::Haar, f.gray, f.calibration);
            const auto b = loaded.detector.detect(Method::Haar, f.gray, f.calibration);
            QCOMPARE(a.box, b.box);
            QCOMPARE(a.likelihood, b.likelihood);
            // The box-regression stage survives the bundle and refines identically.
            QVERIFY(loaded.detector.hasBoxRegressor());
            QCOMPARE(m_detector->regressBoxes(f.gray, f.calibration, {a.box}).at(0),
                     loaded.detector.regressBoxes(f.gray, f.calibration, {b.box}).at(0));
        }
        QVERIFY(loaded.manifestJson.find("\"format_version\": 2") != std::string::npos);
    }

    void hybridWithPerPatchHalf()
    {
        // A tiny Haar + CaffeNet_FA model (random weights): the hybrid's CNN half has its own
        // per-patch classifier, survives the bundle, and the cascade's bound finds exactly the
        // exhaustive answer.
        TrainConfig c = smallConfig();
        c.candidates.targetCount = 200;
        c.haarCount = 300;
        c.methods = {Method::Haar, Method::FA, Method::Hybrid};
        c.cnn.epochs = 1;
        c.cnn.patchPositives = 3;
        c.hybrid.cnnTop = 8;
        const std::vector<AnnotatedFrame> train(m_train.begin(), m_train.begin() + 6);
        Detector d = DetectorTrainer::train(train, c);
        QVERIFY(d.featureSet("fa").hasExact());
        QVERIFY(!d.featureSet("haar").hasExact());
        const std::string dir = tmpDir("hybrid");
        ModelBundle::save(d, dir, "{}");
        auto loaded = ModelBundle::load(dir);
        QVERIFY(loaded.detector.featureSet("fa").hasExact());
        QCOMPARE(loaded.detector.hybridConfig().cnnTop, 8);
        QVERIFY(loaded.manifestJson.find("fa_per_patch.gbm") != std::string::npos);
        const AnnotatedFrame& f = m_test[0];
        const auto a = d.detect(Method::Hybrid, f.gray, f.calibration);
        const auto b = loaded.detector.detect(Method::Hybrid, f.gray, f.calibration);
        QCOMPARE(a.box, b.box);
        QCOMPARE(a.likelihood, b.likelihood);
        const auto boxes = d.candidates(f.gray, f.calibration);
        const auto haar = d.scoreSets(f.gray, boxes, {"haar"}).at("haar");
        HybridStats bounded, all;
        const auto viaBound = Detector::choose(boxes, d.scoreHybrid(f.gray, boxes, haar, 8, true, NullProgress::instance(), &bounded));
        const auto viaAll = Detector::choose(boxes, d.scoreHybrid(f.gray, boxes, haar, 0, false, NullProgress::instance(), &all));
        QCOMPARE(viaBound.box, viaAll.box);
        QCOMPARE(viaBound.likelihood, viaAll.likelihood);
        QVERIFY(bounded.exact && bounded.perPatch);
        QCOMPARE(all.cnnBoxes, static_cast<int>(boxes.size()));
    }

    void bundleFromAnotherVersion()
    {
        const std::string dir = tmpDir("version");
        ModelBundle::save(*m_detector, dir);
        auto m = nlohmann::json::parse(std::ifstream(dir + "/manifest.json"));
        m["format_version"] = 99;
        std::ofstream(dir + "/manifest.json") << m.dump();
        // a genuine bundle of another version: its checksum fits
        std::ofstream(dir + "/manifest.sha256") << Sha256::ofBytes(m.dump()) << "  manifest.json\n";
        try {
            ModelBundle::load(dir);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(e.message().find("format version 99") != std::string::npos, e.fullText().c_str());
        }
    }

    void tamperedBundle()
    {
        const std::string dir = tmpDir("tampered");
        ModelBundle::save(*m_detector, dir);
        {
            std::fstream f(dir + "/haar.gbm", std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(100);
            f.put('#');
        }
        try {
            ModelBundle::load(dir);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::Corrupt);
            QVERIFY2(e.message().find("haar.gbm") != std::string::npos, e.fullText().c_str());
            QVERIFY(e.message().find("checksum") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(Error, ModelBundle::load(tmpDir("empty")));
    }

    void wrongInputs()
    {
        // empty training set
        try {
            DetectorTrainer::train({}, smallConfig());
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY(e.message().find("empty") != std::string::npos);
        }
        // an image without annotation is named
        auto frames = std::vector<AnnotatedFrame>(m_train.begin(), m_train.begin() + 3);
        frames[1].truth.reset();
        try {
            DetectorTrainer::train(frames, smallConfig());
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(e.message().find(frames[1].name) != std::string::npos, e.fullText().c_str());
            QVERIFY(e.message().find("no annotation") != std::string::npos);
        }
        // a method the model was not trained for
        QVERIFY_THROWS_EXCEPTION(Error, m_detector->detect(Method::FA, m_test[0].gray, m_test[0].calibration));
        // a preset that cannot hold the boxes (fetal head sizes at a kidney scale of 8 mm/px)
        auto big = std::vector<AnnotatedFrame>(m_train.begin(), m_train.begin() + 2);
        for (auto& f : big)
            f.calibration = Calibration::user(8.0);
        QVERIFY_THROWS_EXCEPTION(Error, DetectorTrainer::train(big, smallConfig()));
    }
};

QTEST_GUILESS_MAIN(TestDetectPipeline)
#include "TestDetectPipeline.moc"

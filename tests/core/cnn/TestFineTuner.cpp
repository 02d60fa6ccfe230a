// FineTuner: the paper's adaptation modes (NA untouched, PA conv1–2 bit-identical, FA all
// trained), seeding, per-epoch reports, wrong input.
#include "cnn/CnnModel.h"
#include "cnn/FineTuner.h"
#include "common/Error.h"
#include "TestImages.h"

#include <QtTest/QtTest>

using namespace ks;
using namespace ks::cnn;

namespace {

/// Positives: boxes on the ellipse; negatives: boxes on plain speckle. Small patches, few of them.
std::vector<LabelledPatch> tinySet(int perClass)
{
    std::vector<LabelledPatch> set;
    for (int i = 0; i < perClass; ++i) {
        const cv::Mat frame = test::speckleFrame(160, 120, 100 + i, {80, 60}, {40, 25});
        set.push_back({frame, Box{35.0 + i, 30.0, 90, 60}, 1});
        set.push_back({frame, Box{0, 0, 40.0 + i, 30}, 0});
    }
    return set;
}

bool sameWeights(const CnnModel& a, const CnnModel& b, const std::string& layer)
{
    const auto wa = a.convWeights(layer), wb = b.convWeights(layer);
    return wa.weights == wb.weights && wa.bias == wb.bias; // bit-identical floats
}

} // namespace

class TestFineTuner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void naLeavesWeightsUntouched();
    void paFreezesConv1And2FaTrainsAll();
    void squeezeNetPaFreezesConv1AndFire2();
    void seededRunsAreIdentical();
    void wrongInputGivesClearErrors();
};

void TestFineTuner::naLeavesWeightsUntouched()
{
    CnnModel model(Backbone::SqueezeNet, 1);
    const auto checksum = model.weightsChecksum();
    FineTuneOptions options;
    options.mode = Adaptation::NA;
    const auto result = FineTuner(options).run(model, tinySet(3));
    QCOMPARE(model.weightsChecksum(), checksum);
    QVERIFY(result.history.empty());
    QCOMPARE(model.adaptation(), Adaptation::NA);
}

void TestFineTuner::paFreezesConv1And2FaTrainsAll()
{
    const CnnModel original(Backbone::CaffeNet, 7);
    FineTuneOptions options;
    options.epochs = 1;
    options.batchSize = 4;
    options.validationFraction = 0.5;
    options.learningRate = 0.01;
    const auto set = tinySet(2);

    CnnModel pa(Backbone::CaffeNet, 7);
    options.mode = Adaptation::PA;
    int reports = 0;
    FineTuner paTuner(options);
    paTuner.setEpochCallback([&](const EpochStats& s) {
        ++reports;
        QVERIFY(std::isfinite(s.trainLoss) && s.trainLoss > 0);
        QVERIFY(s.trainAccuracy >= 0 && s.trainAccuracy <= 1);
        QVERIFY(std::isfinite(s.validationLoss));
    });
    const auto result = paTuner.run(pa, set);
    QCOMPARE(reports, 1);
    QCOMPARE(result.history.size(), size_t(1));
    QCOMPARE(result.trainCount + result.validationCount, int(set.size()));
    QCOMPARE(result.validationCount, 2); // half of each class
    QCOMPARE(pa.adaptation(), Adaptation::PA);
    QVERIFY(sameWeights(pa, original, "conv1"));
    QVERIFY(sameWeights(pa, original, "conv2"));
    QVERIFY(!sameWeights(pa, original, "conv3"));
    QVERIFY(!sameWeights(pa, original, "conv5"));

    CnnModel fa(Backbone::CaffeNet, 7);
    options.mode = Adaptation::FA;
    FineTuner(options).run(fa, set);
    QVERIFY(!sameWeights(fa, original, "conv1"));
    QVERIFY(!sameWeights(fa, original, "conv2"));
    QVERIFY(!sameWeights(fa, original, "conv5"));
}

void TestFineTuner::squeezeNetPaFreezesConv1AndFire2()
{
    const CnnModel original(Backbone::SqueezeNet, 3);
    CnnModel pa(Backbone::SqueezeNet, 3);
    FineTuneOptions options;
    options.mode = Adaptation::PA;
    options.epochs = 1;
    options.batchSize = 4;
    options.learningRate = 0.01;
    options.validationFraction = 0;
    FineTuner(options).run(pa, tinySet(2));
    for (const char* frozen : {"conv1", "fire2/conv1x1_1", "fire2/conv1x1_2", "fire2/conv3x3_2"})
        QVERIFY2(sameWeights(pa, original, frozen), frozen);
    QVERIFY(!sameWeights(pa, original, "fire3/conv1x1_1"));
    QVERIFY(!sameWeights(pa, original, "fire9/conv3x3_2"));
}

void TestFineTuner::seededRunsAreIdentical()
{
    FineTuneOptions options;
    options.epochs = 1;
    options.batchSize = 2;
    options.augmentFlip = true;
    options.validationFraction = 0;
    const auto set = tinySet(2);
    CnnModel a(Backbone::SqueezeNet, 1), b(Backbone::SqueezeNet, 1), c(Backbone::SqueezeNet, 1);
    FineTuner(options).run(a, set);
    FineTuner(options).run(b, set);
    options.seed = 2;
    FineTuner(options).run(c, set);
    QCOMPARE(a.weightsChecksum(), b.weightsChecksum());
    QVERIFY(a.weightsChecksum() != c.weightsChecksum());
}

void TestFineTuner::wrongInputGivesClearErrors()
{
    CnnModel model(Backbone::SqueezeNet, 1);
    FineTuner tuner;
    QVERIFY_THROWS_EXCEPTION(Error, tuner.run(model, {}));
    auto onlyNegatives = tinySet(2);
    for (auto& p : onlyNegatives) p.label = 0;
    try {
        tuner.run(model, onlyNegatives);
        QFAIL("a single-class set must be refused");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("positive") != std::string::npos, e.what());
    }
    // Cancel keeps the model usable and reports Cancelled.
    struct Cancel : Progress { bool report(double, const std::string&) override { return false; } } cancel;
    QVERIFY_THROWS_EXCEPTION(Cancelled, tuner.run(model, tinySet(2), cancel));
}

QTEST_GUILESS_MAIN(TestFineTuner)
#include "TestFineTuner.moc"

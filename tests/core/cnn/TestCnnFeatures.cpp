// CnnFeatureExtractor: the fast (RoI-pooled) path against the paper's per-patch path, and the RoI
// pooling geometry.
#include "cnn/CnnFeatureExtractor.h"
#include "cnn/RoiPooling.h"
#include "common/Error.h"
#include "TestImages.h"

#include <QtTest/QtTest>

using namespace ks;
using namespace ks::cnn;

namespace {

const std::string kSqueezeDir = std::string(KS_SHARED_DIR) + "/weights/squeezenet-v1.0";

double correlation(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat x, y;
    a.reshape(1, 1).convertTo(x, CV_64F);
    b.reshape(1, 1).convertTo(y, CV_64F);
    x -= cv::mean(x)[0];
    y -= cv::mean(y)[0];
    const double d = std::sqrt(x.dot(x) * y.dot(y));
    return d > 0 ? x.dot(y) / d : 0.0;
}

/// Candidate-like boxes: several sizes and aspect ratios over the frame.
std::vector<Box> candidateBoxes(int width, int height)
{
    std::vector<Box> boxes;
    for (double w : {180.0, 240.0})
        for (double aspect : {0.5, 0.8})
            for (double x = 20; x + w <= width; x += 90)
                for (double y = 15; y + w * aspect <= height; y += 80)
                    boxes.push_back({x, y, w, w * aspect});
    return boxes;
}

} // namespace

class TestCnnFeatures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cellSpansMatchPool5();
    void fastEqualsPerPatchOnAPatchSizedFrame();
    void fastCorrelatesWithPerPatch_data();
    void fastCorrelatesWithPerPatch();
    void emptyBoxesAndErrors();
};

void TestCnnFeatures::cellSpansMatchPool5()
{
    // A box that is exactly a 227 patch: the spans are pool5's windows on conv5's 13 cells.
    for (int bin = 0; bin < 6; ++bin) {
        const auto span = frameCellSpan(0, 227, 2 * bin, 2 * bin + 2, 13);
        QCOMPARE(span.first, 2 * bin);
        QCOMPARE(span.second, 2 * bin + 2);
    }
    // The same box shifted by 64 px on a larger map: shifted by 4 cells.
    const auto shifted = frameCellSpan(64, 227, 0, 12, 40);
    QCOMPARE(shifted.first, 4);
    QCOMPARE(shifted.second, 16);
    // Twice as large: about twice the cells (centres 17 + 16k inside [18, 434]).
    const auto large = frameCellSpan(0, 454, 0, 12, 40);
    QCOMPARE(large.first, 1);
    QCOMPARE(large.second, 26);
    // A tiny box still gets one cell; boxes past the map are clamped.
    const auto tiny = frameCellSpan(100, 4, 0, 0, 40);
    QCOMPARE(tiny.first, tiny.second);
    const auto outside = frameCellSpan(1000, 227, 0, 12, 40);
    QCOMPARE(outside.first, 39);
    QCOMPARE(outside.second, 39);
    // Max pooling on a known map: channel c of cell (y, x) holds 100·c + 10·y + x.
    const int h = 13, w = 13, c = 2;
    std::vector<float> map(h * w * c);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < c; ++k)
                map[(y * w + x) * c + k] = 100.0f * k + 10.0f * y + x;
    std::vector<float> out(c * 36);
    roiMaxPool(map.data(), h, w, c, Box{0, 0, 227, 227}, 6, out.data());
    QCOMPARE(out[0], 10.0f * 2 + 2);                       // bin (0,0): max at cell (2,2)
    QCOMPARE(out[36 + 5 * 6 + 5], 100.0f + 10.0f * 12 + 12); // channel 1, bin (5,5)
    std::vector<float> mean(c);
    roiAveragePool(map.data(), h, w, c, Box{0, 0, 227, 227}, 12, mean.data());
    QCOMPARE(mean[1], 100.0f + 60.0f + 6.0f);
}

void TestCnnFeatures::fastEqualsPerPatchOnAPatchSizedFrame()
{
    // When the frame is the patch, the fast path does exactly what the network does.
    const cv::Mat frame = test::speckleFrame(227, 227, 21);
    for (Backbone backbone : {Backbone::CaffeNet, Backbone::SqueezeNet}) {
        auto model = std::make_shared<CnnModel>(backbone, 2);
        CnnFeatureExtractor fast(model, FeaturePath::Fast);
        CnnFeatureExtractor perPatch(model, FeaturePath::PerPatch);
        const std::vector<Box> boxes{{0, 0, 227, 227}};
        const cv::Mat a = fast.extract(frame, boxes);
        const cv::Mat b = perPatch.extract(frame, boxes);
        QCOMPARE(a.cols, model->featureDimension());
        const double scale = cv::norm(b, cv::NORM_INF);
        QVERIFY(scale > 0);
        QVERIFY2(cv::norm(a, b, cv::NORM_INF) <= 1e-4 * scale, backboneName(backbone).c_str());
    }
}

void TestCnnFeatures::fastCorrelatesWithPerPatch_data()
{
    QTest::addColumn<int>("backbone");
    QTest::newRow("squeezenet-imagenet") << int(Backbone::SqueezeNet);
    QTest::newRow("caffenet-random") << int(Backbone::CaffeNet);
}

void TestCnnFeatures::fastCorrelatesWithPerPatch()
{
    QFETCH(int, backbone);
    auto model = std::make_shared<CnnModel>(static_cast<Backbone>(backbone), 1);
    if (model->backbone() == Backbone::SqueezeNet)
        model->importCaffe(kSqueezeDir + "/deploy.prototxt", kSqueezeDir + "/squeezenet_v1.0.caffemodel");
    const cv::Mat frame = test::speckleFrame(480, 360, 5, {250, 170}, {110, 60});
    auto boxes = candidateBoxes(frame.cols, frame.rows);
    QVERIFY(boxes.size() >= 40);
    { // the per-patch path costs ~0.1 s per patch on 2 cores: keep a spread subset
        std::vector<Box> subset;
        for (size_t i = 0; i < boxes.size(); i += 3) subset.push_back(boxes[i]);
        boxes = subset;
    }
    CnnFeatureExtractor fast(model, FeaturePath::Fast);
    CnnFeatureExtractor perPatch(model, FeaturePath::PerPatch);
    const cv::Mat a = fast.extract(frame, boxes);
    const cv::Mat b = perPatch.extract(frame, boxes);
    QCOMPARE(a.rows, int(boxes.size()));
    double mean = 0, worst = 1;
    for (int i = 0; i < a.rows; ++i) {
        const double r = correlation(a.row(i), b.row(i));
        mean += r / a.rows;
        worst = std::min(worst, r);
    }
    // Across boxes: a feature's value ranks the boxes alike on both paths.
    qInfo("%s: per-box correlation fast vs per-patch: mean %.3f, worst %.3f over %d boxes",
          model->featureName().c_str(), mean, worst, a.rows);
    // Measured: SqueezeNet (ImageNet) mean 0.79, worst 0.70 (fire9 cells see far past the box);
    // CaffeNet (random) mean 0.95, worst 0.93.
    QVERIFY(mean >= 0.7);
    QVERIFY(worst >= 0.5);
}

void TestCnnFeatures::emptyBoxesAndErrors()
{
    auto model = std::make_shared<CnnModel>(Backbone::SqueezeNet, 1);
    CnnFeatureExtractor fast(model);
    QCOMPARE(fast.name(), std::string("squeezenet_pool"));
    QCOMPARE(fast.dimension(), 512);
    const cv::Mat frame = test::speckleFrame(300, 200, 1);
    const cv::Mat f = fast.extract(frame, {{10, 10, 0, 50}, {20, 20, 150, 100}, {-40, -30, 120, 90}});
    QCOMPARE(f.rows, 3);
    QCOMPARE(cv::countNonZero(f.row(0)), 0);
    QVERIFY(cv::countNonZero(f.row(1)) > 0);
    QVERIFY(cv::countNonZero(f.row(2)) > 0); // past the edge: clamped, still features
    QCOMPARE(fast.extract(frame, {}).rows, 0);
    QVERIFY_THROWS_EXCEPTION(Error, fast.extract(cv::Mat(), {{0, 0, 10, 10}}));
    // Cancelling stops the work.
    struct Cancel : Progress { bool report(double, const std::string&) override { return false; } } cancel;
    CnnFeatureExtractor perPatch(model, FeaturePath::PerPatch);
    QVERIFY_THROWS_EXCEPTION(Cancelled, perPatch.extract(frame, {{20, 20, 150, 100}}, cancel));
}

QTEST_GUILESS_MAIN(TestCnnFeatures)
#include "TestCnnFeatures.moc"

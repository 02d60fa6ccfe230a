// Layer responses of the CNNs against a direct convolution, and Table 2 on whole models.
#include "interpret/LayerResponses.h"

#include "cnn/CnnModel.h"

#include <opencv2/imgproc.hpp>

#include <QtTest>

using namespace ks;
using namespace ks::interpret;

namespace {

cv::Mat texturedPatch(int size)
{
    cv::Mat img(size, size, CV_8U);
    cv::theRNG().state = 3;
    cv::randu(img, 0, 255);
    cv::GaussianBlur(img, img, cv::Size(), 1.5);
    cv::circle(img, {size / 2, size / 2}, size / 4, cv::Scalar(230), 4);
    return img;
}

/// conv1 by hand: BGR replicated grey minus the Caffe mean, correlated with each kernel, plus
/// bias, sampled at the stride, ReLU.
cv::Mat directConv1(const cv::Mat& gray227, const cnn::ConvWeights& w, int filter)
{
    const double mean[3] = {104, 117, 123};
    const int outSize = (gray227.cols + 2 * w.pad - w.kernelWidth) / w.stride + 1;
    cv::Mat sum = cv::Mat::zeros(gray227.rows, gray227.cols, CV_64F);
    for (int c = 0; c < w.inChannelsPerGroup; ++c) {
        cv::Mat x, r, k;
        gray227.convertTo(x, CV_64F, 1.0, -mean[c]);
        if (w.pad > 0)
            cv::copyMakeBorder(x, x, w.pad, w.pad, w.pad, w.pad, cv::BORDER_CONSTANT, 0);
        w.kernel(filter, c).convertTo(k, CV_64F);
        cv::filter2D(x, r, CV_64F, k, cv::Point(0, 0), 0, cv::BORDER_CONSTANT);
        if (sum.size() != r.size())
            sum = cv::Mat::zeros(r.size(), CV_64F);
        sum += r;
    }
    cv::Mat out(outSize, outSize, CV_32F);
    for (int i = 0; i < outSize; ++i)
        for (int j = 0; j < outSize; ++j)
            out.at<float>(i, j) = static_cast<float>(std::max(0.0, sum.at<double>(i * w.stride, j * w.stride) + w.bias[std::size_t(filter)]));
    return out;
}

void checkConv1(cnn::Backbone backbone)
{
    const cnn::CnnModel model(backbone, 5);
    const cv::Mat patch = texturedPatch(model.inputSize());
    const std::string layer = model.convLayerNames().front();
    const cnn::ConvWeights w = model.convWeights(layer);
    const std::vector<cv::Mat> maps = model.responseMaps(patch, layer, true);
    QCOMPARE(int(maps.size()), w.outChannels);
    int live = 0;
    for (int f : {0, 1, w.outChannels / 2, w.outChannels - 1}) {
        const cv::Mat expect = directConv1(patch, w, f);
        QCOMPARE(maps[std::size_t(f)].size(), expect.size());
        double lo, hi;
        cv::minMaxLoc(expect, &lo, &hi);
        live += hi > 0;
        const double err = cv::norm(maps[std::size_t(f)], expect, cv::NORM_INF);
        QVERIFY2(err <= 1e-3 * std::max(1.0, hi), qPrintable(QString("filter %1: max error %2 of %3").arg(f).arg(err).arg(hi)));
    }
    QVERIFY(live > 0);  // the comparison is not between all-zero maps

    // Upsampled to the patch geometry, one per filter.
    const cv::Mat small = texturedPatch(100);
    const auto up = LayerResponses::responses(model, small, layer);
    QCOMPARE(int(up.size()), w.outChannels);
    QCOMPARE(up.front().size(), small.size());

    // weightSet() holds the same numbers as convWeights(), one row per filter.
    const WeightSet ws = LayerResponses::weightSet(model);
    QCOMPARE(ws.size(), model.convLayerNames().size());
    QCOMPARE(int(ws.at(layer).size()), w.outChannels);
    const cv::Mat k00 = w.kernel(0, 0);
    QCOMPARE(ws.at(layer)[0].at<float>(0, 1), k00.at<float>(0, 1));
}

} // namespace

class TestLayerResponses : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void squeezeNetConv1IsDirectConvolution() { checkConv1(cnn::Backbone::SqueezeNet); }
    void caffeNetConv1IsDirectConvolution() { checkConv1(cnn::Backbone::CaffeNet); }

    void tableTwoOnModels()
    {
        // Same seed: nothing changed. Another seed: every filter is an independent draw with the
        // same variance, so ‖w1 − w0‖/‖w0‖ ≈ √2 for every filter of every layer.
        const cnn::CnnModel a(cnn::Backbone::SqueezeNet, 1), b(cnn::Backbone::SqueezeNet, 1), c(cnn::Backbone::SqueezeNet, 2);
        const WeightSet wa = LayerResponses::weightSet(a);
        const WeightChangeTable same = WeightChange::compare(wa, LayerResponses::weightSet(b), a.convLayerNames());
        const WeightChangeTable other = WeightChange::compare(wa, LayerResponses::weightSet(c), a.convLayerNames());
        QCOMPARE(same.layers.size(), a.convLayerNames().size());
        for (std::size_t i = 0; i < same.layers.size(); ++i) {
            QCOMPARE(same.layers[i].changed, 0);
            QCOMPARE(same.layers[i].max, 0.0);
            QCOMPARE(other.layers[i].changed, other.layers[i].filters);
            QVERIFY2(std::abs(other.layers[i].median - std::sqrt(2.0)) < 0.35,
                     qPrintable(QString::fromStdString(other.layers[i].layer) + " " + QString::number(other.layers[i].median)));
        }
    }
};

QTEST_GUILESS_MAIN(TestLayerResponses)
#include "TestLayerResponses.moc"

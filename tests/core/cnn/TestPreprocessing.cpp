// The network input is prepared exactly as the Caffe weights were trained: BGR channel order,
// 0–255 values, the per-channel ImageNet mean (104, 117, 123) subtracted, the patch warped to
// 227×227 — checked against OpenCV dnn's blobFromImage on real ultrasound (an HC18 DICOM) and on
// a colour image, and through the network (the same class scores from both blobs).
#include "cnn/CnnModel.h"
#include "dicom/ImageLoader.h"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <QtTest/QtTest>

#include <filesystem>

using namespace ks;
using namespace ks::cnn;

namespace {
const std::string kShared = KS_SHARED_DIR;
const std::string kImage = kShared + "/realdata/hc18/val/028_HC.dcm";
const std::string kPrototxt = kShared + "/weights/squeezenet-v1.0/deploy.prototxt";
const std::string kCaffemodel = kShared + "/weights/squeezenet-v1.0/squeezenet_v1.0.caffemodel";

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b)
{
    if (a.total() != b.total() || a.dims != b.dims) return 1e30;
    return cv::norm(a.reshape(1, 1), b.reshape(1, 1), cv::NORM_INF);
}

cv::Mat reference(const cv::Mat& image)
{
    cv::Mat bgr = image;
    if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR); // grey replicated to B, G, R
    return cv::dnn::blobFromImage(bgr, 1.0, cv::Size(227, 227), cv::Scalar(104, 117, 123), /*swapRB=*/false,
                                  /*crop=*/false, CV_32F);
}
} // namespace

class TestPreprocessing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realUltrasoundEqualsBlobFromImage()
    {
        if (!std::filesystem::exists(kImage)) QSKIP("shared HC18 data not present");
        const Image image = dicom::ImageLoader::load(kImage);
        const cv::Mat gray = image.gray8();
        QVERIFY(gray.cols == 800 && gray.rows == 540);
        CnnModel model(Backbone::SqueezeNet);
        // The whole frame and a head-sized crop (the per-patch path warps crops like this one).
        for (const cv::Mat& patch : {gray, cv::Mat(gray(cv::Rect(200, 100, 360, 300)))}) {
            const cv::Mat ours = model.makeInputBlob({patch});
            const cv::Mat theirs = reference(patch);
            QCOMPARE(ours.dims, 4);
            for (int d = 0; d < 4; ++d)
                QCOMPARE(ours.size[d], theirs.size[d]);
            const double diff = maxAbsDiff(ours, theirs);
            qInfo("real US %dx%d: max |ours - blobFromImage| = %.3g", patch.cols, patch.rows, diff);
            QVERIFY(diff <= 1e-4);
            // 0–255 scale with the mean removed: values span about -123..+151, not 0..1.
            double lo = 0, hi = 0;
            cv::minMaxLoc(ours.reshape(1, 1), &lo, &hi);
            QVERIFY(lo < -50 && hi > 50);
        }
    }

    void colourOrderIsBgr()
    {
        // A colour image whose channels differ: a swapped order would move values between planes.
        cv::Mat bgr(120, 160, CV_8UC3);
        for (int y = 0; y < bgr.rows; ++y)
            for (int x = 0; x < bgr.cols; ++x)
                bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x), static_cast<uchar>(y * 2), static_cast<uchar>(200 - x));
        CnnModel model(Backbone::SqueezeNet);
        const cv::Mat ours = model.makeInputBlob({bgr});
        QVERIFY(maxAbsDiff(ours, reference(bgr)) <= 1e-4);
        const cv::Mat rgb = cv::dnn::blobFromImage(bgr, 1.0, cv::Size(227, 227), cv::Scalar(123, 117, 104), true);
        QVERIFY(maxAbsDiff(ours, rgb) > 10); // and the RGB order would differ
    }

    void networkSeesTheSameInput()
    {
        if (!std::filesystem::exists(kImage) || !std::filesystem::exists(kCaffemodel)) QSKIP("shared data not present");
        const cv::Mat gray = dicom::ImageLoader::load(kImage).gray8();
        CnnModel model(Backbone::SqueezeNet);
        model.importCaffe(kPrototxt, kCaffemodel);
        cv::dnn::Net net = cv::dnn::readNetFromCaffe(kPrototxt, kCaffemodel);
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setInput(reference(gray));
        const cv::Mat expected = net.forward("pool_final");
        const cv::Mat ours = model.forwardBlob(model.makeInputBlob({gray}), "pool_final");
        QVERIFY(maxAbsDiff(ours, expected) <= 1e-3 * std::max(1.0, cv::norm(expected, cv::NORM_INF)));
    }
};

QTEST_GUILESS_MAIN(TestPreprocessing)
#include "TestPreprocessing.moc"

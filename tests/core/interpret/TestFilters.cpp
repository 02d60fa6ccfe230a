// Phase congruency, Frangi vesselness, response measures and Table 2 counting on generated data
// with known answers.
#include "interpret/Frangi.h"
#include "interpret/PhaseCongruency.h"
#include "interpret/ResponseMeasures.h"
#include "interpret/WeightChange.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <QtTest>

#include <cmath>
#include <random>

using namespace ks;
using namespace ks::interpret;

namespace {

/// Vertical step edge between columns edge-1 and edge, with mild Gaussian noise.
cv::Mat stepEdge(int size, int edge, double lo, double hi, double noise, unsigned seed)
{
    cv::Mat img(size, size, CV_32F);
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0, noise);
    for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c)
            img.at<float>(r, c) = static_cast<float>((c < edge ? lo : hi) + n(rng));
    return img;
}

/// Column index of the maximum of the row-averaged map.
int argmaxColumn(const cv::Mat& map, int margin)
{
    cv::Mat profile;
    cv::reduce(map, profile, 0, cv::REDUCE_AVG, CV_32F);
    int best = margin;
    for (int c = margin; c < profile.cols - margin; ++c)
        if (profile.at<float>(c) > profile.at<float>(best))
            best = c;
    return best;
}

} // namespace

class TestFilters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void phaseCongruencyPeaksOnStepEdge()
    {
        const cv::Mat img = stepEdge(96, 48, 50, 150, 2, 1);
        const PhaseCongruencyResult pc = PhaseCongruency().compute(img);
        QCOMPARE(pc.pcMax.size(), img.size());
        double lo, hi;
        cv::minMaxLoc(pc.pcMax, &lo, &hi);
        QVERIFY(lo >= 0 && hi <= 1);
        const int peak = argmaxColumn(pc.pcMax, 4);
        QVERIFY2(std::abs(peak - 47.5) <= 1.5, qPrintable(QString("peak at column %1").arg(peak)));
        // Strong at the edge, near zero in the flat noisy parts (noise compensation).
        cv::Mat profile;
        cv::reduce(pc.pcMax, profile, 0, cv::REDUCE_AVG, CV_32F);
        QVERIFY2(profile.at<float>(peak) > 0.5, qPrintable(QString::number(profile.at<float>(peak))));
        QVERIFY(profile.at<float>(15) < 0.1 && profile.at<float>(80) < 0.1);
        // Borders are reflect-padded: no spurious edge at the image boundary.
        QVERIFY(profile.at<float>(1) < 0.1 && profile.at<float>(94) < 0.1);
        // Orientation of a vertical edge: its energy vector points along x (angle ≈ 0 or π).
        const float a = pc.orientation.at<float>(48, 47);
        QVERIFY2(std::min(a, float(CV_PI) - a) < 0.2, qPrintable(QString::number(a)));
    }

    void phaseCongruencyIsContrastInvariant()
    {
        const cv::Mat img = stepEdge(80, 33, 20, 90, 4, 2);
        const PhaseCongruency pc;
        const cv::Mat a = pc.magnitude(img);
        const cv::Mat b = pc.magnitude(img * 3.7 + 55);
        const cv::Mat c = pc.magnitude(img * 0.05 - 2);
        QVERIFY(cv::norm(a, b, cv::NORM_INF) < 1e-3);
        QVERIFY(cv::norm(a, c, cv::NORM_INF) < 1e-3);
        QVERIFY(cv::norm(a, cv::NORM_INF) > 0.5);  // not trivially zero
    }

    void phaseCongruencyRespondsToLine()
    {
        cv::Mat img(90, 90, CV_32F, cv::Scalar(40));
        cv::line(img, {10, 45}, {80, 45}, cv::Scalar(140), 1);  // horizontal bright line
        const cv::Mat pc = PhaseCongruency().magnitude(img);
        QVERIFY(pc.at<float>(45, 45) > 0.6);
        QVERIFY(pc.at<float>(20, 45) < 0.1);
        QVERIFY(pc.at<float>(45, 45) >= pc.at<float>(43, 45));
        QVERIFY(pc.at<float>(45, 45) >= pc.at<float>(47, 45));
    }

    void frangiRespondsToVesselNotBlob()
    {
        cv::Mat img(120, 160, CV_32F, cv::Scalar(20));
        cv::line(img, {10, 30}, {150, 30}, cv::Scalar(200), 5);        // bright vessel, width 5
        cv::circle(img, {80, 85}, 10, cv::Scalar(200), cv::FILLED);      // bright blob, radius 10
        cv::GaussianBlur(img, img, cv::Size(), 1.0);
        FrangiParams p;
        p.sigmas = {1, 2, 3, 4, 5};
        const FrangiResult fr = Frangi(p).compute(img);
        const float onVessel = fr.vesselness.at<float>(30, 80);
        const float beside = fr.vesselness.at<float>(50, 80);
        const float blob = fr.vesselness.at<float>(85, 80);
        QVERIFY2(onVessel > 0.5, qPrintable(QString::number(onVessel)));
        QVERIFY(beside < 0.05);
        QVERIFY2(blob < 0.25 * onVessel, qPrintable(QString("blob %1 vessel %2").arg(blob).arg(onVessel)));
        // The centreline is the ridge of the response across the vessel.
        QVERIFY(onVessel >= fr.vesselness.at<float>(26, 80));
        QVERIFY(onVessel >= fr.vesselness.at<float>(34, 80));
        // Bright-ridge mode ignores a dark line...
        cv::Mat dark(100, 100, CV_32F, cv::Scalar(200));
        cv::line(dark, {50, 5}, {50, 95}, cv::Scalar(30), 3);
        cv::GaussianBlur(dark, dark, cv::Size(), 1.0);
        QVERIFY(Frangi(p).vesselness(dark).at<float>(50, 50) < 0.05);
        // ...which the dark-ridge option finds.
        p.brightRidges = false;
        const cv::Mat dv = Frangi(p).vesselness(dark);
        QVERIFY(dv.at<float>(50, 50) > 0.5);
        QVERIFY(dv.at<float>(50, 20) < 0.05);
        double lo, hi;
        cv::minMaxLoc(dv, &lo, &hi);
        QVERIFY(lo >= 0 && hi <= 1);
    }

    void nccOfSelfAndNegative()
    {
        cv::Mat img(40, 50, CV_32F);
        cv::randu(img, 0, 1);
        QVERIFY(std::abs(ResponseMeasures::ncc(img, img) - 1) < 1e-9);
        QVERIFY(std::abs(ResponseMeasures::ncc(img, -img) + 1) < 1e-9);
        QVERIFY(std::abs(ResponseMeasures::ncc(img, img * 5 + 3) - 1) < 1e-9);
        cv::Mat other(40, 50, CV_32F);
        cv::randu(other, 0, 1);
        QVERIFY(std::abs(ResponseMeasures::ncc(img, other)) < 0.1);
        // Inside a mask only: make the images agree in the left half and differ in the right.
        cv::Mat mixed = img.clone();
        other(cv::Rect(25, 0, 25, 40)).copyTo(mixed(cv::Rect(25, 0, 25, 40)));
        cv::Mat mask = cv::Mat::zeros(img.size(), CV_8U);
        mask(cv::Rect(0, 0, 25, 40)).setTo(255);
        QVERIFY(std::abs(ResponseMeasures::ncc(img, mixed, mask) - 1) < 1e-9);
        QVERIFY(ResponseMeasures::ncc(img, mixed) < 0.9);
        QCOMPARE(ResponseMeasures::ncc(img, cv::Mat(40, 50, CV_32F, cv::Scalar(2))), 0.0);
        QVERIFY_THROWS_EXCEPTION(ks::Error, ResponseMeasures::ncc(img, cv::Mat(10, 10, CV_32F)));
    }

    void speckleIndexOfRayleighSpeckle()
    {
        // Fully developed speckle: Rayleigh amplitude, std/mean = sqrt(4/π - 1) ≈ 0.523.
        cv::Mat re(200, 200, CV_32F), im(200, 200, CV_32F), amp;
        cv::randn(re, 0, 1);
        cv::randn(im, 0, 1);
        cv::magnitude(re, im, amp);
        const SpeckleStats s = ResponseMeasures::speckle(amp * 30);
        QVERIFY2(std::abs(s.speckleIndex - 0.523) < 0.02, qPrintable(QString::number(s.speckleIndex)));
        QVERIFY(std::abs(s.enl - 1 / (s.speckleIndex * s.speckleIndex)) < 1e-9);
        // Averaging 4×4 blocks of independent speckle reduces the index by about 4.
        cv::Mat small;
        cv::resize(amp, small, cv::Size(50, 50), 0, 0, cv::INTER_AREA);
        QVERIFY(ResponseMeasures::speckle(small).speckleIndex < 0.2);

        // The homogeneous mask avoids the dark background and the edge of a bright region.
        cv::Mat scene(200, 200, CV_32F, cv::Scalar(0));
        amp(cv::Rect(0, 0, 120, 200)).copyTo(scene(cv::Rect(0, 0, 120, 200)));
        const cv::Mat mask = ResponseMeasures::homogeneousMask(scene, 0.25);
        QVERIFY(cv::countNonZero(mask) > 1000);
        QCOMPARE(cv::countNonZero(mask(cv::Rect(125, 0, 75, 200))), 0);
        QCOMPARE(cv::countNonZero(mask(cv::Rect(112, 0, 16, 200))), 0);
        const SpeckleStats in = ResponseMeasures::speckle(scene, mask);
        QVERIFY(std::abs(in.speckleIndex - 0.523) < 0.05);
    }

    void tableTwoCountsHandMadeChanges()
    {
        // conv1: 4 filters changed by 0 %, 10 %, 39 %, 60 %; conv2: 3 filters by 41 %, 100 %, 250 %.
        auto filter = [](int n, unsigned seed) {
            cv::Mat f(1, n, CV_32F);
            cv::theRNG().state = seed;
            cv::randn(f, 0, 1);
            return f;
        };
        auto changedBy = [&](const cv::Mat& w, double rel, unsigned seed) {
            cv::Mat d = filter(w.cols, seed);
            d *= rel * cv::norm(w) / cv::norm(d);
            return cv::Mat(w + d);
        };
        WeightSet before, after;
        const std::vector<double> c1{0, 0.10, 0.39, 0.60}, c2{0.41, 1.0, 2.5};
        for (std::size_t i = 0; i < c1.size(); ++i) {
            const cv::Mat w = filter(27, 10 + unsigned(i)).reshape(1, 3);  // shape is irrelevant
            before["conv1"].push_back(w);
            after["conv1"].push_back(changedBy(w.reshape(1, 1), c1[i], 100 + unsigned(i)).reshape(1, 3));
        }
        for (std::size_t i = 0; i < c2.size(); ++i) {
            const cv::Mat w = filter(50, 20 + unsigned(i));
            before["conv2"].push_back(w);
            after["conv2"].push_back(changedBy(w, c2[i], 200 + unsigned(i)));
        }
        before["fc8"].push_back(filter(5, 1));  // only in one model: ignored when layers = {}

        const WeightChangeTable t = WeightChange::compare(before, after);
        QCOMPARE(t.layers.size(), std::size_t(2));
        QCOMPARE(t.layers[0].layer, std::string("conv1"));
        QCOMPARE(t.layers[0].changed, 1);
        QCOMPARE(t.layers[1].changed, 3);
        for (std::size_t i = 0; i < c1.size(); ++i)
            QVERIFY(std::abs(t.layers[0].changes[i] - c1[i]) < 1e-5);
        QVERIFY(std::abs(t.layers[1].max - 2.5) < 1e-5);
        QVERIFY(std::abs(t.layers[1].median - 1.0) < 1e-5);
        QVERIFY(std::abs(t.layers[0].median - (0.10 + 0.39) / 2) < 1e-5);
        // Histogram: conv1 bins [0,.1) [.1,.2) ... 0.10 may round either side of the bin edge.
        QCOMPARE(t.layers[0].histogram[0] + t.layers[0].histogram[1], 2);
        QCOMPARE(t.layers[0].histogram[3], 1);
        QCOMPARE(t.layers[0].histogram[6], 1);
        QCOMPARE(t.layers[1].histogram[9], 2);  // 100 % and 250 % in the open last bin

        // A stricter threshold counts fewer; a missing layer or a different architecture is an error.
        QCOMPARE(WeightChange::compare(before, after, {"conv2"}, 1.5).layers[0].changed, 1);
        QVERIFY_THROWS_EXCEPTION(ks::Error, WeightChange::compare(before, after, {"fc8"}));
        WeightSet fewer = after;
        fewer["conv1"].pop_back();
        QVERIFY_THROWS_EXCEPTION(ks::Error, WeightChange::compare(before, fewer));
    }
};

QTEST_GUILESS_MAIN(TestFilters)
#include "TestFilters.moc"

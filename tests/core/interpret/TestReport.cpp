// Measures over a layer's responses and the self-contained HTML report.
#include "interpret/HtmlReport.h"
#include "interpret/LayerResponseSet.h"
#include "interpret/ReferenceMaps.h"

#include "common/Error.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QtTest>

#include <fstream>
#include <regex>
#include <sstream>

using namespace ks;
using namespace ks::interpret;

namespace {

/// A speckled "kidney" patch: bright ellipse rim and a dark vessel-like line on Rayleigh speckle.
cv::Mat syntheticPatch(int size)
{
    cv::Mat tissue(size, size, CV_32F, cv::Scalar(90));
    cv::ellipse(tissue, {size / 2, size / 2}, {size / 3, size / 4}, 20, 0, 360, cv::Scalar(200), 3);
    cv::line(tissue, {size / 5, size / 6}, {4 * size / 5, size / 5}, cv::Scalar(30), 2);
    cv::Mat re(size, size, CV_32F), im(size, size, CV_32F), speckle;
    cv::theRNG().state = 7;
    cv::randn(re, 0, 1);
    cv::randn(im, 0, 1);
    cv::magnitude(re, im, speckle);
    cv::Mat img = tissue.mul(speckle) * (1 / 1.25);
    cv::Mat out;
    img.convertTo(out, CV_8U);
    return out;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void measuresRankResponsesAgainstReferences()
    {
        const ReferenceMaps ref = ReferenceMaps::compute(syntheticPatch(96));
        QCOMPARE(ref.phase.size(), cv::Size(96, 96));
        QVERIFY(cv::countNonZero(ref.homogeneous) > 200);
        QVERIFY(std::abs(ref.inputSpeckle.speckleIndex - 0.52) < 0.15);  // fully developed speckle

        cv::Mat smooth;
        cv::GaussianBlur(ref.input, smooth, cv::Size(), 3);
        cv::Mat input32;
        ref.input.convertTo(input32, CV_32F);
        const std::vector<cv::Mat> responses{
            input32,                                   // raw speckle
            ref.phase * 5,                             // identical to PC up to gain
            cv::Mat(96, 96, CV_32F, cv::Scalar(0)),    // dead filter
            ref.frangi.clone(),                        // identical to Frangi
            smooth,                                    // speckle suppressed
        };
        const LayerResponseSet set = LayerResponseSet::measure(responses, "test", "conv1", ref);
        QCOMPARE(set.filters.size(), std::size_t(5));
        QCOMPARE(set.deadFilters, 1);
        QCOMPARE(set.bestPhaseFilter, 1);
        QCOMPARE(set.bestFrangiFilter, 3);
        QVERIFY(std::abs(set.maxNccPhase - 1) < 1e-6);
        QVERIFY(std::abs(set.maxNccFrangi - 1) < 1e-6);
        QCOMPARE(set.ranking().front(), 1);
        QCOMPARE(set.ranking(true).front(), 3);
        QCOMPARE(set.ranking().back(), 2);  // dead filters last
        // Smoothing suppresses speckle: lower index and lower homogeneous/total residual than raw input.
        QVERIFY(set.filters[4].speckle.rectified.speckleIndex < 0.5 * set.filters[0].speckle.rectified.speckleIndex);
        QVERIFY(set.filters[4].speckle.residual < set.filters[0].speckle.residual);
        QVERIFY_THROWS_EXCEPTION(ks::Error,
                                 LayerResponseSet::measure({cv::Mat(10, 10, CV_32F)}, "x", "conv1", ref));
    }

    void base64RoundTrip()
    {
        for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 100u}) {
            std::vector<unsigned char> bytes(n);
            for (std::size_t i = 0; i < n; ++i)
                bytes[i] = static_cast<unsigned char>(i * 37 + 11);
            QCOMPARE(HtmlReport::unbase64(HtmlReport::base64(bytes)), bytes);
        }
        QCOMPARE(HtmlReport::base64({'M', 'a', 'n'}), std::string("TWFu"));
        QCOMPARE(HtmlReport::base64({'M', 'a'}), std::string("TWE="));
        QVERIFY_THROWS_EXCEPTION(ks::Error, HtmlReport::unbase64("TW=u"));
    }

    void reportIsSelfContainedAndCarriesTheNumbers()
    {
        ReportData d;
        d.title = "Report <kidney> & co";
        d.table1 = {"Table 1", {"Method", "Mean Dice"}, {{"Haar+GBM", "0.741"}, {"SqueezeNet FA", "0.812"}}};
        WeightChangeTable t;
        t.threshold = 0.4;
        LayerChange lc;
        lc.layer = "conv3";
        lc.filters = 384;
        lc.changed = 125;
        lc.median = 0.37;
        lc.histogram = {1, 2, 3};
        t.layers.push_back(lc);
        d.table2.push_back({"FA vs NA", t});
        ReportPanel panel;
        panel.caption = "patch 1";
        panel.reference = ReferenceMaps::compute(syntheticPatch(64));
        std::vector<cv::Mat> resp{panel.reference.phase.clone(), panel.reference.frangi.clone()};
        panel.models.push_back(LayerResponseSet::measure(resp, "SqueezeNet FA", "conv1", panel.reference));
        panel.topFilters = 2;
        d.panels.push_back(panel);
        d.perImageDice = {"", {"Image", "Dice"}, {{"a.png", "0.9"}}};
        d.configuration = {{"seed", "42"}, {"data sha256", "abc"}};
        d.manifestJson = "{\"seed\": 42}";

        const std::string html = HtmlReport::render(d);
        QVERIFY(html.find("Report &lt;kidney&gt; &amp; co") != std::string::npos);
        QVERIFY(html.find("<td>conv3</td><td>384</td><td>125</td>") != std::string::npos);
        QVERIFY(html.find("37.0 %") != std::string::npos);
        QVERIFY(html.find("SqueezeNet FA") != std::string::npos);
        QVERIFY(html.find("{&quot;seed&quot;: 42}") != std::string::npos);
        QVERIFY(html.find("http") == std::string::npos);  // nothing external

        // Every embedded image decodes as a PNG of the patch size: input, PC, Frangi, mask + 2 responses.
        const std::regex uri("data:image/png;base64,([A-Za-z0-9+/=]+)");
        int images = 0;
        for (auto it = std::sregex_iterator(html.begin(), html.end(), uri); it != std::sregex_iterator(); ++it) {
            const auto bytes = HtmlReport::unbase64((*it)[1].str());
            const cv::Mat img = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
            QCOMPARE(img.size(), cv::Size(64, 64));
            ++images;
        }
        QCOMPARE(images, 6);

        const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString();
        QDir().mkpath(QString::fromStdString(dir));
        const std::string path = dir + "/interpret-report.html";
        HtmlReport::write(d, path);
        std::ifstream f(path);
        std::stringstream ss;
        ss << f.rdbuf();
        QCOMPARE(ss.str(), html);
        QVERIFY_THROWS_EXCEPTION(ks::Error, HtmlReport::write(d, "/nonexistent-dir/x/report.html"));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "TestReport.moc"

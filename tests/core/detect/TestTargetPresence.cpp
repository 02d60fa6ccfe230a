// The honest "no target found" (TargetPresence): trained on synthetic organ scenes, unseen
// scenes of the same kind pass, images without the organ (speckle alone, a bright disc of the
// wrong shape, a checkerboard) are called novel, and the model survives its JSON.

#include "SyntheticScene.h"

#include "detect/TargetPresence.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <QtTest>

using namespace ks;
using namespace ks::detect;

namespace {
std::vector<AnnotatedFrame> scenes(unsigned first, int n)
{
    std::vector<AnnotatedFrame> out;
    for (int i = 0; i < n; ++i)
        out.push_back(test::syntheticScene(first + static_cast<unsigned>(i)));
    return out;
}

/// Frames without the organ, with the box a detector might have picked.
std::vector<std::pair<cv::Mat, Box>> withoutTarget()
{
    std::vector<std::pair<cv::Mat, Box>> out;
    for (unsigned s = 0; s < 4; ++s) {
        cv::Mat speckle(180, 240, CV_32F);
        cv::theRNG().state = 77 + s;
        cv::randn(speckle, 90, 25);
        cv::GaussianBlur(speckle, speckle, cv::Size(0, 0), 1.2);
        cv::Mat g;
        speckle.convertTo(g, CV_8U);
        out.emplace_back(g, Box{40.0 + 10 * s, 40, 100, 60});
    }
    cv::Mat board(180, 240, CV_8U);
    for (int y = 0; y < board.rows; ++y)
        for (int x = 0; x < board.cols; ++x)
            board.at<uchar>(y, x) = ((x / 12 + y / 12) % 2) ? 220 : 20;
    out.emplace_back(board, Box{30, 30, 120, 70});
    cv::Mat bright(180, 240, CV_8U, cv::Scalar(10));
    cv::rectangle(bright, cv::Rect(60, 50, 110, 70), cv::Scalar(250), cv::FILLED);
    out.emplace_back(bright, Box{60, 50, 110, 70});
    return out;
}
} // namespace

class TestTargetPresence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unseenTargetsPassOthersDoNot()
    {
        TargetPresence p;
        p.train(scenes(1, 30), {});
        QVERIFY(p.isTrained());
        QVERIFY(p.threshold() > 0);
        int found = 0;
        const auto unseen = scenes(500, 20);
        for (const auto& f : unseen)
            found += p.present(f.gray, *f.truth) ? 1 : 0;
        QVERIFY2(found >= 18, QByteArray::number(found).constData());
        int novel = 0;
        const auto others = withoutTarget();
        QString why;
        for (const auto& [g, box] : others) {
            const double n = p.novelty(g, {box}).front();
            why += QString::number(n, 'f', 2) + " ";
            novel += n > p.threshold() ? 1 : 0;
        }
        why += "threshold " + QString::number(p.threshold(), 'f', 2);
        QVERIFY2(novel == static_cast<int>(others.size()), qPrintable(why));
    }

    void knownAbsentImagesSetTheThreshold()
    {
        TargetPresence oneClass, informed;
        const auto train = scenes(1, 20);
        oneClass.train(train, {});
        std::vector<AnnotatedFrame> negatives;
        std::vector<std::vector<Box>> boxes;
        for (const auto& [g, box] : withoutTarget()) {
            AnnotatedFrame f;
            f.gray = g;
            negatives.push_back(f);
            boxes.push_back({box});
        }
        informed.train(train, {}, negatives, boxes);
        QVERIFY(informed.threshold() >= oneClass.threshold() / oneClass.config().margin - 1e-9);
        for (size_t i = 0; i < negatives.size(); ++i)
            QVERIFY(!informed.present(negatives[i].gray, boxes[i].front()));
    }

    void jsonRoundTrip()
    {
        TargetPresence p;
        p.train(scenes(1, 10), {});
        const TargetPresence q = TargetPresence::fromJson(p.toJson());
        const auto f = test::syntheticScene(999);
        QCOMPARE(q.threshold(), p.threshold());
        QVERIFY(std::abs(q.novelty(f.gray, {*f.truth}).front() - p.novelty(f.gray, {*f.truth}).front()) < 1e-4);
        QVERIFY_THROWS_EXCEPTION(Error, TargetPresence::fromJson(R"({"features": 1})"));
        QVERIFY_THROWS_EXCEPTION(Error, TargetPresence::fromJson("not json"));
    }

    void tooFewFramesRefused()
    {
        TargetPresence p;
        QVERIFY_THROWS_EXCEPTION(Error, p.train(scenes(1, 2), {}));
        QVERIFY(!p.isTrained());
    }
};

QTEST_APPLESS_MAIN(TestTargetPresence)
#include "TestTargetPresence.moc"

// The box-regression stage (beyond the paper): its targets invert exactly, its training boxes
// are deterministic and overlap the truth, and trained on synthetic scenes it moves boxes it has
// never seen closer to their truth.

#include "SyntheticScene.h"

#include "detect/BoxRegressor.h"

#include "common/Error.h"

#include <QtTest>

#include <cmath>

using namespace ks;
using namespace ks::detect;

class TestBoxRegressor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void targetsInvert()
    {
        const BoxRegressorConfig c;
        const Box truth{50, 40, 80, 60};
        for (const Box& b : BoxRegressor::jittered(truth, c, 7)) {
            const Box back = BoxRegressor::applyTargets(b, BoxRegressor::targets(b, truth), c);
            QVERIFY(std::abs(back.x - truth.x) < 1e-3 && std::abs(back.width - truth.width) < 1e-3);
            QVERIFY(std::abs(back.y - truth.y) < 1e-3 && std::abs(back.height - truth.height) < 1e-3);
        }
        // A correction beyond the trained range is clamped, never extrapolated.
        const Box far = BoxRegressor::applyTargets(truth, {5.0f, 0, 3.0f, 0}, c);
        QVERIFY(far.width <= truth.width * std::exp(c.maxLogScale) + 1e-9);
        QVERIFY(far.centerX() - truth.centerX() <= truth.width * c.maxShift * std::exp(c.maxLogScale) + 1e-9);
    }

    void jitterIsDeterministicAndOverlaps()
    {
        const BoxRegressorConfig c;
        const Box truth{10, 20, 100, 50};
        const auto a = BoxRegressor::jittered(truth, c, 3), b = BoxRegressor::jittered(truth, c, 3);
        QCOMPARE(static_cast<int>(a.size()), c.boxesPerFrame);
        QCOMPARE(a, b);
        QVERIFY(a != BoxRegressor::jittered(truth, c, 4));
        for (const Box& x : a)
            QVERIFY(iou(x, truth) >= c.minIou);
    }

    void refinesUnseenBoxesTowardsTheTruth()
    {
        std::vector<AnnotatedFrame> train;
        for (unsigned s = 0; s < 40; ++s)
            train.push_back(test::syntheticScene(100 + s));
        BoxRegressorConfig c;
        c.haarCount = 600;
        BoxRegressor r;
        r.train(train, c);
        QVERIFY(r.isTrained());
        double before = 0, after = 0;
        int n = 0, better = 0;
        for (unsigned s = 0; s < 12; ++s) {
            const AnnotatedFrame f = test::syntheticScene(900 + s);
            const Box region{0, 0, static_cast<double>(f.gray.cols), static_cast<double>(f.gray.rows)};
            const auto boxes = BoxRegressor::jittered(*f.truth, c, 5000 + s);
            const auto refined = r.refine(f.gray, boxes, region);
            QCOMPARE(refined.size(), boxes.size());
            for (size_t i = 0; i < boxes.size(); ++i) {
                const Box& g = refined[i];
                QVERIFY(g.x >= 0 && g.y >= 0 && g.right() <= f.gray.cols + 1e-9 && g.bottom() <= f.gray.rows + 1e-9);
                before += dice(boxes[i], *f.truth);
                after += dice(g, *f.truth);
                better += dice(g, *f.truth) > dice(boxes[i], *f.truth) ? 1 : 0;
                ++n;
            }
        }
        before /= n;
        after /= n;
        const QByteArray msg = QByteArray::number(before) + " -> " + QByteArray::number(after) + ", better "
            + QByteArray::number(better) + "/" + QByteArray::number(n);
        qInfo("mean Dice %s", msg.constData());
        QVERIFY2(after > before + 0.05, msg.constData());
        QVERIFY2(better > n * 2 / 3, msg.constData());
    }

    void untrainedRefuses()
    {
        BoxRegressor r;
        QVERIFY_THROWS_EXCEPTION(ks::Error, r.refine(cv::Mat(10, 10, CV_8U), {Box{0, 0, 5, 5}}, Box{0, 0, 10, 10}));
    }
};

QTEST_APPLESS_MAIN(TestBoxRegressor)
#include "TestBoxRegressor.moc"

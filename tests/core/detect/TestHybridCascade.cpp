// The hybrid's cascade and its branch-and-bound: on a detector whose "haar" and "fa" feature sets
// are small deterministic extractors with real GBMs, the bounded search chooses exactly the box
// an exhaustive evaluation chooses while scoring fewer boxes, the cascade's "exact" flag is only
// raised when its answer is the exhaustive one, and scoreMethods() follows hybridConfig().
// Also the thinning of labels used for the per-patch CNN work.

#include "detect/Detector.h"
#include "detect/HybridWeight.h"
#include "detect/Labeler.h"

#include "common/FeatureExtractor.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

using namespace ks;
using namespace ks::detect;

namespace {

/// Features of a box: its distance to a per-extractor "target" box plus seeded noise (so that
/// the two sets disagree a little, as Haar and the CNN do). Counts the boxes it was asked for.
class FakeFeatures : public FeatureExtractor
{
public:
    FakeFeatures(Box target, unsigned seed, int* counter) : m_target(target), m_seed(seed), m_counter(counter) {}
    std::string name() const override { return "fake"; }
    int dimension() const override { return 3; }
    cv::Mat extract(const cv::Mat&, const std::vector<Box>& boxes, Progress&) override
    {
        cv::Mat out(static_cast<int>(boxes.size()), 3, CV_32F);
        for (size_t i = 0; i < boxes.size(); ++i) {
            const Box& b = boxes[i];
            std::mt19937 rng(m_seed * 1000003u + static_cast<unsigned>(b.x * 7 + b.y * 13 + b.width * 17));
            std::normal_distribution<float> noise(0.f, 0.08f);
            out.at<float>(static_cast<int>(i), 0) = static_cast<float>(dice(b, m_target)) + noise(rng);
            out.at<float>(static_cast<int>(i), 1) = static_cast<float>(std::abs(b.x - m_target.x) / 100.0) + noise(rng);
            out.at<float>(static_cast<int>(i), 2) = static_cast<float>(b.width / 100.0);
        }
        if (m_counter)
            *m_counter += static_cast<int>(boxes.size());
        return out;
    }

private:
    Box m_target;
    unsigned m_seed;
    int* m_counter;
};

std::vector<Box> grid()
{
    std::vector<Box> boxes;
    for (double w : {60.0, 80.0, 100.0})
        for (double y = 0; y + 0.5 * w <= 200; y += 10)
            for (double x = 0; x + w <= 300; x += 10)
                boxes.push_back({x, y, w, 0.5 * w});
    return boxes;
}

FeatureSet trained(const std::string& name, Box target, unsigned seed, const std::vector<Box>& boxes, int* counter)
{
    FeatureSet fs;
    fs.name = name;
    fs.extractor = std::make_unique<FakeFeatures>(target, seed, counter);
    const cv::Mat x = fs.extractor->extract(cv::Mat(), boxes, NullProgress::instance());
    std::vector<float> y;
    for (const auto& b : boxes)
        y.push_back(dice(b, target) >= 0.6 ? 1.f : 0.f); // enough positives on this coarse grid for confident trees
    GbmParams p;
    p.rounds = 60;
    fs.gbm.train(x, y, p);
    return fs;
}

} // namespace

class TestHybridCascade : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundIsExhaustiveAndCheaper()
    {
        const auto boxes = grid();
        int haarCalls = 0, faCalls = 0;
        Detector d(SizeModel{}, CandidateConfig{});
        d.addFeatureSet(trained("haar", Box{100, 60, 80, 40}, 1, boxes, &haarCalls));
        d.addFeatureSet(trained("fa", Box{110, 60, 80, 40}, 2, boxes, &faCalls)); // FA sees the kidney a bit elsewhere
        const cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(0));
        const auto haar = d.scoreSets(frame, boxes, {"haar"}).at("haar");
        const auto fa = d.scoreSets(frame, boxes, {"fa"}).at("fa");
        std::vector<float> exhaustive(boxes.size());
        for (size_t i = 0; i < boxes.size(); ++i)
            exhaustive[i] = 0.5f * (haar[i] + fa[i]);
        const Detection want = Detector::choose(boxes, exhaustive);

        faCalls = 0;
        HybridStats bounded;
        const auto b = d.scoreHybrid(frame, boxes, haar, 8, true, NullProgress::instance(), &bounded);
        const Detection got = Detector::choose(boxes, b);
        QCOMPARE(got.box, want.box);
        QCOMPARE(got.likelihood, want.likelihood);
        QVERIFY(bounded.exact);
        QCOMPARE(bounded.cnnBoxes, faCalls);
        QVERIFY2(bounded.cnnBoxes < static_cast<int>(boxes.size()),
                 qPrintable(QString("bound scored %1 of %2").arg(bounded.cnnBoxes).arg(boxes.size())));
        // Boxes the bound skipped keep half their Haar likelihood, which cannot win.
        for (size_t i = 0; i < boxes.size(); ++i)
            QVERIFY(b[i] == exhaustive[i] || b[i] == 0.5f * haar[i]);

        // Everything through the CNN (top = 0) is the exhaustive answer, flagged exact.
        HybridStats all;
        const auto full = d.scoreHybrid(frame, boxes, haar, 0, false, NullProgress::instance(), &all);
        QCOMPARE(all.cnnBoxes, static_cast<int>(boxes.size()));
        QVERIFY(all.exact);
        for (size_t i = 0; i < boxes.size(); ++i)
            QCOMPARE(full[i], exhaustive[i]);
    }

    void cnnHintBringsTheCnnsRegionIntoTheCascade()
    {
        // Haar sees the target at one place, the CNN at another (far apart): Haar's top 8 all lie
        // around its own, so without the hint the cascade never scores the CNN's region; with
        // the CNN's ranking as the hint half of the 8 come from there. The bound's answer is the
        // exhaustive one either way.
        const auto boxes = grid();
        Detector d(SizeModel{}, CandidateConfig{});
        d.addFeatureSet(trained("haar", Box{20, 20, 80, 40}, 1, boxes, nullptr));
        d.addFeatureSet(trained("fa", Box{200, 140, 80, 40}, 2, boxes, nullptr));
        const cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(0));
        const auto haar = d.scoreSets(frame, boxes, {"haar"}).at("haar");
        const auto fa = d.scoreSets(frame, boxes, {"fa"}).at("fa");
        const Box cnnRegion{200, 140, 80, 40};
        auto scoredNear = [&](const HybridStats& s) {
            int n = 0;
            for (size_t i = 0; i < boxes.size(); ++i)
                n += std::isfinite(s.cnn[i]) && iou(boxes[i], cnnRegion) > 0.3 ? 1 : 0;
            return n;
        };
        HybridStats plain, hinted;
        d.scoreHybrid(frame, boxes, haar, 8, false, NullProgress::instance(), &plain);
        d.scoreHybrid(frame, boxes, haar, 8, false, NullProgress::instance(), &hinted, fa);
        QCOMPARE(plain.cnnBoxes, 8);
        QCOMPARE(hinted.cnnBoxes, 8);
        QCOMPARE(scoredNear(plain), 0);
        QVERIFY2(scoredNear(hinted) >= 3, QByteArray::number(scoredNear(hinted)).constData());
        std::vector<float> exhaustive(boxes.size());
        for (size_t i = 0; i < boxes.size(); ++i)
            exhaustive[i] = 0.5f * (haar[i] + fa[i]);
        HybridStats bounded;
        const auto b = d.scoreHybrid(frame, boxes, haar, 8, true, NullProgress::instance(), &bounded, fa);
        QVERIFY(bounded.exact);
        QCOMPARE(Detector::choose(boxes, b).box, Detector::choose(boxes, exhaustive).box);
    }

    void cascadeFlagIsHonest()
    {
        const auto boxes = grid();
        Detector d(SizeModel{}, CandidateConfig{});
        d.addFeatureSet(trained("haar", Box{100, 60, 80, 40}, 3, boxes, nullptr));
        d.addFeatureSet(trained("fa", Box{160, 100, 100, 50}, 4, boxes, nullptr)); // disagrees strongly with Haar
        const cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(0));
        const auto haar = d.scoreSets(frame, boxes, {"haar"}).at("haar");
        const Detection want = Detector::choose(boxes, d.scoreHybrid(frame, boxes, haar, 0, false));
        int exactSeen = 0;
        for (int top : {1, 2, 4, 16, 64, 256}) {
            HybridStats s;
            const Detection c = Detector::choose(boxes, d.scoreHybrid(frame, boxes, haar, top, false,
                                                                        NullProgress::instance(), &s));
            QCOMPARE(s.cnnBoxes, std::min(top, static_cast<int>(boxes.size())));
            if (s.exact) {
                QCOMPARE(c.box, want.box); // an "exact" cascade is the exhaustive answer
                ++exactSeen;
            }
        }
        QVERIFY(exactSeen < 6); // with this disagreement a tiny cascade cannot prove itself

        // scoreMethods follows the configured cascade size.
        HybridConfig h;
        h.cnnTop = 5;
        d.setHybridConfig(h);
        HybridStats s;
        const auto scored = d.scoreMethods(frame, boxes, {Method::Hybrid}, NullProgress::instance(), &s);
        QCOMPARE(s.cnnBoxes, 5);
        QCOMPARE(scored.at(Method::Hybrid).size(), boxes.size());
    }

    void rowCascadeLetsThePerPatchGbmDecide()
    {
        // A "na" set whose fast path sees the target a little off and whose per-patch twin sees it
        // where it is: with rowTop the per-patch GBM decides among the fast path's top boxes.
        const auto boxes = grid();
        const Box target{100, 60, 80, 40};
        int fastCalls = 0, exactCalls = 0;
        FeatureSet na = trained("na", Box{120, 70, 80, 40}, 5, boxes, &fastCalls);
        FeatureSet exact = trained("na", target, 6, boxes, &exactCalls);
        na.exactExtractor = std::move(exact.extractor);
        na.exactGbm = std::move(exact.gbm);
        QVERIFY(na.hasExact());
        Detector d(SizeModel{}, CandidateConfig{});
        d.addFeatureSet(std::move(na));
        const cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(0));
        HybridConfig h;
        h.rowTop = 0; // the fast path decides
        d.setHybridConfig(h);
        const auto fastOnly = Detector::choose(boxes, d.scoreSets(frame, boxes, {"na"}).at("na"));
        h.rowTop = 48;
        d.setHybridConfig(h);
        fastCalls = exactCalls = 0;
        const auto scores = d.scoreSets(frame, boxes, {"na"}).at("na");
        QCOMPARE(exactCalls, 48); // only the top boxes go per patch
        QCOMPARE(fastCalls, static_cast<int>(boxes.size()));
        const auto cascaded = Detector::choose(boxes, scores);
        QVERIFY2(dice(cascaded.box, target) > dice(fastOnly.box, target),
                 qPrintable(QString("cascade %1, fast %2").arg(dice(cascaded.box, target)).arg(dice(fastOnly.box, target))));
        // Boxes left out stay below every re-scored one: exactly 48 boxes reach the 48th score
        // (ties aside), and no box left out is classified positive.
        std::vector<float> sorted = scores;
        std::sort(sorted.begin(), sorted.end(), std::greater<float>());
        QVERIFY(sorted[48] < 0.5f);
        QVERIFY(sorted[48] <= 0.5f * sorted[47] + 1e-6f);
    }

    void perBoxScoresAreComputedOncePerFrame()
    {
        // Haar and per-patch scores of a box are kept for the frame: the FA row's per-patch
        // cascade and the hybrid's share their boxes, a second Haar pass extracts nothing, the
        // answers equal those of detectors that compute everything afresh, and a frame with one
        // pixel changed is scored anew.
        const auto boxes = grid();
        int haarCalls = 0, faFast = 0, faExact = 0;
        auto make = [&boxes](int* hc, int* ff, int* fe) {
            Detector d(SizeModel{}, CandidateConfig{});
            d.addFeatureSet(trained("haar", Box{100, 60, 80, 40}, 7, boxes, hc));
            FeatureSet fa = trained("fa", Box{104, 62, 80, 40}, 8, boxes, ff);
            FeatureSet ex = trained("fa", Box{100, 60, 80, 40}, 9, boxes, fe);
            fa.exactExtractor = std::move(ex.extractor);
            fa.exactGbm = std::move(ex.gbm);
            d.addFeatureSet(std::move(fa));
            return d;
        };
        Detector d = make(&haarCalls, &faFast, &faExact);
        cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(0));
        haarCalls = faFast = faExact = 0;
        std::map<std::string, std::vector<float>> sets;
        const auto both = d.scoreMethods(frame, boxes, {Method::FA, Method::Hybrid}, NullProgress::instance(), nullptr, &sets);
        QCOMPARE(haarCalls, static_cast<int>(boxes.size()));
        const int rowTop = d.hybridConfig().rowTop, cnnTop = d.hybridConfig().cnnTop;
        QVERIFY2(faExact >= std::max(rowTop, cnnTop) && faExact < rowTop + cnnTop,
                 qPrintable(QString("%1 per-patch boxes").arg(faExact)));

        // The same answers from detectors that share nothing.
        Detector row = make(nullptr, nullptr, nullptr), hybrid = make(nullptr, nullptr, nullptr);
        std::map<std::string, std::vector<float>> rowSets;
        const auto fa = row.scoreMethods(frame, boxes, {Method::FA}, NullProgress::instance(), nullptr, &rowSets);
        QCOMPARE(fa.at(Method::FA), both.at(Method::FA));
        std::map<std::string, std::vector<float>> given{{"fa", rowSets.at("fa")}};
        const auto h = hybrid.scoreMethods(frame, boxes, {Method::Hybrid}, NullProgress::instance(), nullptr, &given);
        QCOMPARE(h.at(Method::Hybrid), both.at(Method::Hybrid));

        // Same content in another buffer: kept. One pixel changed: computed again.
        haarCalls = 0;
        const cv::Mat copy = frame.clone();
        QCOMPARE(d.scoreSets(copy, boxes, {"haar"}).at("haar"), sets.at("haar"));
        QCOMPARE(haarCalls, 0);
        cv::Mat changed = frame.clone();
        changed.at<uchar>(199, 299) = 1;
        d.scoreSets(changed, boxes, {"haar"});
        QCOMPARE(haarCalls, static_cast<int>(boxes.size()));
    }

    void thinKeepsRatioAndSpread()
    {
        std::vector<LabelledBox> l;
        for (int i = 0; i < 40; ++i)
            l.push_back({Box{double(i), 0, 10, 10}, 1, 0.9});
        for (int i = 0; i < 320; ++i)
            l.push_back({Box{double(i), 50, 10, 10}, 0, i < 160 ? 0.6 : 0.1});
        const auto t = Labeler::thin(l, 16, 3.0);
        int pos = 0, near = 0;
        for (const auto& x : t) {
            pos += x.label;
            near += !x.label && x.dice >= 0.5;
        }
        QCOMPARE(pos, 16);
        QCOMPARE(static_cast<int>(t.size()) - pos, 48);
        QCOMPARE(near, 24); // the near misses keep their half
        QCOMPARE(t.front().box.x, 0.0);
        QCOMPARE(t[1].box.x, 2.0); // every 40/16 = 2.5th positive
        QCOMPARE(Labeler::thin(l, 0, 3.0).size(), l.size());
        QCOMPARE(Labeler::thin(l, 100, 100.0).size(), l.size()); // fewer than asked: all kept
    }

    void crossValidatedWeightFollowsTheInformativeHalf()
    {
        // 30 frames of 40 boxes each with a Dice in [0, 1]; one feature set sees the Dice (plus a
        // little noise), the other sees only noise. The cross-validated Haar share must lean to
        // whichever set is informative, and to 0.5 when both are.
        std::mt19937 rng(11);
        std::uniform_real_distribution<float> u(0.f, 1.f);
        std::normal_distribution<float> noise(0.f, 0.05f);
        cv::Mat good(0, 2, CV_32F), bad(0, 2, CV_32F);
        std::vector<float> labels;
        std::vector<double> dices;
        std::vector<int> frameOf;
        for (int f = 0; f < 30; ++f)
            for (int b = 0; b < 40; ++b) {
                const float d = u(rng);
                const float g[2] = {d + noise(rng), noise(rng)}, n[2] = {u(rng), u(rng)};
                good.push_back(cv::Mat(1, 2, CV_32F, const_cast<float*>(g)));
                bad.push_back(cv::Mat(1, 2, CV_32F, const_cast<float*>(n)));
                labels.push_back(d >= 0.8f ? 1.f : 0.f);
                dices.push_back(d);
                frameOf.push_back(f);
            }
        GbmParams p;
        p.rounds = 40;
        const auto haarWins = HybridWeight::crossValidate(good, bad, labels, dices, frameOf, 3, p);
        QCOMPARE(haarWins.meanDice.size(), size_t(11));
        QVERIFY2(haarWins.weight >= 0.7, QByteArray::number(haarWins.weight).constData());
        const auto faWins = HybridWeight::crossValidate(bad, good, labels, dices, frameOf, 3, p);
        QVERIFY2(faWins.weight <= 0.3, QByteArray::number(faWins.weight).constData());
        // The held-out Dice of the chosen weight is the best of the grid.
        QCOMPARE(*std::max_element(haarWins.meanDice.begin(), haarWins.meanDice.end()),
                 haarWins.meanDice[static_cast<size_t>(std::lround(haarWins.weight * 10))]);
        // Too few frames for the folds: the paper's mean, no figures.
        const std::vector<int> oneFrame(frameOf.size(), 0);
        const auto none = HybridWeight::crossValidate(good, bad, labels, dices, oneFrame, 3, p);
        QCOMPARE(none.weight, 0.5);
        QVERIFY(none.meanDice.empty());
    }
};

QTEST_GUILESS_MAIN(TestHybridCascade)
#include "TestHybridCascade.moc"

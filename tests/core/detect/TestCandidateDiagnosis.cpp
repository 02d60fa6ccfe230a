// The diagnosis that tells coverage, scoring and choice failures apart: the oracle equals a
// brute-force maximum, the AUC equals a pairwise count, ranks and causes on hand-made cases,
// and Evaluation carries them per image and in total.

#include "detect/CandidateDiagnosis.h"
#include "detect/DetectorTrainer.h"
#include "detect/Evaluation.h"
#include "detect/RepeatedExperiment.h"

#include "SyntheticScene.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace ks;
using namespace ks::detect;

class TestCandidateDiagnosis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oracleIsTheBruteForceMaximum()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> pos(0, 200), size(10, 120);
        for (int trial = 0; trial < 20; ++trial) {
            const Box truth{pos(rng), pos(rng), size(rng), size(rng)};
            std::vector<Box> boxes;
            for (int i = 0; i < 300; ++i)
                boxes.push_back({pos(rng), pos(rng), size(rng), size(rng)});
            std::vector<double> d;
            for (const auto& b : boxes)
                d.push_back(dice(b, truth));
            const auto it = std::max_element(d.begin(), d.end());
            const double best = *it;
            const int bestIndex = static_cast<int>(it - d.begin());
            const auto o = CandidateDiagnosis::oracle(boxes, truth);
            QCOMPARE(o.index, bestIndex);
            QCOMPARE(o.dice, best);
        }
        // By hand: truth 100×100 at the origin; a box shifted by 20 px overlaps 80×100, Dice 0.8;
        // one of 100×50 inside it, Dice 2·5000/15000 = 2/3.
        const Box square{0, 0, 100, 100};
        const auto hand = CandidateDiagnosis::oracle({{0, 0, 100, 50}, {20, 0, 100, 100}, {500, 500, 10, 10}}, square);
        QCOMPARE(hand.index, 1);
        QVERIFY(std::abs(hand.dice - 0.8) < 1e-12);
        // The truth itself among the candidates: the oracle is exactly 1.
        const Box t{10, 20, 30, 40};
        const auto o = CandidateDiagnosis::oracle({{0, 0, 5, 5}, t, {12, 22, 30, 40}}, t);
        QCOMPARE(o.index, 1);
        QCOMPARE(o.dice, 1.0);
        QCOMPARE(CandidateDiagnosis::oracle({}, t).index, -1);
    }

    void aucEqualsThePairwiseCount()
    {
        std::mt19937 rng(3);
        std::uniform_int_distribution<int> level(0, 9); // few levels: many ties
        for (int trial = 0; trial < 10; ++trial) {
            std::vector<float> s;
            std::vector<bool> y;
            for (int i = 0; i < 200; ++i) {
                const bool positive = (rng() % 4) == 0;
                y.push_back(positive);
                s.push_back(static_cast<float>(level(rng) + (positive ? 2 : 0)));
            }
            double wins = 0, pairs = 0;
            for (size_t i = 0; i < s.size(); ++i)
                for (size_t j = 0; j < s.size(); ++j)
                    if (y[i] && !y[j]) {
                        pairs += 1;
                        wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
                    }
            QVERIFY(std::abs(CandidateDiagnosis::auc(s, y) - wins / pairs) < 1e-12);
        }
        QCOMPARE(CandidateDiagnosis::auc({0.1f, 0.9f}, {false, true}), 1.0);
        QCOMPARE(CandidateDiagnosis::auc({0.9f, 0.1f}, {false, true}), 0.0);
        QVERIFY(std::isnan(CandidateDiagnosis::auc({0.1f, 0.9f}, {true, true})));
    }

    void rankAndCause()
    {
        const std::vector<float> l{0.2f, 0.9f, 0.6f, 0.9f};
        QCOMPARE(CandidateDiagnosis::rank(l, 1), 1);
        QCOMPARE(CandidateDiagnosis::rank(l, 3), 1); // ties count in its favour
        QCOMPARE(CandidateDiagnosis::rank(l, 2), 3);
        QCOMPARE(CandidateDiagnosis::rank(l, 0), 4);
        QCOMPARE(CandidateDiagnosis::rank(l, 7), 0);

        const Box truth{100, 100, 50, 50};
        const std::vector<Box> boxes{{100, 100, 50, 50}, {0, 0, 50, 50}, {300, 300, 50, 50}};
        // The good box is positive (0.7) but another is more likely: the choice rule failed.
        QCOMPARE(CandidateDiagnosis::cause(boxes, {0.7f, 0.9f, 0.1f}, 0.0, truth, 0.8), FailureCause::Choice);
        // The good box is not classified positive: scoring.
        QCOMPARE(CandidateDiagnosis::cause(boxes, {0.3f, 0.4f, 0.1f}, 0.0, truth, 0.8), FailureCause::Scoring);
        // No box reaches the truth: coverage.
        QCOMPARE(CandidateDiagnosis::cause({boxes[1], boxes[2]}, {0.7f, 0.9f}, 0.0, truth, 0.8), FailureCause::Coverage);
        QCOMPARE(CandidateDiagnosis::cause(boxes, {0.9f, 0.1f, 0.1f}, 1.0, truth, 0.8), FailureCause::None);
        QCOMPARE(failureCauseName(FailureCause::Scoring), std::string("scoring"));
    }

    void repeatsGiveMeanAndSpread()
    {
        auto run = [](double haar, double fa, double hybrid, int hybridFailures) {
            ExperimentResult r;
            r.backboneTitle = "SqueezeNet";
            r.evaluation.methods = {Method::Haar, Method::FA, Method::Hybrid};
            r.evaluation.summary[Method::Haar].meanDice = haar;
            r.evaluation.summary[Method::FA].meanDice = fa;
            r.evaluation.summary[Method::Hybrid].meanDice = hybrid;
            r.evaluation.summary[Method::Hybrid].failures = hybridFailures;
            return r;
        };
        // Hybrid 0.85/0.87/0.89 (sd 0.02) against FA 0.80/0.81/0.82 (sd 0.01): lead 0.06 > spread.
        auto s = RepeatedExperiment::summarise({1, 2, 3}, {run(0.7, 0.80, 0.85, 4), run(0.7, 0.81, 0.87, 2),
                                                            run(0.7, 0.82, 0.89, 3)});
        const auto& h = s.rows.at(Method::Hybrid);
        QVERIFY(std::abs(h.meanDice - 0.87) < 1e-12);
        QVERIFY(std::abs(h.sdDice - 0.02) < 1e-12);
        QVERIFY(std::abs(h.meanFailures - 3.0) < 1e-12 && std::abs(h.sdFailures - 1.0) < 1e-12);
        QCOMPARE(s.bestSingle, std::string("fa"));
        QVERIFY(std::abs(s.hybridLead - 0.06) < 1e-9);
        QVERIFY(s.hybridLeadExceedsSpread);
        QVERIFY(RepeatedExperiment::table(s).find("larger than the spread") != std::string::npos);
        // A lead of 0.01 with a spread of 0.05 is within it.
        s = RepeatedExperiment::summarise({1, 2}, {run(0.7, 0.80, 0.76, 4), run(0.7, 0.80, 0.86, 2)});
        QVERIFY(std::abs(s.hybridLead - 0.01) < 1e-9);
        QVERIFY(!s.hybridLeadExceedsSpread);
    }

    void evaluationCarriesTheDiagnosis()
    {
        std::vector<AnnotatedFrame> train, val;
        for (unsigned i = 0; i < 8; ++i)
            train.push_back(test::syntheticScene(1 + i));
        for (unsigned i = 0; i < 4; ++i)
            val.push_back(test::syntheticScene(101 + i));
        TrainConfig c;
        c.haarCount = 300;
        c.gbm.rounds = 40;
        Detector d = DetectorTrainer::train(train, c);
        const auto r = Evaluation::run(d, val, {Method::Haar});
        QCOMPARE(r.images.size(), size_t(4));
        double meanOracle = 0;
        for (size_t i = 0; i < r.images.size(); ++i) {
            const auto& io = r.images[i];
            const auto boxes = d.candidates(val[i].gray, val[i].calibration);
            const auto o = CandidateDiagnosis::oracle(boxes, io.truth);
            QCOMPARE(io.oracle.dice, o.dice);
            QCOMPARE(io.candidates, static_cast<int>(boxes.size()));
            const auto& mo = io.methods.at(Method::Haar);
            QVERIFY(mo.dice <= io.oracle.dice + 1e-12); // no method beats the oracle
            QVERIFY(mo.oracleRank >= 1 && mo.oracleRank <= io.candidates);
            QCOMPARE(mo.cause == FailureCause::None, mo.dice >= r.failureDice);
            meanOracle += io.oracle.dice / 4;
        }
        QVERIFY(std::abs(meanOracle - r.meanOracleDice) < 1e-12);
        const auto& s = r.summary.at(Method::Haar);
        QCOMPARE(s.coverageFailures + s.scoringFailures + s.choiceFailures, s.failures);
        QVERIFY(s.auc > 0.5 && s.auc <= 1.0); // a trained Haar-GBM ranks positives above negatives
        const std::string table = Evaluation::table(r);
        QVERIFY2(table.find("Candidate oracle") != std::string::npos, table.c_str());
        const std::string csv = Evaluation::csv(r);
        QVERIFY(csv.find("oracle_dice") != std::string::npos && csv.find("haar_failure_cause") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCandidateDiagnosis)
#include "TestCandidateDiagnosis.moc"

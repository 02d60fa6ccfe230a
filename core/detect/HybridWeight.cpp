#include "HybridWeight.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ks::detect {

std::vector<float> HybridWeight::combine(const std::vector<float>& haar, const std::vector<float>& fa, double weight)
{
    std::vector<float> out(haar.size());
    const float w = static_cast<float>(weight);
    for (size_t i = 0; i < haar.size() && i < fa.size(); ++i)
        out[i] = w * haar[i] + (1.0f - w) * fa[i];
    return out;
}

HybridWeightChoice HybridWeight::crossValidate(const cv::Mat& haar, const cv::Mat& fa, const std::vector<float>& labels,
                                               const std::vector<double>& dice, const std::vector<int>& frameOf,
                                               int folds, const GbmParams& params, Progress& progress)
{
    HybridWeightChoice choice;
    for (int k = 0; k <= 10; ++k)
        choice.weights.push_back(0.1 * k);
    const std::set<int> frames(frameOf.begin(), frameOf.end());
    const auto rows = static_cast<size_t>(haar.rows);
    if (folds < 2 || static_cast<int>(frames.size()) < folds || fa.rows != haar.rows || labels.size() != rows
        || dice.size() != rows || frameOf.size() != rows)
        return choice;
    std::map<int, int> foldOf;
    int next = 0;
    for (int f : frames)
        foldOf[f] = next++ % folds;
    std::vector<float> haarOut(rows), faOut(rows);
    for (int fold = 0; fold < folds; ++fold) {
        SubProgress sub(progress, static_cast<double>(fold) / folds, static_cast<double>(fold + 1) / folds);
        cv::Mat hTrain, fTrain, hTest, fTest;
        std::vector<float> y;
        std::vector<size_t> test;
        for (size_t r = 0; r < rows; ++r) {
            const int row = static_cast<int>(r);
            if (foldOf[frameOf[r]] == fold) {
                hTest.push_back(haar.row(row));
                fTest.push_back(fa.row(row));
                test.push_back(r);
            } else {
                hTrain.push_back(haar.row(row));
                fTrain.push_back(fa.row(row));
                y.push_back(labels[r]);
            }
        }
        if (std::set<float>(y.begin(), y.end()).size() < 2)
            return HybridWeightChoice{0.5, choice.weights, {}};
        GbmClassifier h, f;
        SubProgress first(sub, 0.0, 0.5), second(sub, 0.5, 1.0);
        h.train(hTrain, y, params, first);
        f.train(fTrain, y, params, second);
        const auto hp = h.predict(hTest), fp = f.predict(fTest);
        for (size_t k = 0; k < test.size(); ++k) {
            haarOut[test[k]] = hp[k];
            faOut[test[k]] = fp[k];
        }
    }
    // Per frame, the box each weight's rule chooses and its Dice.
    std::map<int, std::vector<size_t>> rowsOf;
    for (size_t r = 0; r < rows; ++r)
        rowsOf[frameOf[r]].push_back(r);
    double best = -1;
    for (double w : choice.weights) {
        const auto score = combine(haarOut, faOut, w);
        double mean = 0;
        for (const auto& [frame, rs] : rowsOf) {
            size_t chosen = rs.front();
            for (size_t r : rs)
                if (score[r] > score[chosen])
                    chosen = r;
            mean += dice[chosen] / static_cast<double>(rowsOf.size());
        }
        choice.meanDice.push_back(mean);
        // Ties go to the weight nearest the paper's 0.5.
        if (mean > best + 1e-12 || (std::abs(mean - best) <= 1e-12 && std::abs(w - 0.5) < std::abs(choice.weight - 0.5))) {
            best = mean;
            choice.weight = w;
        }
    }
    progress.step(1.0, "Hybrid weight cross-validated");
    return choice;
}

} // namespace ks::detect

#pragma once
/// \file HybridWeight.h
/// The hybrid's weight chosen on the training split by cross-validation (beyond the paper,
/// which averages the two likelihoods): likelihood = w · Haar + (1 − w) · FA. Both GBMs are
/// retrained per fold on the other folds' frames (whole frames held out) and the w whose
/// choice rule gives the held-out frames the highest mean Dice is kept.

#include "GbmClassifier.h"

#include "common/Progress.h"

#include <opencv2/core.hpp>

#include <vector>

namespace ks::detect {

/// Value type.
struct HybridWeightChoice
{
    double weight = 0.5;                ///< of the Haar likelihood
    std::vector<double> weights;        ///< the grid tried
    std::vector<double> meanDice;       ///< held-out mean Dice of each (empty: not cross-validated)
};

/// Stateless; thread-safe.
class HybridWeight
{
public:
    /// \param haar, fa   features of the same labelled boxes (rows), one row per box
    /// \param labels     1 / 0 per row
    /// \param dice       each box's Dice with its frame's truth
    /// \param frameOf    each row's frame (rows of a frame need not be contiguous)
    /// \param folds      ≥ 2; frames are assigned round-robin
    /// Returns weight 0.5 and no figures when a fold's training part has a single class or
    /// there are fewer frames than folds. \throws ks::Cancelled
    static HybridWeightChoice crossValidate(const cv::Mat& haar, const cv::Mat& fa, const std::vector<float>& labels,
                                            const std::vector<double>& dice, const std::vector<int>& frameOf,
                                            int folds, const GbmParams& params,
                                            Progress& progress = NullProgress::instance());

    /// The weighted likelihoods (ties in the choice are broken as Detector::choose does).
    static std::vector<float> combine(const std::vector<float>& haar, const std::vector<float>& fa, double weight);
};

} // namespace ks::detect

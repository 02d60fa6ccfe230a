#pragma once
/// \file TargetPresence.h
/// An honest "no target found": whether the box a method chose looks like the targets the
/// detector was trained on. Every image gets a most likely box, so the likelihood alone cannot
/// say "there is no kidney here" (an echocardiogram got kidney boxes at 0.996). This model
/// learns what training targets look like — Haar features of each training truth and of boxes
/// close to it, seen with context, standardised and whitened in their principal subspace — and
/// calls a chosen box novel when its distance to the nearest training target exceeds what
/// training targets of *other* frames show (leave-one-frame-out, so unseen kidneys pass) by a
/// margin. Images known to hold no target, when given, set the threshold between the two.

#include "AnnotatedFrame.h"
#include "HaarFeatures.h"

#include "common/Box.h"

#include <memory>
#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct PresenceConfig
{
    int boxesPerFrame = 8;      ///< the truth and boxes close to it (IoU ≥ 0.7) per training frame
    double context = 1.2;       ///< features on the box scaled by this about its centre
    int components = 16;       ///< principal components kept (fewer with few samples)
    double quantile = 0.95;     ///< of the leave-one-frame-out distances of training targets
    double margin = 1.5;        ///< the threshold is quantile × margin (one-class)
    int haarCount = 500;
    unsigned seed = 20161201;
    /// DetectorTrainer learns the decision only from at least this many annotated frames: fewer
    /// targets do not describe their variety (trained on the first ten hc18 images, it called 45
    /// to 49 of the 50 validation heads "no target found"). Without it every detection counts as
    /// found.
    int minFrames = 20;
};

/// Move-only. score() is const and thread-safe; train() is not.
class TargetPresence
{
public:
    /// \param negatives frames known to hold no target (may be empty): the chosen boxes there
    ///        (`negativeBoxes`, one or more per frame) are the novel side when setting the threshold
    /// \throws ks::Error with fewer than 3 annotated frames (too few to tell novelty)
    void train(const std::vector<AnnotatedFrame>& frames, const PresenceConfig& config,
               const std::vector<AnnotatedFrame>& negatives = {},
               const std::vector<std::vector<Box>>& negativeBoxes = {});
    bool isTrained() const { return m_features != nullptr; }

    /// Distance of each box to the nearest training target (whitened units).
    std::vector<double> novelty(const cv::Mat& gray8, const std::vector<Box>& boxes) const;
    /// True when the box looks like a training target (novelty ≤ threshold()).
    bool present(const cv::Mat& gray8, const Box& box) const;
    double threshold() const { return m_threshold; }
    const PresenceConfig& config() const { return m_config; }

    /// For bundles: the whole model as JSON (features, standardisation, basis, targets, threshold).
    std::string toJson() const;
    /// \throws ks::Error (Corrupt) when malformed
    static TargetPresence fromJson(const std::string& text);

private:
    /// Features of boxes (with context), standardised: rows × D.
    cv::Mat standardised(const cv::Mat& gray8, const std::vector<Box>& boxes) const;
    /// Per row of standardised features: whitened coordinates (→ w) and squared residual off the subspace.
    void project(const cv::Mat& z, cv::Mat& w, std::vector<double>& residual2) const;
    double distance(const cv::Mat& wRow, double residual2, int skipFrame = -1) const;

    PresenceConfig m_config;
    std::unique_ptr<HaarFeatures> m_features;
    cv::Mat m_mean, m_scale;     ///< 1×D standardisation (CV_32F)
    cv::Mat m_basis;             ///< K×D principal directions (orthonormal rows)
    cv::Mat m_sigma;             ///< 1×K their standard deviations
    cv::Mat m_targets;           ///< N×K training targets, whitened
    std::vector<int> m_frameOf;  ///< training frame of each target row
    double m_residualVar = 1;    ///< mean squared residual of the training targets
    double m_threshold = 0;
};

} // namespace ks::detect

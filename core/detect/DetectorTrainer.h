#pragma once
/// \file DetectorTrainer.h
/// Training per the paper: candidates of each training frame, labels by Dice, features per
/// feature set, one GBM per feature set.

#include "AnnotatedFrame.h"
#include "CandidateGenerator.h"
#include "CnnBackend.h"
#include "Detector.h"
#include "GbmClassifier.h"
#include "HybridWeight.h"
#include "Labeler.h"
#include "Method.h"
#include "TargetPreset.h"

#include "common/Progress.h"

#include <map>
#include <string>
#include <vector>

namespace ks::detect {

/// Everything that decides a training run. Value type.
struct TrainConfig
{
    TargetPreset preset = TargetPreset::dataOnly();
    CandidateConfig candidates;
    LabelConfig labels;
    GbmParams gbm;
    int haarCount = 2000;
    std::vector<Method> methods{Method::Haar};
    CnnConfig cnn;
    HybridConfig hybrid;
    /// Train the box-regression stage too (an extra Table 1 row per method, never replacing one).
    bool boxRegression = true;
    /// With the hybrid: cross-validate its Haar weight on the training frames (HybridConfig::cvWeight).
    bool hybridCrossValidation = true;
    BoxRegressorConfig regression;
    /// Learn the "no target" decision (TargetPresence) from the training targets (from at least
    /// PresenceConfig::minFrames annotated frames).
    bool presence = true;
    PresenceConfig presenceConfig;
    /// Scaled copies of the training frames for the classifiers and fine-tuning (ScaleAugmentation;
    /// beyond the paper): -1 = where the size model covers pixel sizes too (fewer than 20
    /// calibrated boxes and no clinical sizes: the targets' pixel sizes are the least known),
    /// 0 = never, 1 = always. Candidate sizes, box regression and the presence model see the
    /// original frames only.
    int scaleAugmentation = -1;
};

/// Figures of a training run. Value type.
struct TrainReport
{
    int frames = 0;
    int augmentedFrames = 0;        ///< scaled copies added for training (TrainConfig::scaleAugmentation)
    double meanCandidates = 0;      ///< per frame
    double coverage = 0;            ///< share of frames with a candidate of Dice ≥ 0.8 (upper bound of success)
    double meanBestDice = 0;        ///< mean over frames of the best candidate's Dice (upper bound of mean Dice)
    int positives = 0;
    int negatives = 0;
    std::map<std::string, double> seconds;  ///< per feature set
    std::map<std::string, CnnInfo> cnn;     ///< per CNN feature set
    HybridWeightChoice hybridWeight;        ///< the cross-validation's figures (empty without)
};

/// Stateless; thread-safe.
class DetectorTrainer
{
public:
    /// \throws ks::Error for an empty training set, a frame without ground truth (named), a
    ///         preset that does not fit the boxes, or CNN methods without ks_cnn; ks::Cancelled
    static Detector train(const std::vector<AnnotatedFrame>& frames, const TrainConfig& config,
                          TrainReport* report = nullptr, Progress& progress = NullProgress::instance());

    /// The feature sets the methods need, in training order (haar first).
    static std::vector<std::string> featureSetsFor(const std::vector<Method>& methods);
};

} // namespace ks::detect

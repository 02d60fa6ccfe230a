#pragma once
/// \file BoxRegressor.h
/// Bounding-box regression after a method's choice (R-CNN, Girshick et al. 2014, appendix C), an
/// extra stage beyond the paper that never changes its rows: four gradient-boosted regressors
/// predict, from Haar features of the chosen box seen with context around it, the shift of the
/// truth's centre in box widths/heights and the log ratios of its width and height. Trained on
/// boxes jittered about each training truth (the spread a method's choice leaves).

#include "AnnotatedFrame.h"
#include "GbmClassifier.h"
#include "HaarFeatures.h"

#include "common/Box.h"
#include "common/Progress.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct BoxRegressorConfig
{
    int boxesPerFrame = 48;     ///< jittered training boxes per training frame
    double context = 1.3;       ///< features are taken on the box scaled by this about its centre
    double maxShift = 0.2;      ///< jitter (and the largest correction) of the centre, in box sizes
    double maxLogScale = 0.25;  ///< jitter (and the largest correction) of log width / log height
    double minIou = 0.4;        ///< jittered boxes below this overlap with the truth are not used
    int haarCount = 2000;
    int haarGrid = 10;
    unsigned seed = 20140601;
    int threads = 0;            ///< XGBoost threads (0: all; the GUI leaves one core to itself)
};

/// Move-only. Not thread-safe (one thread at a time per instance).
class BoxRegressor
{
public:
    /// Training boxes about `truth`: centre shifts uniform in ±maxShift of its size and log sizes
    /// uniform in ±maxLogScale, kept when their IoU with the truth is ≥ minIou. Deterministic by seed.
    static std::vector<Box> jittered(const Box& truth, const BoxRegressorConfig& config, unsigned seed);
    /// The regression targets of `box` for `truth`: (dx, dy, log dw, log dh).
    static std::array<float, 4> targets(const Box& box, const Box& truth);
    /// `box` moved by predicted targets, each clamped to the trained range.
    static Box applyTargets(const Box& box, std::array<float, 4> t, const BoxRegressorConfig& config);

    /// \throws ks::Error when no frame has a truth; ks::Cancelled
    void train(const std::vector<AnnotatedFrame>& frames, const BoxRegressorConfig& config,
               Progress& progress = NullProgress::instance());
    bool isTrained() const { return m_features != nullptr; }
    const BoxRegressorConfig& config() const { return m_config; }

    /// The refined boxes, each kept inside `region` (the candidates' region of the frame).
    /// \throws ks::Error (Internal) when not trained
    std::vector<Box> refine(const cv::Mat& gray8, const std::vector<Box>& boxes, const Box& region);

    /// For bundles: the feature list (HaarFeatures::toJson) and the four models' bytes.
    std::string featuresJson() const;
    std::array<std::vector<char>, 4> models() const;
    /// \throws ks::Error (Corrupt) when the parts do not fit together
    static BoxRegressor restore(const BoxRegressorConfig& config, const std::string& featuresJson,
                                const std::array<std::vector<char>, 4>& models);

    /// Each box scaled by `context` about its centre (what the features see).
    static std::vector<Box> withContext(const std::vector<Box>& boxes, double context);

private:
    BoxRegressorConfig m_config;
    std::unique_ptr<HaarFeatures> m_features;
    std::array<GbmClassifier, 4> m_models;
};

} // namespace ks::detect

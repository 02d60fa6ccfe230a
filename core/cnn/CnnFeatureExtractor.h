#pragma once
/// \file CnnFeatureExtractor.h
/// CNN features per candidate box (CaffeNet fc7 / SqueezeNet pooled fire9), two ways:
///  - PerPatch: the paper's way; each box is cropped, warped to 227×227 and run through the
///    whole network (cost grows with the number of boxes: ~10 ms per box per core for CaffeNet).
///  - Fast: the convolutional layers run once per frame (per scale level) and each box is
///    RoI-pooled from the last conv map (SPP-net / Fast R-CNN), then the fully connected layers
///    run batched over all boxes (fc6/fc7 optionally through a truncated SVD).
///    How it approximates PerPatch: the frame is resized (x and y separately) so that a box maps
///    to about 227×227 pixels (a few scale levels an octave/2 apart; each box takes the nearest
///    level run), so conv responses see about the same image stretch as in a warped patch, but
///    (a) the box is ≈ 227 px, not exactly (up to ±19 % per axis, more for boxes far from every
///    level run), (b) conv responses near a box edge see the pixels outside it (zero
///    padding in the patch), and (c) CaffeNet's pool5 (3×3 stride-2 max over conv5's 13×13) is
///    replaced by a 6×6 grid of adaptive max bins over the box on conv5; for SqueezeNet the
///    global average over fire9 becomes an average over the box's cells.
///    The features correlate highly with PerPatch ones but are not equal; a classifier must be
///    trained and applied on features from the same path.

#include "cnn/CnnModel.h"
#include "common/FeatureExtractor.h"

#include <memory>
#include <vector>

namespace ks::cnn {

enum class FeaturePath { PerPatch, Fast };

struct FastPathOptions
{
    /// Number of frame scales run (levels an octave/2 apart, the most used by the boxes first);
    /// each box uses the level at which its size is nearest 227 px. 1 = one level for all boxes.
    int maxScales = 2;
    /// Scale x and y separately (a box becomes ≈ 227×227 like the warped patch) instead of
    /// keeping the frame's aspect ratio (≈ 227² area).
    bool anisotropic = true;
    /// Rank of the truncated SVD of fc6 / fc7 (CaffeNet; Fast R-CNN's trick: W ≈ U·(ΣVᵀ), two
    /// thin layers); 0 = the exact layer.
    int fc6Rank = 0;
    int fc7Rank = 0;
    /// Largest side, in pixels, of a resized frame, and the largest enlargement per axis (both
    /// bound time and memory; boxes smaller than 227/maxUpscale px are seen smaller than warped).
    int maxFrameSide = 1600;
    double maxUpscale = 2.0;
};

/// Timings of the last extract() call, seconds (for bench-detect).
struct ExtractTimes
{
    double prepare = 0;   ///< cropping/warping (PerPatch) or frame resizing (Fast)
    double conv = 0;      ///< convolutional layers
    double pool = 0;      ///< RoI pooling (Fast only)
    double fc = 0;        ///< fc6/fc7 (CaffeNet) or pooling (SqueezeNet PerPatch)
    double total = 0;
};

/// Implements ks::FeatureExtractor. Keeps a shared reference to the model: construct it after the
/// model's weights are final (the SVDs of fc6/fc7 are computed here). Not thread-safe.
class CnnFeatureExtractor : public FeatureExtractor
{
public:
    CnnFeatureExtractor(std::shared_ptr<const CnnModel> model, FeaturePath path = FeaturePath::Fast,
                        FastPathOptions options = {});
    ~CnnFeatureExtractor() override;

    /// The model's featureName() ("caffenet_fc7", "squeezenet_pool"), the same for both paths.
    std::string name() const override;
    int dimension() const override;
    /// \param gray8 CV_8UC1 frame (CV_8UC3 BGR also accepted)
    /// Throws ks::Error for an empty frame; boxes with no area give a row of zeros.
    cv::Mat extract(const cv::Mat& gray8, const std::vector<Box>& boxes,
                    Progress& progress = NullProgress::instance()) override;

    FeaturePath path() const { return m_path; }
    const FastPathOptions& fastOptions() const { return m_options; }
    const ExtractTimes& lastTimes() const { return m_times; }
    /// Per-patch batch size (patches per forward pass).
    void setBatchSize(int patches) { m_batchSize = patches; }

private:
    cv::Mat extractPerPatch(const cv::Mat& frame, const std::vector<Box>& boxes, Progress& progress);
    cv::Mat extractFast(const cv::Mat& frame, const std::vector<Box>& boxes, Progress& progress);

    struct FastState;
    std::shared_ptr<const CnnModel> m_model;
    FeaturePath m_path;
    FastPathOptions m_options;
    std::unique_ptr<FastState> m_fast;
    ExtractTimes m_times;
    int m_batchSize = 32;
};

} // namespace ks::cnn

#pragma once
/// \file HaarFeatures.h
/// Haar-like features of candidate boxes computed from the frame's integral images, without
/// resampling any ROI (after Viola-Jones and Carneiro et al. 2008, as the paper uses).

#include "common/FeatureExtractor.h"

#include <string>
#include <vector>

namespace ks::detect {

/// One rectangle of a Haar feature in normalised ROI coordinates ([0,1]², x right, y down).
struct HaarRect
{
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float weight = 0; ///< applied to the rectangle's mean intensity
};

/// A feature's value is Σ weight · mean(rect) / (σ_ROI + 1), means and σ in grey levels. Pixels
/// outside the frame count as 0. Rectangles are snapped to whole pixels of the box rounded to
/// whole pixels (edges at x + round(fx · W)).
struct HaarFeature
{
    std::vector<HaarRect> rects;
};

/// Columns 0 and 1 are the ROI mean and standard deviation (/255); the remaining `count`
/// columns are the Haar features (two-rectangle horizontal/vertical, three-rectangle
/// horizontal/vertical, four-rectangle checkerboard) at every scale and position on a
/// grid×grid cell lattice, thinned evenly to `count`.
/// extract() is safe to call from several threads on one instance (it does not mutate it) and
/// runs in parallel over the boxes.
class HaarFeatures : public FeatureExtractor
{
public:
    /// \param count number of Haar features (about 2000 for the paper's setting)
    /// \param grid  cells per ROI side (8 gives 2056 before thinning)
    explicit HaarFeatures(int count = 2000, int grid = 8);
    /// Restores a feature list saved with toJson(). \throws ks::Error (Corrupt) when malformed.
    static HaarFeatures fromJson(const std::string& text);
    std::string toJson() const;

    std::string name() const override { return "haar"; }
    int dimension() const override { return static_cast<int>(m_features.size()) + 2; }
    cv::Mat extract(const cv::Mat& gray8, const std::vector<Box>& boxes,
                    Progress& progress = NullProgress::instance()) override;

    /// The same features from precomputed integral images (cv::integral(gray8, sum, sqsum, CV_32S, CV_64F)).
    cv::Mat extractIntegral(const cv::Mat& sum, const cv::Mat& sqsum, const std::vector<Box>& boxes,
                            Progress& progress = NullProgress::instance()) const;

    const std::vector<HaarFeature>& features() const { return m_features; }
    int grid() const { return m_grid; }

    /// The reference definition: one feature of one box summed pixel by pixel (slow; for tests).
    static double directValue(const cv::Mat& gray8, const Box& box, const HaarFeature& feature);

private:
    std::vector<HaarFeature> m_features;
    int m_grid = 8;
};

} // namespace ks::detect

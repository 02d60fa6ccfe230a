#pragma once
/// \file ResponseMeasures.h
/// Numbers that turn Fig. 4 of the paper into measurements: similarity of a filter response to
/// a hand-crafted feature map, and how much speckle a response keeps in homogeneous tissue.

#include <opencv2/core.hpp>

namespace ks::interpret {

/// First and second moments of an image inside a region.
struct SpeckleStats
{
    double mean = 0;
    double stddev = 0;
    double speckleIndex = 0;  ///< stddev / |mean| (0 when mean is 0); fully developed speckle ≈ 0.52
    double enl = 0;           ///< equivalent number of looks (mean / stddev)², 0 when stddev is 0
    int pixels = 0;           ///< pixels that entered the statistics
};

/// Free functions; all thread-safe.
class ResponseMeasures
{
public:
    /// Normalised cross-correlation (Pearson's r) of two same-size one-channel images, optionally
    /// inside `mask` (CV_8U, non-zero = use). In [-1, 1]; 0 when either image is constant there.
    /// \throws ks::Error when sizes or channel counts differ.
    static double ncc(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask = {});

    /// Mean, std, speckle index and ENL of `image` inside `mask` (whole image when empty).
    static SpeckleStats speckle(const cv::Mat& image, const cv::Mat& mask = {});

    /// Homogeneous tissue of an ultrasound image: pixels whose local structure (gradient
    /// magnitude of the σ = `smoothSigma` smoothed image, pixels) is in the lowest `fraction`,
    /// among pixels whose local mean brightness is at least half the image's median brightness
    /// (dark background and cysts have no speckle to measure). CV_8U mask (255 = homogeneous),
    /// non-empty for any non-constant image.
    static cv::Mat homogeneousMask(const cv::Mat& image, double fraction = 0.25, double smoothSigma = 4);

    /// Speckle of a filter response as the next layer sees it: statistics of max(response, 0)
    /// inside the homogeneous mask, plus `residual`: std of the response in the homogeneous region
    /// divided by its std over the whole image (how much of the response's variation is speckle
    /// rather than structure; lower = speckle suppressed relative to edges; gain invariant).
    struct ResponseSpeckle
    {
        SpeckleStats rectified;
        double residual = 0;
    };
    static ResponseSpeckle responseSpeckle(const cv::Mat& response, const cv::Mat& homogeneous);
};

} // namespace ks::interpret

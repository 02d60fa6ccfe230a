#pragma once
/// \file Frangi.h
/// Multiscale Frangi vesselness in 2-D (Frangi et al., MICCAI 1998): Hessian from Gaussian
/// derivatives at several scales, eigenvalue ratios, maximum over scales.

#include <opencv2/core.hpp>

#include <vector>

namespace ks::interpret {

struct FrangiParams
{
    std::vector<double> sigmas{1, 2, 3, 4};  ///< Gaussian scales in pixels
    double beta = 0.5;     ///< sensitivity to blob-likeness Rb = |λ1|/|λ2|
    /// Sensitivity to structure strength S = sqrt(λ1² + λ2²). <= 0: half the maximum of S at
    /// each scale (Frangi's suggestion), which makes the output independent of image gain.
    double c = 0;
    bool brightRidges = true;  ///< true: bright lines on dark (λ2 < 0); false: dark lines on bright
};

struct FrangiResult
{
    cv::Mat vesselness;  ///< CV_32F in [0, 1], input size: max over scales
    cv::Mat scale;       ///< CV_32F, the sigma (pixels) that gave the maximum (0 where vesselness is 0)
};

/// Stateless; compute() is thread-safe.
class Frangi
{
public:
    explicit Frangi(FrangiParams params = {});

    /// \param image one-channel image, any depth. Hessians are scale-normalised (σ² ·
    /// second derivatives). \throws ks::Error for an empty or multi-channel image.
    FrangiResult compute(const cv::Mat& image) const;

    /// Shortcut: compute(image).vesselness.
    cv::Mat vesselness(const cv::Mat& image) const { return compute(image).vesselness; }

    /// Scale-normalised Hessian (Dxx, Dxy, Dyy) at one sigma, CV_32F each (exposed for tests).
    static void hessian(const cv::Mat& image32f, double sigma, cv::Mat& dxx, cv::Mat& dxy, cv::Mat& dyy);

    const FrangiParams& params() const { return m_params; }

private:
    FrangiParams m_params;
};

} // namespace ks::interpret

#pragma once
/// \file TissueMaps.h
/// Acoustic properties of the scanned tissue on a grid (image pixels or the beam grid).

#include <opencv2/core.hpp>

namespace ks::phantom {

/// All maps CV_32F and the same size. Value type (cv::Mat sharing); not synchronised.
struct TissueMaps
{
    cv::Mat echoDb;       ///< mean backscatter relative to liver, dB
    cv::Mat density;      ///< scatterer density in (0, 1]: 1 = many per resolution cell (Rayleigh)
    cv::Mat sparkle;      ///< amplitude (linear, relative to liver) of sparse strong scatterers
    cv::Mat attenuation;  ///< round-trip attenuation, dB per mm

    /// Uniform maps: every cell the same tissue.
    static TissueMaps uniform(cv::Size size, double echoDb, double density, double sparkle, double attenuation)
    {
        return {cv::Mat(size, CV_32F, cv::Scalar(echoDb)), cv::Mat(size, CV_32F, cv::Scalar(density)),
                cv::Mat(size, CV_32F, cv::Scalar(sparkle)), cv::Mat(size, CV_32F, cv::Scalar(attenuation))};
    }
};

} // namespace ks::phantom

#pragma once
/// \file ReferenceMaps.h
/// The hand-crafted feature maps of one patch that learned filter responses are compared with.

#include "interpret/Frangi.h"
#include "interpret/PhaseCongruency.h"
#include "interpret/ResponseMeasures.h"

#include <opencv2/core.hpp>

namespace ks::interpret {

/// All maps have the patch's size (pixels). Value type.
struct ReferenceMaps
{
    cv::Mat input;        ///< the patch, CV_8UC1
    cv::Mat phase;        ///< phase congruency (max over orientations), CV_32F [0, 1]
    cv::Mat frangi;       ///< Frangi vesselness (bright ridges), CV_32F [0, 1]
    cv::Mat homogeneous;  ///< homogeneous-tissue mask (CV_8U) for the speckle measures
    SpeckleStats inputSpeckle;  ///< speckle of the input itself in that mask

    /// \param patch8 CV_8UC1 (or CV_8UC3 BGR, converted to grey). Thread-safe.
    /// \throws ks::Error when empty.
    static ReferenceMaps compute(const cv::Mat& patch8, const PhaseCongruencyParams& pc = {},
                                 const FrangiParams& frangi = {});
};

} // namespace ks::interpret

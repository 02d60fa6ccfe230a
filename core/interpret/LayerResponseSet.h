#pragma once
/// \file LayerResponseSet.h
/// The responses of every filter of one layer on one patch, with the measures that turn the
/// paper's Fig. 4 into numbers (similarity to phase congruency and Frangi, speckle).

#include "interpret/ReferenceMaps.h"
#include "interpret/ResponseMeasures.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ks::interpret {

struct FilterResponse
{
    int filter = 0;            ///< output channel index in the layer (0-based)
    cv::Mat response;          ///< CV_32F, the patch's size
    double nccPhase = 0;       ///< NCC with phase congruency over the whole patch
    double nccFrangi = 0;      ///< NCC with Frangi vesselness
    ResponseMeasures::ResponseSpeckle speckle;  ///< in the reference's homogeneous mask
};

/// One model's layer on one patch, with summaries over its filters. Constant responses (dead
/// filters after ReLU) are counted in `deadFilters` and left out of the means and maxima.
/// Value type.
struct LayerResponseSet
{
    std::string model;         ///< label such as "SqueezeNet FA"
    std::string layer;
    std::vector<FilterResponse> filters;
    int deadFilters = 0;
    double meanNccPhase = 0, maxNccPhase = 0;
    double meanNccFrangi = 0, maxNccFrangi = 0;
    double meanSpeckleIndex = 0;   ///< mean over live filters of the rectified response's std/mean
    double meanResidual = 0;       ///< mean over live filters of std(homogeneous)/std(all)
    int bestPhaseFilter = -1;      ///< filter with the highest NCC with phase congruency (-1: none live)
    int bestFrangiFilter = -1;

    /// Indices into `filters`, live filters by decreasing NCC with phase congruency (or Frangi),
    /// then dead ones.
    std::vector<int> ranking(bool byFrangi = false) const;

    /// Measures responses (each the reference's size, any depth) against `reference`.
    /// \throws ks::Error when a response's size differs from the patch's.
    static LayerResponseSet measure(const std::vector<cv::Mat>& responses, const std::string& modelLabel,
                                    const std::string& layer, const ReferenceMaps& reference);
};

} // namespace ks::interpret

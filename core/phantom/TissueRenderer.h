#pragma once
/// \file TissueRenderer.h
/// Paints a drawn case's anatomy into tissue property maps at image resolution, and the
/// kidney's ground-truth mask.

#include "PhantomCase.h"
#include "PhantomParams.h"
#include "TissueMaps.h"

namespace ks::phantom {

/// Stateless; thread-safe.
class TissueRenderer
{
public:
    /// Tissue maps of `c` in image pixels (params.contrast scales echogenicity differences).
    static TissueMaps render(const PhantomCase& c, const PhantomParams& params);
    /// CV_8U mask (255 = kidney, clipped to the field of view), evaluated at pixel centres.
    static cv::Mat kidneyMask(const PhantomCase& c);
    /// Fills a polygon given in continuous pixel coordinates (pixel centre at +0.5) into a CV_8U mask.
    static void fillPolygon(cv::Mat& mask, const std::vector<cv::Point2d>& polygon);
};

} // namespace ks::phantom

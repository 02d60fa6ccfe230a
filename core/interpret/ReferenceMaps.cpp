#include "ReferenceMaps.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

namespace ks::interpret {

ReferenceMaps ReferenceMaps::compute(const cv::Mat& patch8, const PhaseCongruencyParams& pc,
                                     const FrangiParams& frangi)
{
    if (patch8.empty())
        throw Error("Cannot analyse an empty patch", "Choose a box inside the image");
    ReferenceMaps m;
    if (patch8.channels() == 3)
        cv::cvtColor(patch8, m.input, cv::COLOR_BGR2GRAY);
    else
        patch8.convertTo(m.input, CV_8U);
    m.phase = PhaseCongruency(pc).magnitude(m.input);
    m.frangi = Frangi(frangi).vesselness(m.input);
    m.homogeneous = ResponseMeasures::homogeneousMask(m.input);
    m.inputSpeckle = ResponseMeasures::speckle(m.input, m.homogeneous);
    return m;
}

} // namespace ks::interpret

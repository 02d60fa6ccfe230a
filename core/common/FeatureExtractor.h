#pragma once
/// \file FeatureExtractor.h
/// A feature set for candidate boxes (Haar, CaffeNet fc7, SqueezeNet pooled features).
/// CONTRACT shared by the Haar features (ks_detect), the CNN features (ks_cnn) and the classifier.

#include "Box.h"
#include "Progress.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ks {

/// Not thread-safe unless an implementation says so: use one instance per thread.
class FeatureExtractor
{
public:
    virtual ~FeatureExtractor() = default;
    /// "haar", "caffenet_fc7", "squeezenet_pool"...
    virtual std::string name() const = 0;
    /// Number of features per box.
    virtual int dimension() const = 0;
    /// Features of each box on one frame.
    /// \param gray8 the frame, CV_8UC1
    /// \param boxes candidate boxes in the frame's pixel coordinates (may extend past the frame edge)
    /// \return boxes.size() × dimension(), CV_32F, row i for boxes[i]
    virtual cv::Mat extract(const cv::Mat& gray8, const std::vector<Box>& boxes,
                            Progress& progress = NullProgress::instance()) = 0;
};

} // namespace ks
